// Decides the one PostgreSQL `pnpm start` uses: DATABASE_URL, else a server already answering on the
// machine (as on every machine of this project's kind), else an embedded server it starts itself
// (at once when forced). Every URL the steps and services get is decided here.
import pg from "pg";
import { type EmbeddedPostgresOptions, startEmbeddedPostgres } from "./embedded-postgres.ts";

/** Where a local server is looked for, and the database `pnpm start` keeps its plant in. */
export const LOCAL_POSTGRES = {
  /** @default trust auth as the postgres user on the loopback address */
  probeUrl: "postgresql://postgres@127.0.0.1:5432/postgres",
  /** The plant's database on the local and on the embedded server; `pnpm db:migrate` creates it. @default "ms5_floor" */
  databaseName: "ms5_floor",
  /** @default 2,000 ms */
  connectTimeoutMs: 2_000,
};

export type DatabaseOrigin = "DATABASE_URL" | "local" | "embedded";

export interface ResolvedDatabase {
  /**
   * What migrations, the seed and every service connect with. (Were the services to run as a role
   * with data rights only, its URL would be decided here beside this one.)
   */
  url: string;
  origin: DatabaseOrigin;
  /** Set only for the embedded server this process started. */
  embedded?: { pid: number; dataDir: string; logFile: string };
  /** Stops the embedded server; does nothing for a server found running. */
  stop(): Promise<void>;
}

export interface DatabaseResolutionOptions {
  /** DATABASE_URL, if set: always wins. */
  configuredUrl: string | undefined;
  /** Skip the local server and run the embedded one even when 5432 answers. */
  forceEmbedded: boolean;
  local?: typeof LOCAL_POSTGRES;
  embedded: EmbeddedPostgresOptions;
}

export async function resolveDatabase(options: DatabaseResolutionOptions): Promise<ResolvedDatabase> {
  const local = options.local ?? LOCAL_POSTGRES;
  const nothingToStop = async () => undefined;
  if (options.configuredUrl) return { url: options.configuredUrl, origin: "DATABASE_URL", stop: nothingToStop };
  if (!options.forceEmbedded && (await localPostgresAnswers(local))) {
    const url = new URL(local.probeUrl);
    url.pathname = `/${local.databaseName}`;
    return { url: url.toString(), origin: "local", stop: nothingToStop };
  }
  const server = await startEmbeddedPostgres(options.embedded);
  return {
    url: server.databaseUrl(local.databaseName),
    origin: "embedded",
    embedded: { pid: server.pid, dataDir: server.dataDir, logFile: server.logFile },
    stop: () => server.stop(),
  };
}

/** True when a local server answers and lets the postgres user in. */
export async function localPostgresAnswers(settings = LOCAL_POSTGRES): Promise<boolean> {
  const client = new pg.Client({
    connectionString: settings.probeUrl,
    connectionTimeoutMillis: settings.connectTimeoutMs,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
