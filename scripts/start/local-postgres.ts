// The PostgreSQL `pnpm start` prefers when DATABASE_URL is unset: a server already answering on the
// machine (as on every machine of this project's kind), with a database of its own. The embedded
// PGlite is the fallback only: it serves every connection from one session, so several services
// writing at once can interleave their statements there.
import pg from "pg";

/** Where a local server is looked for, and the database `pnpm start` keeps its plant in. */
export const LOCAL_POSTGRES = {
  /** @default trust auth as the postgres user on the loopback address */
  probeUrl: "postgresql://postgres@127.0.0.1:5432/postgres",
  databaseUrl: "postgresql://postgres@127.0.0.1:5432/ms5_floor",
  /** @default 2,000 ms */
  connectTimeoutMs: 2_000,
};

/** The local database's URL when a server answers and lets us in, else undefined. */
export async function localPostgresUrl(settings = LOCAL_POSTGRES): Promise<string | undefined> {
  const client = new pg.Client({
    connectionString: settings.probeUrl,
    connectionTimeoutMillis: settings.connectTimeoutMs,
  });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return settings.databaseUrl;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}
