import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createPrismaClient, runHotStatement } from "@ms5/db";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";

// Each start initialises or opens a PGlite data directory: seconds on a small machine.
const STARTS_TIMEOUT_MS = 120_000;

const tempDirs: string[] = [];

async function freshDataDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ms5-embedded-pg-"));
  tempDirs.push(dir);
  return path.join(dir, "pglite");
}

async function withClient<T>(databaseUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

afterEach(async () => {
  for (const dir of tempDirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

describe("embedded PostgreSQL", () => {
  it(
    "keeps rows across a restart of the embedded database",
    async () => {
      const dataDir = await freshDataDir();

      const first = await startEmbeddedPostgres({ dataDir, port: 0, maxConnections: 4 });
      try {
        expect(first.databaseUrl).toBe(`postgresql://postgres@127.0.0.1:${first.port}/postgres?sslmode=disable`);
        await withClient(first.databaseUrl, async (client) => {
          await client.query("CREATE TABLE machine (id int PRIMARY KEY, name text NOT NULL)");
          await client.query("INSERT INTO machine (id, name) VALUES ($1, $2)", [1, "filler 3"]);
          const { rows } = await client.query("SELECT name FROM machine WHERE id = 1");
          expect(rows).toEqual([{ name: "filler 3" }]);
        });
      } finally {
        await first.stop();
      }

      const second = await startEmbeddedPostgres({ dataDir, port: 0, maxConnections: 4 });
      try {
        const rows = await withClient(
          second.databaseUrl,
          async (client) => (await client.query("SELECT id, name FROM machine")).rows,
        );
        expect(rows).toEqual([{ id: 1, name: "filler 3" }]);
      } finally {
        await second.stop();
      }
    },
    STARTS_TIMEOUT_MS,
  );

  it(
    "serves several connections at once when maxConnections allows",
    async () => {
      const embedded = await startEmbeddedPostgres({ dataDir: await freshDataDir(), port: 0, maxConnections: 4 });
      try {
        const pool = new pg.Pool({ connectionString: embedded.databaseUrl, max: 4 });
        try {
          const results = await Promise.all(
            [1, 2, 3, 4].map((n) => pool.query("SELECT $1::int AS n, pg_sleep(0.02)", [n])),
          );
          expect(results.map((result) => result.rows[0]?.n)).toEqual([1, 2, 3, 4]);
          expect(pool.totalCount).toBeGreaterThan(1);
        } finally {
          await pool.end();
        }
      } finally {
        await embedded.stop();
      }
    },
    STARTS_TIMEOUT_MS,
  );

  it(
    "runs the hot paths' prepared statements for two services, whose connections share its one session",
    async () => {
      const embedded = await startEmbeddedPostgres({ dataDir: await freshDataDir(), port: 0, maxConnections: 4 });
      const services = [1, 2].map(() => createPrismaClient({ databaseUrl: embedded.databaseUrl, poolMax: 1 }));
      try {
        const statement = (n: number) => ({ name: "hot-statement-test", text: "SELECT $1::int + 1 AS n", values: [n] });
        for (const [i, service] of [...services, ...services].entries()) {
          const rows = await runHotStatement<{ n: number }>(service, statement(i));
          expect(rows).toEqual([{ n: i + 1 }]);
        }
      } finally {
        for (const service of services) await service.$disconnect();
        await embedded.stop();
      }
    },
    STARTS_TIMEOUT_MS,
  );

  it(
    "refuses a port that is already taken, naming EMBEDDED_PG_PORT",
    async () => {
      const embedded = await startEmbeddedPostgres({ dataDir: await freshDataDir(), port: 0, maxConnections: 1 });
      try {
        await expect(
          startEmbeddedPostgres({ dataDir: await freshDataDir(), port: embedded.port, maxConnections: 1 }),
        ).rejects.toThrow(/already in use.*EMBEDDED_PG_PORT/);
      } finally {
        await embedded.stop();
      }
    },
    STARTS_TIMEOUT_MS,
  );

  it(
    "refuses to open a data directory another start has open",
    async () => {
      const dataDir = await freshDataDir();
      const embedded = await startEmbeddedPostgres({ dataDir, port: 0, maxConnections: 1 });
      try {
        await expect(startEmbeddedPostgres({ dataDir, port: 0, maxConnections: 1 })).rejects.toThrow(
          /is in use by process/,
        );
      } finally {
        await embedded.stop();
      }
    },
    STARTS_TIMEOUT_MS,
  );
});
