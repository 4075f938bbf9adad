// `pnpm db:seed`: write the demo plant (idempotent: safe to run again), as the owner like the migrations:
// MIGRATION_DATABASE_URL, else DATABASE_URL.
import { createPrismaClient, migrationDatabaseUrlFromEnv } from "../index.ts";
import { seedPlant } from "../seed/seed-plant.ts";

const databaseUrl = migrationDatabaseUrlFromEnv();
const prisma = createPrismaClient({ databaseUrl, poolMax: Number(process.env.DATABASE_POOL_MAX ?? 4) });
const started = Date.now();
try {
  await seedPlant(prisma);
  const [lines, equipment, users, workOrders] = await Promise.all([
    prisma.line.count(),
    prisma.equipment.count(),
    prisma.user.count(),
    prisma.workOrder.count(),
  ]);
  process.stderr.write(
    `db:seed: ${lines} lines, ${equipment} equipment, ${users} users, ${workOrders} work orders (${Date.now() - started} ms)\n`,
  );
} catch (error) {
  process.stderr.write(`db:seed failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await prisma.$disconnect();
}
