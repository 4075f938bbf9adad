import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createPrismaClient, runHotStatement } from "@ms5/db";
import { freePort } from "@ms5/kit/testing";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { type EmbeddedPostgres, type EmbeddedPostgresOptions, startEmbeddedPostgres } from "./embedded-postgres.ts";

// Each start may run initdb and crash recovery: seconds on a small, busy machine.
const STARTS_TIMEOUT_MS = 120_000;

const tempDirs: string[] = [];
const running: EmbeddedPostgres[] = [];

afterEach(async () => {
  for (const server of running.splice(0)) await server.stop();
  for (const dir of tempDirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

/** A data directory in a fresh temporary folder the `postgres` system user can reach (when we are root). */
async function freshDataDir(mode = 0o755): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ms5-embedded-pg-"));
  await fs.chmod(dir, mode);
  tempDirs.push(dir);
  return path.join(dir, "postgres");
}

async function options(dataDir: string, port?: number): Promise<EmbeddedPostgresOptions> {
  return { dataDir, port: port ?? (await freePort()), readyTimeoutMs: 60_000, stopGraceMs: 10_000 };
}

async function start(settings: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const server = await startEmbeddedPostgres(settings);
  running.push(server);
  return server;
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie is dead but not yet reaped by pid 1.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

describe("embedded PostgreSQL", () => {
  it(
    "keeps rows across a stop and a start, and stop() leaves no server process and the port free",
    async () => {
      const settings = await options(await freshDataDir());
      const first = await start(settings);
      expect(first.databaseUrl("postgres")).toBe(`postgresql://postgres@127.0.0.1:${settings.port}/postgres`);
      await withClient(first.databaseUrl("postgres"), async (client) => {
        expect((await client.query("SHOW server_version")).rows[0].server_version).toMatch(/^17\./);
        await client.query("CREATE TABLE machine (id int PRIMARY KEY, name text NOT NULL)");
        await client.query("INSERT INTO machine (id, name) VALUES ($1, $2)", [1, "Bagger 1"]);
      });
      await first.stop();
      expect(isAlive(first.pid)).toBe(false);
      expect(await portIsFree(settings.port)).toBe(true);

      const second = await start(settings);
      const rows = await withClient(
        second.databaseUrl("postgres"),
        async (client) => (await client.query("SELECT id, name FROM machine")).rows,
      );
      expect(rows).toEqual([{ id: 1, name: "Bagger 1" }]);
    },
    STARTS_TIMEOUT_MS,
  );

  it(
    "gives every connection its own session: an open transaction blocks no other commit, and two services prepare the same statement name",
    async () => {
      const server = await start(await options(await freshDataDir()));
      const url = server.databaseUrl("postgres");
      await withClient(url, (client) => client.query("CREATE TABLE stop (id int PRIMARY KEY)"));
      await withClient(url, async (writer) => {
        await writer.query("BEGIN");
        await writer.query("INSERT INTO stop VALUES (1)");
        await withClient(url, async (other) => {
          await other.query("INSERT INTO stop VALUES (2)");
          expect((await other.query("SELECT id FROM stop ORDER BY id")).rows).toEqual([{ id: 2 }]);
        });
        await writer.query("COMMIT");
      });

      const services = [1, 2].map(() => createPrismaClient({ databaseUrl: url, poolMax: 1 }));
      try {
        for (const [i, service] of [...services, ...services].entries()) {
          const statement = { name: "hot-statement-test", text: "SELECT $1::int + 1 AS n", values: [i] };
          expect(await runHotStatement<{ n: number }>(service, statement)).toEqual([{ n: i + 1 }]);
        }
      } finally {
        for (const service of services) await service.$disconnect();
      }
    },
    STARTS_TIMEOUT_MS,
  );

  it(
    "starts again after its server was killed with SIGKILL, past the stale postmaster.pid, with the committed rows",
    async () => {
      const settings = await options(await freshDataDir());
      const first = await start(settings);
      await withClient(first.databaseUrl("postgres"), (client) =>
        client.query("CREATE TABLE andon AS SELECT 'raised'::text AS status"),
      );
      process.kill(first.pid, "SIGKILL");
      await expect.poll(() => isAlive(first.pid)).toBe(false);
      expect(await fs.readFile(path.join(settings.dataDir, "postmaster.pid"), "utf8")).toMatch(
        new RegExp(`^${first.pid}\n`),
      );

      const second = await start(settings);
      const rows = await withClient(
        second.databaseUrl("postgres"),
        async (client) => (await client.query("SELECT status FROM andon")).rows,
      );
      expect(rows).toEqual([{ status: "raised" }]);
    },
    STARTS_TIMEOUT_MS,
  );

  it(
    "stops the server a killed start left running, then serves the same data itself",
    async () => {
      const settings = await options(await freshDataDir());
      // A start in another process, killed with SIGKILL once its server is up: the server, in its own
      // process group, outlives it.
      const owner = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          "--input-type=module",
          "-e",
          `const { startEmbeddedPostgres } = await import(${JSON.stringify(path.join(import.meta.dirname, "embedded-postgres.ts"))});
           const server = await startEmbeddedPostgres(${JSON.stringify(settings)});
           process.stdout.write(server.pid + "\\n");
           setInterval(() => undefined, 1 << 30);`,
        ],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      const orphanPid = await new Promise<number>((resolve, reject) => {
        owner.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
        owner.once("exit", (code) => reject(new Error(`the owning start exited with ${code}`)));
      });
      try {
        await withClient(`postgresql://postgres@127.0.0.1:${settings.port}/postgres`, (client) =>
          client.query("CREATE TABLE shift AS SELECT 'A'::text AS name"),
        );
        owner.kill("SIGKILL");
        await new Promise((resolve) => owner.once("exit", resolve));
        expect(isAlive(orphanPid)).toBe(true);

        const lines: string[] = [];
        const server = await start({ ...settings, log: (line) => lines.push(line) });
        expect(lines).toContainEqual(
          expect.stringContaining(`stopping the PostgreSQL (pid ${orphanPid}) left running`),
        );
        expect(isAlive(orphanPid)).toBe(false);
        expect(server.pid).not.toBe(orphanPid);
        const rows = await withClient(
          server.databaseUrl("postgres"),
          async (client) => (await client.query("SELECT name FROM shift")).rows,
        );
        expect(rows).toEqual([{ name: "A" }]);
      } finally {
        owner.kill("SIGKILL");
        if (isAlive(orphanPid)) process.kill(orphanPid, "SIGQUIT");
      }
    },
    STARTS_TIMEOUT_MS,
  );

  it(
    "refuses a port that is already taken, naming EMBEDDED_PG_PORT, and starts no server",
    async () => {
      const holder = net.createServer();
      await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
      const { port } = holder.address() as net.AddressInfo;
      try {
        const dataDir = await freshDataDir();
        await expect(startEmbeddedPostgres(await options(dataDir, port))).rejects.toThrow(
          /already in use.*EMBEDDED_PG_PORT/,
        );
        await expect(fs.access(dataDir)).rejects.toThrow();
      } finally {
        await new Promise<void>((resolve) => holder.close(() => resolve()));
      }
    },
    STARTS_TIMEOUT_MS,
  );

  it("refuses a data directory that another living start holds, naming that process", async () => {
    const dataDir = await freshDataDir();
    // The lock of a start in another living process (this test's parent stands in for it).
    await fs.writeFile(`${dataDir}.lock`, `${process.ppid}\n`);
    await expect(startEmbeddedPostgres(await options(dataDir))).rejects.toThrow(`is in use by process ${process.ppid}`);
    expect(await fs.readFile(`${dataDir}.lock`, "utf8")).toBe(`${process.ppid}\n`);
  });

  it("refuses to initialise over a directory that holds files but no cluster, deleting nothing", async () => {
    const dataDir = await freshDataDir();
    await fs.mkdir(dataDir);
    await fs.writeFile(path.join(dataDir, "notes.txt"), "mine");
    await expect(startEmbeddedPostgres(await options(dataDir))).rejects.toThrow(/holds no PostgreSQL cluster/);
    expect(await fs.readFile(path.join(dataDir, "notes.txt"), "utf8")).toBe("mine");
  });

  it.runIf(process.getuid?.() === 0)(
    "as root, names a data directory the postgres system user cannot reach, and leaves nothing behind",
    async () => {
      const dataDir = await freshDataDir(0o700);
      await expect(startEmbeddedPostgres(await options(dataDir))).rejects.toThrow(
        `which cannot reach ${dataDir}: a parent directory is not searchable by others`,
      );
      expect(await fs.readdir(path.dirname(dataDir))).toEqual([]);
    },
  );
});
