/** The database the CLI tools talk to: DATABASE_URL, or the local server's default. */
export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/ms5";

export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL && env.DATABASE_URL.length > 0 ? env.DATABASE_URL : DEFAULT_DATABASE_URL;
}
