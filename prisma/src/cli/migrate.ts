// `pnpm db:migrate`: apply every committed migration to DATABASE_URL (forward only).
import { databaseUrlFromEnv } from "../database-url.ts";
import { migrateDatabase } from "../migrate-database.ts";

const databaseUrl = databaseUrlFromEnv();
try {
  const output = await migrateDatabase(databaseUrl);
  const applied = output.match(/(\d+) migrations? found/)?.[1];
  process.stderr.write(
    `db:migrate: ${new URL(databaseUrl).pathname.slice(1)} is up to date (${applied ?? "?"} migrations committed)\n`,
  );
} catch (error) {
  process.stderr.write(`db:migrate failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
