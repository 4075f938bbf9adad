// Applies the committed migrations to a database, creating the database first when it does not
// exist. Runs Prisma's own `migrate deploy` (the JS schema engine, offline) so what CI and a
// plant run is exactly what `prisma migrate` would do.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";

const packageDir = path.resolve(import.meta.dirname, "..");
const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");

/** CREATE DATABASE for the URL's database when the server does not have it yet. */
export async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!database) throw new Error("DATABASE_URL names no database");
  const maintenanceUrl = new URL(databaseUrl);
  maintenanceUrl.pathname = "/postgres";
  const client = new pg.Client({ connectionString: maintenanceUrl.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

/**
 * Lines after which the Prisma CLI has nothing left to do but wait: its schema engine keeps a 10 s
 * timer alive after finishing, which would add 10 s to every migrate.
 */
const PRISMA_DONE =
  /All migrations have been successfully applied|No pending migrations to apply|No difference detected/;

/** Runs the Prisma CLI with `args` against `databaseUrl`; resolves with its output, rejects on failure. */
export function runPrismaCli(args: readonly string[], databaseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCli, ...args], {
      cwd: packageDir,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (PRISMA_DONE.test(output)) {
        child.kill("SIGTERM");
        resolve(output);
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0 || (signal === "SIGTERM" && PRISMA_DONE.test(output))) resolve(output);
      else
        reject(
          Object.assign(new Error(`prisma ${args.join(" ")} exited with ${code}:\n${output}`), {
            exitCode: code,
            output,
          }),
        );
    });
  });
}

export async function migrateDatabase(databaseUrl: string): Promise<string> {
  await ensureDatabaseExists(databaseUrl);
  return runPrismaCli(["migrate", "deploy"], databaseUrl);
}
