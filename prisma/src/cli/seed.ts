// `pnpm db:seed`: write the demo plant into DATABASE_URL (idempotent: safe to run again).
import { createPrismaClient, databaseUrlFromEnv } from "../index.ts";
import { seedPlant } from "../seed/seed-plant.ts";

const databaseUrl = databaseUrlFromEnv();
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
