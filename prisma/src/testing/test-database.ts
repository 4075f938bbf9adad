// Test databases on the real PostgreSQL server: the run's global setup migrates one template
// database; each test file clones its own from it (CREATE DATABASE ... TEMPLATE, a file copy, so
// far faster than migrating) and drops it afterwards, so runs and files never share rows. Tests
// connect as the services do: a login of the run in the data-only role ms5_service; the owner's URL
// is there for what only the owner may do (migrations, a DBA's tampering).
import { createHmac, randomBytes } from "node:crypto";
import pg from "pg";
import { dropServiceLogin, ensureServiceLogin, type ServiceLogin, urlAs } from "../database-roles.ts";
import { createPrismaClient, type PrismaClient } from "../index.ts";
import { migrateDatabase } from "../migrate-database.ts";

/** The server tests use: TEST_DATABASE_URL, else DATABASE_URL's server, else the local default. */
export function testServerUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = new URL(env.TEST_DATABASE_URL || env.DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres");
  url.pathname = "/postgres";
  return url.toString();
}

export function databaseUrlOn(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function testDatabasePrefix(runId: string): string {
  return `ms5_test_${runId}_`;
}

/**
 * The run's service login. Its password is derived from the owner's URL (which holds the owner's
 * password where the server asks for one) and the run id, so every test worker knows it without
 * passing it around, and only whoever could sign in as the owner can derive it.
 */
export function testServiceLogin(serverUrl: string, runId: string): ServiceLogin {
  return {
    user: `${testDatabasePrefix(runId)}service`,
    password: createHmac("sha256", serverUrl).update(runId).digest("base64url"),
  };
}

/** Global setup: an empty database with every migration applied, to clone from, and the run's service login. */
export async function createTemplateDatabase(serverUrl: string, runId: string): Promise<string> {
  const name = `${testDatabasePrefix(runId)}template`;
  const templateUrl = databaseUrlOn(serverUrl, name);
  await migrateDatabase(templateUrl);
  await ensureServiceLogin(templateUrl, testServiceLogin(serverUrl, runId));
  return name;
}

/** Global teardown: drop every database this run made, then its service login. */
export async function dropRunDatabases(serverUrl: string, runId: string): Promise<number> {
  const dropped = await onServer(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
      [testDatabasePrefix(runId)],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    return rows.length;
  });
  await dropServiceLogin(serverUrl, testServiceLogin(serverUrl, runId).user);
  return dropped;
}

export interface TestDatabase {
  name: string;
  /**
   * How services connect: the run's login in ms5_service (data rights only). For an empty database
   * (no template) it is the owner's URL: nothing is granted there before it is migrated.
   */
  url: string;
  /** The tables' owner, for migrations and for playing a DBA who edits rows behind the services' back. */
  ownerUrl: string;
  /** A client on `url`. */
  prisma: PrismaClient;
  /** Disconnects and drops the database. */
  drop(): Promise<void>;
}

/** A fresh database for one test file: migrated (cloned from the template) or empty. */
export async function createTestDatabase(options: {
  serverUrl: string;
  runId: string;
  templateDatabase?: string;
}): Promise<TestDatabase> {
  const name = `${testDatabasePrefix(options.runId)}${process.env.VITEST_POOL_ID ?? "0"}_${randomBytes(4).toString("hex")}`;
  await onServer(options.serverUrl, (client) =>
    client.query(
      options.templateDatabase
        ? `CREATE DATABASE "${name}" TEMPLATE "${options.templateDatabase}"`
        : `CREATE DATABASE "${name}"`,
    ),
  );
  const ownerUrl = databaseUrlOn(options.serverUrl, name);
  const url = options.templateDatabase ? urlAs(ownerUrl, testServiceLogin(options.serverUrl, options.runId)) : ownerUrl;
  const prisma = createPrismaClient({ databaseUrl: url, poolMax: 4 });
  return {
    name,
    url,
    ownerUrl,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await onServer(options.serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
