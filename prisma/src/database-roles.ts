// The services' way into the database: a LOGIN role that is a member of ms5_service, the NOLOGIN role
// the migrations create and grant data rights only (20261206200612_data_role_and_truncate_rules). It
// owns nothing, so it cannot ALTER a table, disable a trigger or TRUNCATE. Made here, not in a
// migration, because it carries a password; `pnpm start` and the test harness call this as the owner.
import pg from "pg";

/** The role the migrations grant data rights to. */
export const SERVICE_ROLE = "ms5_service";

export interface ServiceLogin {
  user: string;
  password: string;
}

const DUPLICATE_OBJECT = "42710";
const UNIQUE_VIOLATION = "23505";

/**
 * Makes `login` a LOGIN role in ms5_service with no other power, or resets an existing one's password
 * and membership; connected as the owner (who needs CREATEROLE). Returns the URL services use.
 */
export async function ensureServiceLogin(ownerUrl: string, login: ServiceLogin): Promise<string> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [SERVICE_ROLE]);
    if (rowCount === 0) {
      throw new Error(`The role ${SERVICE_ROLE} does not exist: migrate the database before making its service login.`);
    }
    const user = client.escapeIdentifier(login.user);
    const attributes = `LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${client.escapeLiteral(login.password)}`;
    try {
      await client.query(`CREATE ROLE ${user} ${attributes}`);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      // Made earlier, or by a concurrent caller: bring it to the same state.
      if (code !== DUPLICATE_OBJECT && code !== UNIQUE_VIOLATION) throw error;
      await client.query(`ALTER ROLE ${user} ${attributes}`);
    }
    await client.query(`GRANT ${client.escapeIdentifier(SERVICE_ROLE)} TO ${user}`);
  } finally {
    await client.end();
  }
  return urlAs(ownerUrl, login);
}

/** Removes a service login (test teardown); nothing is owned by it, so nothing else goes. */
export async function dropServiceLogin(ownerUrl: string, user: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(user)}`);
  } finally {
    await client.end();
  }
}

/** The same server and database, signed in as `login`. */
export function urlAs(url: string, login: ServiceLogin): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(login.user);
  parsed.password = encodeURIComponent(login.password);
  return parsed.toString();
}
