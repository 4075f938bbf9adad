// The faults the run injects, each one a function that breaks something and puts it back, and the
// probe that tells when the plant has caught up again (the recovery time of that fault).
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { createClient } from "redis";
import type { ChaosPlant, ServiceName } from "./chaos-plant.ts";
import type { ChaosSettings } from "./chaos-settings.ts";
import type { PlantScript } from "./plant-script.ts";
import type { SeededRandom } from "./seeded-random.ts";

/** Faults of the plant's processes and stores, one at a time. */
export const INFRASTRUCTURE_FAULTS = [
  "kill-bridge",
  "kill-production",
  "kill-andon",
  "kill-gateway",
  "postgres-stop",
  "redis-restart",
  "buffer-wipe",
  "buffer-disk-full",
] as const;

/** Faults of one PLC, on a lane of their own. */
export const PLC_FAULTS = ["plc-nan", "plc-silence", "plc-malformed", "plc-drop"] as const;

export type FaultKind = (typeof INFRASTRUCTURE_FAULTS)[number] | (typeof PLC_FAULTS)[number];

export interface InjectedFault {
  kind: FaultKind;
  /** What exactly (a PLC's name, a tag). */
  target: string;
  startedAt: number;
  /** When the fault was lifted (the service restarted, the store back, the PLC answering). */
  liftedAt: number;
  /** Lifted to caught up, ms; undefined when recovery timed out. */
  recoveryMs: number | undefined;
}

export interface FaultContext {
  plant: ChaosPlant;
  script: PlantScript;
  settings: ChaosSettings;
  random: SeededRandom;
  log: (line: string) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Breaks and puts back; resolves with the target, once the fault is lifted. */
export async function injectFault(kind: FaultKind, context: FaultContext): Promise<string> {
  const { plant, script, settings, random } = context;
  switch (kind) {
    case "kill-bridge":
      return restartAfterKill(context, "bridge");
    case "kill-production":
      return restartAfterKill(context, "production");
    case "kill-andon":
      return restartAfterKill(context, "andon");
    case "kill-gateway":
      return restartAfterKill(context, "gateway");
    case "postgres-stop":
      await plant.postgres.stop();
      await sleep(settings.postgresOutageMs);
      await plant.postgres.start();
      return `${settings.postgresOutageMs / 1000} s`;
    case "redis-restart":
      await plant.redis.stop();
      await sleep(settings.redisOutageMs);
      await plant.redis.start();
      return `${settings.redisOutageMs / 1000} s, append-only file`;
    case "buffer-wipe": {
      // A redeploy on an empty folder: the bridge killed, its folder emptied, the streams kept.
      script.blindTo("*");
      try {
        await plant.services.bridge.kill9();
        await emptyFolder(plant.bufferDir);
        plant.services.bridge.start();
        await plant.services.bridge.waitUntilServing(60_000);
        await sleep(1_000);
      } finally {
        script.see("*");
      }
      return "bridge killed, buffer folder emptied, restarted";
    }
    case "buffer-disk-full": {
      if (!plant.bufferOnOwnDisk) return "skipped: no disk of its own";
      // The disk fills, then Redis goes away: every entry of the outage must go to the full disk.
      const filler = path.join(plant.bufferDir, "filler");
      await fillDisk(filler);
      await plant.redis.stop();
      await sleep(settings.diskFullMs);
      await plant.redis.start();
      await sleep(1_000);
      await rm(filler, { force: true });
      return `disk full for ${settings.diskFullMs / 1000} s with Redis away`;
    }
    case "plc-nan": {
      const eq = random.pick(plant.equipment);
      const tag = `${eq.tagPrefix}${eq.tagPrefix ? "." : ""}Speed`;
      const value = random.pick([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
      const control = plant.emulators.get(eq.plc)!.control;
      control.forceTag(tag, value);
      await sleep(settings.plcFaultMs);
      control.releaseTag(tag);
      return `${tag} = ${value}`;
    }
    case "plc-silence":
    case "plc-malformed":
    case "plc-drop": {
      const plc = random.pick([...plant.emulators.keys()]);
      const control = plant.emulators.get(plc)!.control;
      // COMMS_LOST ends what is known of a stop: the PLC's equipment runs through its wire fault.
      await script.holdRunning(plc);
      script.blindTo(plc);
      try {
        if (kind === "plc-drop") {
          control.dropConnections();
          await sleep(200);
          control.dropConnections();
        } else {
          control.setReplyMode(kind === "plc-silence" ? "silent" : "malformed");
          await sleep(settings.plcFaultMs);
          control.setReplyMode("normal");
          control.dropConnections();
        }
        await waitForBridgeToReadAgain(context, plc);
      } finally {
        script.see(plc);
        script.release(plc);
      }
      return plc;
    }
  }
}

async function restartAfterKill(context: FaultContext, name: ServiceName): Promise<string> {
  const { plant, script, settings } = context;
  const service = plant.services[name];
  if (name === "bridge") script.blindTo("*");
  try {
    await service.kill9();
    await sleep(settings.killedServiceDownMs);
    service.start();
    await service.waitUntilServing(90_000);
    if (name === "bridge") await sleep(1_000);
  } finally {
    if (name === "bridge") script.see("*");
  }
  return `pid ${service.pid}`;
}

async function emptyFolder(dir: string): Promise<void> {
  const { readdir } = await import("node:fs/promises");
  for (const entry of await readdir(dir)) await rm(path.join(dir, entry), { recursive: true, force: true });
}

/** Writes zeros until the file system refuses: the buffer's disk is full. */
async function fillDisk(file: string): Promise<void> {
  const chunk = Buffer.alloc(256 * 1024);
  const { open } = await import("node:fs/promises");
  const handle = await open(file, "w");
  try {
    for (;;) await handle.write(chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    await handle.close();
  }
  // Smaller writes fill the last pages.
  const small = await open(file, "a");
  try {
    for (;;) await small.write(Buffer.alloc(512));
  } catch {
    // ENOSPC: full.
  } finally {
    await small.close();
  }
  await writeFile(`${file}.marker`, "").catch(() => undefined);
}

async function waitForBridgeToReadAgain(context: FaultContext, plc: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const health = await bridgeHealth(context.plant);
    const check = health?.checks[`plc:${plc}`];
    if (check?.ok) return;
    await sleep(200);
  }
}

interface HealthReport {
  status: string;
  checks: Record<string, { ok: boolean; detail?: Record<string, unknown> }>;
}

async function bridgeHealth(plant: ChaosPlant): Promise<HealthReport | undefined> {
  try {
    const response = await fetch(`${plant.bridgeOpsUrl}/health`, { signal: AbortSignal.timeout(2_000) });
    return (await response.json()) as HealthReport;
  } catch {
    return undefined;
  }
}

/**
 * Caught up: every service serving, the bridge connected to Redis and every PLC with nothing
 * buffered or queued, and every consumer group on every stream with no entry unread or unacknowledged.
 * Returns why not, or undefined.
 */
export async function notCaughtUp(plant: ChaosPlant): Promise<string | undefined> {
  for (const service of Object.values(plant.services)) {
    if (!service.running) return `${service.name} not running`;
    try {
      const response = await fetch(service.healthUrl, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
    } catch {
      return `${service.name} not serving`;
    }
  }
  const health = await bridgeHealth(plant);
  if (!health) return "bridge health unanswered";
  for (const [name, check] of Object.entries(health.checks)) {
    if (!check.ok) return `bridge ${name} not ok`;
  }
  const redisDetail = health.checks.redis?.detail ?? {};
  if (Number(redisDetail.bufferedEntries ?? 0) > 0 || Number(redisDetail.queuedInMemory ?? 0) > 0) {
    return "bridge still has entries to send";
  }
  const redis = createClient({ url: plant.redisUrl, socket: { connectTimeout: 2_000, reconnectStrategy: false } });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    const keys = await redis.keys("ms5:{*}:*");
    for (const key of keys) {
      const groups = (await redis.xInfoGroups(key)) as unknown as Array<Record<string, unknown>>;
      for (const group of groups) {
        if (Number(group.pending) > 0) return `${key} ${group.name}: ${group.pending} pending`;
        if (group.lag === null || Number(group.lag) > 0) return `${key} ${group.name}: lag ${String(group.lag)}`;
      }
    }
  } catch (error) {
    return `redis: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    redis.destroy();
  }
  return undefined;
}

/** Waits until caught up; the time it took, or undefined after `timeoutMs`. */
export async function timeToCatchUp(plant: ChaosPlant, timeoutMs: number): Promise<number | undefined> {
  const started = Date.now();
  for (;;) {
    if ((await notCaughtUp(plant)) === undefined) return Date.now() - started;
    if (Date.now() - started > timeoutMs) return undefined;
    await sleep(250);
  }
}
