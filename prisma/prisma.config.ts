// Prisma CLI configuration: the JavaScript schema engine over the pg driver adapter, so that
// generate, migrate and diff run offline (the classic engine binary would be downloaded).
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";
import { migrationDatabaseUrlFromEnv } from "./src/database-url.ts";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(import.meta.dirname, "schema.prisma"),
  migrations: { path: path.join(import.meta.dirname, "migrations") },
  async adapter() {
    return new PrismaPg({ connectionString: migrationDatabaseUrlFromEnv() });
  },
});
