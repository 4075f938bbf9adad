/**
 * The two connection settings. DATABASE_URL is how services connect: a login with data rights only
 * (the role ms5_service, database-roles.ts). MIGRATION_DATABASE_URL is the tables' owner, for
 * migrations and the seed; unset, the tools use DATABASE_URL (one URL for both, as before the roles).
 */
export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/ms5";

/** The services' database: DATABASE_URL, or the local server's default. */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL && env.DATABASE_URL.length > 0 ? env.DATABASE_URL : DEFAULT_DATABASE_URL;
}

/** The owner's connection for migrate, seed and `migrate:new`: MIGRATION_DATABASE_URL, else DATABASE_URL's. */
export function migrationDatabaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.MIGRATION_DATABASE_URL && env.MIGRATION_DATABASE_URL.length > 0
    ? env.MIGRATION_DATABASE_URL
    : databaseUrlFromEnv(env);
}
