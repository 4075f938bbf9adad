// The database client every service uses: Prisma over the pg driver adapter (no native engine),
// with the pool size set by the caller.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { type Prisma, PrismaClient } from "../generated/client/client.ts";

export * from "../generated/client/client.ts";
export { DEFAULT_DATABASE_URL, databaseUrlFromEnv, migrationDatabaseUrlFromEnv } from "./database-url.ts";

export interface CreatePrismaClientOptions {
  databaseUrl: string;
  /** Connections in the pool. @default 10 */
  poolMax?: number;
  /** Give up waiting for a free connection after this many ms. @default 10000 */
  connectionTimeoutMs?: number;
}

const poolOfClient = new WeakMap<PrismaClient, pg.Pool>();

export function createPrismaClient({
  databaseUrl,
  poolMax = 10,
  connectionTimeoutMs = 10_000,
}: CreatePrismaClientOptions): PrismaClient {
  // The pool is ours, handed to the adapter, so the hot paths can share it (runHotStatement).
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolMax,
    connectionTimeoutMillis: connectionTimeoutMs,
  });
  // An idle connection the server ends (a restart, a dropped test database) is an error event on the
  // pool, which discards that connection and opens another when needed; unheard, it would crash the
  // process. The adapter listens only while Prisma is connected, this listener always.
  pool.on("error", () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const disconnect = prisma.$disconnect.bind(prisma);
  prisma.$disconnect = async () => {
    await disconnect();
    if (!pool.ended) await pool.end();
  };
  poolOfClient.set(prisma, pool);
  return prisma;
}

/** A whole client or a transaction's: what code that runs in either takes. */
export type DbClient = PrismaClient | Prisma.TransactionClient;

export interface HotStatement {
  /** Prepared under this name once per connection when sent through pg. */
  name: string;
  text: string;
  values: unknown[];
}

/**
 * Runs one of the hot paths' statements (bulk inserts with large array parameters, the state-change
 * function) through the pg pool under a client made by createPrismaClient: Prisma serialises array
 * parameters at about the cost of the statement itself (2,880 OEE rows: 125 ms through Prisma, 61 ms
 * through pg; BENCHMARKS.md "production"). A transaction's client runs it itself, so the statement
 * stays in the transaction.
 */
export async function runHotStatement<Row>(client: DbClient, statement: HotStatement): Promise<Row[]> {
  const pool = poolOfClient.get(client as PrismaClient);
  if (!pool) return client.$queryRawUnsafe<Row[]>(statement.text, ...statement.values);
  // Prepared once per connection: parsing and planning these every time cost 15-25 % of the
  // consumer's throughput (BENCHMARKS.md "production").
  return (await pool.query({ name: statement.name, text: statement.text, values: statement.values })).rows;
}
