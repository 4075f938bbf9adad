// `pnpm db:migrate`: apply every committed migration (forward only), as the tables' owner:
// MIGRATION_DATABASE_URL, else DATABASE_URL.
import { migrationDatabaseUrlFromEnv } from "../database-url.ts";
import { migrateDatabase } from "../migrate-database.ts";

const databaseUrl = migrationDatabaseUrlFromEnv();
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
