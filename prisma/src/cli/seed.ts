// `pnpm db:seed`: write the demo plant (idempotent: safe to run again), as the owner like the migrations:
// MIGRATION_DATABASE_URL, else DATABASE_URL.
import { env, loadConfigOrExit } from "@ms5/kit";
import { createPrismaClient, migrationDatabaseUrlFromEnv } from "../index.ts";
import { DEMO_PLC_PORT_BASE } from "../seed/demo-plant.ts";
import { seedPlant } from "../seed/seed-plant.ts";

const config = loadConfigOrExit("db:seed", { DEMO_PLC_PORT_BASE: env.port(DEMO_PLC_PORT_BASE) });
const databaseUrl = migrationDatabaseUrlFromEnv();
const prisma = createPrismaClient({ databaseUrl, poolMax: Number(process.env.DATABASE_POOL_MAX ?? 4) });
const started = Date.now();
try {
  await seedPlant(prisma, { plcPortBase: config.DEMO_PLC_PORT_BASE });
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
