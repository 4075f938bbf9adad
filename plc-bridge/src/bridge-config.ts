// The bridge's environment: where Redis and the plant configuration are, the disk buffer's place
// and bounds, stream trimming, timeouts. Parsed once at start-up.
import path from "node:path";
import { BRIDGE_DEFAULT_OPS_PORT, env, loadConfigOrExit, streamEnvironmentShape } from "@ms5/kit";
import { z } from "zod";

const repoRoot = path.resolve(import.meta.dirname, "../..");

export const bridgeEnvShape = {
  // REDIS_URL and STREAM_KEY_PREFIX through the one reader every stream service shares.
  REDIS_URL: streamEnvironmentShape.REDIS_URL,
  /** Plant configuration from the database when BRIDGE_PLANT_CONFIG is not set. */
  DATABASE_URL: env.databaseUrl().optional(),
  /** A JSON file with the plant configuration (plant-config.ts), instead of the database. */
  BRIDGE_PLANT_CONFIG: z.string().optional(),
  BRIDGE_BUFFER_DIR: z.string().default(path.join(repoRoot, ".data/plc-bridge/buffer")),
  BRIDGE_BUFFER_MAX_MB: z.coerce.number().positive().default(512),
  BRIDGE_BUFFER_MAX_AGE_HOURS: z.coerce.number().positive().default(168),
  /** /health and /metrics. */
  BRIDGE_OPS_PORT: env.port(BRIDGE_DEFAULT_OPS_PORT),
  /** No good read for this long: the PLC's equipment is COMMS_LOST. */
  BRIDGE_COMMS_LOST_MS: env.millis(3_000),
  /** A Redis send slower than this counts as failed and the entries go to disk. */
  BRIDGE_REDIS_SEND_TIMEOUT_MS: env.millis(2_000),
  STREAM_KEY_PREFIX: streamEnvironmentShape.STREAM_KEY_PREFIX,
  /** Approximate MAXLEN per stream; see schema/PROTOCOL.md for the consumer outage it covers. */
  STREAM_MAXLEN: z.coerce.number().int().positive().default(1_000_000),
  LOG_LEVEL: env.logLevel(),
};

export type BridgeEnv = ReturnType<typeof loadBridgeEnv>;

export function loadBridgeEnv(source: NodeJS.ProcessEnv = process.env) {
  return loadConfigOrExit("plc-bridge", bridgeEnvShape, source);
}
