import { readdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { migrateDatabase, runPrismaCli } from "./migrate-database.ts";
import { createTestDatabase, type TestDatabase } from "./testing/test-database.ts";

const migrationsDir = path.resolve(import.meta.dirname, "../migrations");
const committedMigrations = readdirSync(migrationsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe("migrations", () => {
  const { runId, databaseServerUrl } = inject("testRun");
  let empty: TestDatabase;

  beforeAll(async () => {
    empty = await createTestDatabase({ serverUrl: databaseServerUrl, runId });
  });
  afterAll(async () => {
    await empty.drop();
  });

  it("apply every committed migration to an empty database, offline", async () => {
    await migrateDatabase(empty.url);
    const client = new pg.Client({ connectionString: empty.url });
    await client.connect();
    try {
      const { rows } = await client.query<{
        migration_name: string;
        finished_at: Date | null;
        rolled_back_at: Date | null;
      }>("SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name");
      expect(rows.map((r) => r.migration_name)).toEqual(committedMigrations);
      expect(rows.every((r) => r.finished_at !== null && r.rolled_back_at === null)).toBe(true);
    } finally {
      await client.end();
    }
  });

  it("leave no drift between the migrations and the Prisma schema", async () => {
    // The schema engine replays the migrations into a shadow database and diffs it with schema.prisma;
    // --exit-code makes a non-empty diff exit 2, which rejects here with the diff in the message.
    const output = await runPrismaCli(
      ["migrate", "diff", "--from-migrations", "migrations", "--to-schema-datamodel", "schema.prisma", "--exit-code"],
      empty.url,
    );
    expect(output).toContain("No difference detected");
  });

  it("are idempotent: deploying again applies nothing", async () => {
    const output = await migrateDatabase(empty.url);
    expect(output).toMatch(/No pending migrations to apply/);
  });

  it("leave no shadow database behind", async () => {
    const client = new pg.Client({ connectionString: databaseServerUrl });
    await client.connect();
    try {
      const { rows } = await client.query(
        "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'",
      );
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
