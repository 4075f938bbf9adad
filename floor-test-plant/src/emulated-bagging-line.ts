// The real front half of the floor for end-to-end tests: Bagging Line 1's PLC (PLC-BAG1, Bagger 1)
// emulated over EtherNet/IP on a free loopback port, and the real bridge reading it into Redis
// streams under the test's key prefix, both configured from the seeded plant model as `pnpm start`
// configures them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { PrismaClient } from "@ms5/db";
import type { Logger, RedisClient } from "@ms5/kit";
import { type Bridge, createBridge, loadPlantConfigFromDatabase } from "@ms5/plc-bridge";
import { emulatedPlantFromDatabase, type RunningLogixEmulator, startLogixEmulator } from "@ms5/plc-bridge/emulator";
import { streamKey } from "@ms5/schema";

export const BAGGING_LINE = "bagging-1";
export const BAGGER_PLC = "PLC-BAG1";
export const BAGGER = { code: "BAGGER-1", tagPrefix: "Program:Bagger1" } as const;

export interface EmulatedBaggingLine {
  emulator: RunningLogixEmulator;
  bridge: Bridge;
  /** Bagging Line 1's telemetry stream under the test's prefix. */
  telemetryStream: string;
  /** The emulator's counters as the PLC holds them now. */
  counters(): { good: number; reject: number };
  stop(): Promise<void>;
}

export interface EmulatedBaggingLineOptions {
  prisma: PrismaClient;
  redisUrl: string;
  keyPrefix: string;
  logger: Logger;
  /** Freeze the simulation until the test resumes it (counters hold still). @default false */
  startPaused?: boolean;
}

/**
 * Bagger 1 as scripted equipment: it runs at exactly its target speed and changes state only when
 * the test says so, so every stop in the streams is one the test caused.
 */
export async function startEmulatedBaggingLine(options: EmulatedBaggingLineOptions): Promise<EmulatedBaggingLine> {
  const emulatedPlc = (await emulatedPlantFromDatabase(options.prisma)).find((plc) => plc.name === BAGGER_PLC);
  if (!emulatedPlc) throw new Error(`the plant model has no ${BAGGER_PLC}`);
  const emulator = await startLogixEmulator({
    port: 0,
    seed: emulatedPlc.seed,
    startPaused: options.startPaused ?? false,
    equipment: emulatedPlc.equipment.map((equipment) => ({ ...equipment, autonomous: false })),
  });
  const plant = await loadPlantConfigFromDatabase(options.prisma);
  const bufferDir = mkdtempSync(path.join(tmpdir(), "ms5-e2e-bridge-"));
  const bridge = createBridge({
    plant: {
      plcs: plant.plcs
        .filter((plc) => plc.name === BAGGER_PLC)
        .map((plc) => ({ ...plc, host: emulator.host, port: emulator.port })),
    },
    redisUrl: options.redisUrl,
    bufferDir,
    logger: options.logger,
    keyPrefix: options.keyPrefix,
  });
  await bridge.start();
  const tag = (symbol: string) => Number(emulator.control.getTag(`${BAGGER.tagPrefix}.${symbol}`));
  return {
    emulator,
    bridge,
    telemetryStream: streamKey(BAGGING_LINE, "telemetry", options.keyPrefix),
    counters: () => ({ good: tag("GoodCount"), reject: tag("RejectCount") }),
    async stop() {
      await bridge.stop();
      await emulator.stop();
      rmSync(bufferDir, { recursive: true, force: true });
    },
  };
}

/** The entries of a stream, oldest first. */
export async function streamEntries(redis: RedisClient, key: string): Promise<Record<string, string>[]> {
  return ((await redis.xRange(key, "-", "+")) ?? []).map((entry) => entry.message);
}
