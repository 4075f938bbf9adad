// A PLC bridge running on a plant database as `pnpm start` runs it: configured from the database,
// following announced plant changes, answering connection tests over Redis. Shared by the API-to-
// bridge tests and `pnpm bench:bridge` (config_change_to_first_read_ms).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { PrismaClient } from "@ms5/db";
import { createRedisClient, followPlantChanges, type Logger } from "@ms5/kit";
import { streamKey } from "@ms5/schema";
import { createBridge } from "../bridge.ts";
import { loadPlantConfigFromDatabase } from "../plant-config-from-database.ts";
import { PlantFollower } from "../plant-follower.ts";
import { PlcConnectionTester } from "../plc-connection-tester.ts";

export interface BridgeOnPlantDatabase {
  bridge: ReturnType<typeof createBridge>;
  follower: PlantFollower;
  tester: PlcConnectionTester;
  /** The entries of a line's telemetry stream so far. */
  telemetry(lineCode: string): Promise<Record<string, string>[]>;
  stop(): Promise<void>;
}

export async function startBridgeOnPlantDatabase(options: {
  prisma: PrismaClient;
  redisUrl: string;
  keyPrefix: string;
  logger: Logger;
  /** Only these PLCs (the others of the demo plant point at controllers this run does not start). */
  plcNames: readonly string[];
}): Promise<BridgeOnPlantDatabase> {
  const { prisma, redisUrl, keyPrefix, logger, plcNames } = options;
  const load = async () => {
    const plant = await loadPlantConfigFromDatabase(prisma);
    return { plcs: plant.plcs.filter((plc) => plcNames.includes(plc.name)) };
  };
  const bufferDir = mkdtempSync(path.join(tmpdir(), "ms5-bridge-on-db-"));
  const bridge = createBridge({ plant: await load(), redisUrl, bufferDir, logger, keyPrefix });
  await bridge.start();
  const follower = new PlantFollower({ load, bridge, logger, debounceMs: 20, rereadMs: 0 });
  const redis = createRedisClient({ url: redisUrl });
  await redis.connect();
  const announcements = await followPlantChanges({
    redis,
    keyPrefix,
    logger,
    onChange: () => follower.changed(),
  });
  const tester = new PlcConnectionTester({ redis, keyPrefix, logger, blockSeconds: 1 });
  await tester.start();
  return {
    bridge,
    follower,
    tester,
    async telemetry(lineCode) {
      const entries = await redis.xRange(streamKey(lineCode, "telemetry", keyPrefix), "-", "+");
      return (entries ?? []).map((entry) => entry.message as Record<string, string>);
    },
    async stop() {
      follower.stop();
      await tester.stop();
      await announcements.close();
      await bridge.stop();
      redis.destroy();
      rmSync(bufferDir, { recursive: true, force: true });
    },
  };
}
