// CLI entry: starts one emulated controller (Logix, or SLC 5/05 for driver SLC_PCCC) per entry of
// EMULATED_PLCS (JSON) or per PLC of the plant model, and stops them cleanly on SIGTERM/SIGINT.
// `pnpm --filter @ms5/plc-bridge emulator`.
import { createPrismaClient } from "@ms5/db";
import { createLogger, env, loadConfigOrExit } from "@ms5/kit";
import { z } from "zod";
import { EMULATED_DRIVERS, emulatedPlantFromDatabase } from "./emulated-plant-from-database.ts";
import { startLogixEmulator } from "./logix-emulator.ts";
import { startSlcEmulator } from "./slc-emulator.ts";

const equipmentSchema = z.object({
  tagPrefix: z.string(),
  targetSpeedPerMinute: z.number().nonnegative(),
  faultWords: z.union([z.literal(1), z.literal(2)]),
  faultBits: z.array(z.number().int().min(0).max(63)),
  autonomous: z.boolean().optional(),
  extraTags: z.number().int().min(0).max(500).optional(),
});

const plcSchema = z.object({
  name: z.string().min(1),
  /** Which controller family to emulate. @default "LOGIX" */
  driver: z.enum(EMULATED_DRIVERS).default("LOGIX"),
  port: z.number().int().min(0).max(65535),
  host: z.string().optional(),
  seed: z.number().int().optional(),
  timeScale: z.number().positive().optional(),
  equipment: z.array(equipmentSchema).min(1),
});

const config = loadConfigOrExit("plc-emulator", {
  EMULATED_PLCS: z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: "custom", message: "is not valid JSON" });
        return z.NEVER;
      }
    })
    .pipe(z.array(plcSchema).min(1))
    .optional(),
  /** Without EMULATED_PLCS: emulate every Logix and SLC PLC of the plant model in this database. */
  DATABASE_URL: env.databaseUrl().optional(),
  LOG_LEVEL: env.logLevel(),
});

async function plcsToEmulate(): Promise<z.infer<typeof plcSchema>[]> {
  if (config.EMULATED_PLCS) return config.EMULATED_PLCS;
  if (!config.DATABASE_URL) {
    process.stderr.write(
      "plc-emulator: set EMULATED_PLCS (a JSON list of {name, port, seed, timeScale, equipment[]}) or DATABASE_URL.\n",
    );
    process.exit(78);
  }
  const prisma = createPrismaClient({ databaseUrl: config.DATABASE_URL, poolMax: 1 });
  try {
    return await emulatedPlantFromDatabase(prisma);
  } finally {
    await prisma.$disconnect();
  }
}

const logger = createLogger({ service: "plc-emulator", level: config.LOG_LEVEL });
const running: { stop(): Promise<void> }[] = [];

try {
  for (const plc of await plcsToEmulate()) {
    const plcLogger = logger.child({ plc: plc.name });
    const options = {
      host: plc.host,
      port: plc.port,
      seed: plc.seed,
      timeScale: plc.timeScale,
      equipment: plc.equipment,
      logger: plcLogger,
    };
    const emulator = plc.driver === "SLC_PCCC" ? await startSlcEmulator(options) : await startLogixEmulator(options);
    running.push(emulator);
    plcLogger.info(
      { host: emulator.host, port: emulator.port, equipment: plc.equipment.map((e) => e.tagPrefix) },
      plc.driver === "SLC_PCCC" ? "emulated SLC 5/05 controller listening" : "emulated Logix controller listening",
    );
  }
} catch (error) {
  logger.fatal({ err: error }, "could not start the emulated controllers");
  await Promise.all(running.map((emulator) => emulator.stop()));
  process.exit(1);
}

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "stopping emulated controllers");
  await Promise.all(running.map((emulator) => emulator.stop()));
  process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
