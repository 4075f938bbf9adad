// The database client every service uses: Prisma over the pg driver adapter (no native engine),
// with the pool size set by the caller (1 against the embedded PGlite server, which runs one query
// at a time).
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/client/client.ts";

export * from "../generated/client/client.ts";
export { DEFAULT_DATABASE_URL, databaseUrlFromEnv } from "./database-url.ts";

export interface CreatePrismaClientOptions {
  databaseUrl: string;
  /** Connections in the pool. @default 10 */
  poolMax?: number;
  /** Give up waiting for a free connection after this many ms. @default 10000 */
  connectionTimeoutMs?: number;
}

export function createPrismaClient({
  databaseUrl,
  poolMax = 10,
  connectionTimeoutMs = 10_000,
}: CreatePrismaClientOptions): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: poolMax,
    connectionTimeoutMillis: connectionTimeoutMs,
  });
  return new PrismaClient({ adapter });
}
