// `pnpm db:seed`: write the demo plant (idempotent: safe to run again), as the owner like the migrations:
// MIGRATION_DATABASE_URL, else DATABASE_URL.
import { createPrismaClient, migrationDatabaseUrlFromEnv } from "../index.ts";
import { DEMO_PLC_PORT_BASE } from "../seed/demo-plant.ts";
import { seedPlant } from "../seed/seed-plant.ts";

// Read here rather than with the kit's config loader: @ms5/db sits below the kit and imports none of it.
function plcPortBaseFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw === "") return DEMO_PLC_PORT_BASE;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`db:seed: DEMO_PLC_PORT_BASE must be a port number (0-65535), got '${raw}'\n`);
    process.exit(1);
  }
  return port;
}

const plcPortBase = plcPortBaseFromEnv(process.env.DEMO_PLC_PORT_BASE);
const databaseUrl = migrationDatabaseUrlFromEnv();
const prisma = createPrismaClient({ databaseUrl, poolMax: Number(process.env.DATABASE_POOL_MAX ?? 4) });
const started = Date.now();
try {
  await seedPlant(prisma, { plcPortBase });
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
