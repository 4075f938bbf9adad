// `pnpm test:chaos`: the whole plant on this machine, faults injected at seeded random moments,
// then the database compared with the emulated PLCs' own truth. Prints the seed (CHAOS_SEED reruns
// it), writes bench/results/chaos.json and exits 1 when anything was lost, duplicated or wrong.
import { type BenchMetric, writeBenchResult } from "../../bench/bench-result.ts";
import {
  type FaultKind,
  INFRASTRUCTURE_FAULTS,
  type InjectedFault,
  injectFault,
  notCaughtUp,
  PLC_FAULTS,
  timeToCatchUp,
} from "./chaos-faults.ts";
import { type ChaosPlant, startChaosPlant } from "./chaos-plant.ts";
import { CHAOS_DEFAULTS } from "./chaos-settings.ts";
import { type ChaosSubscriber, signIn, startSubscriber } from "./chaos-subscribers.ts";
import { verify } from "./chaos-verification.ts";
import { PlantScript } from "./plant-script.ts";
import { SeededRandom } from "./seeded-random.ts";

const settings = CHAOS_DEFAULTS;
const seed = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : Math.floor(Math.random() * 2 ** 31);
if (!Number.isSafeInteger(seed)) {
  process.stderr.write(`CHAOS_SEED must be an integer, not "${process.env.CHAOS_SEED}"\n`);
  process.exit(64);
}
const runStarted = Date.now();
const log = (line: string) =>
  process.stderr.write(`[chaos ${((Date.now() - runStarted) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
log(`seed ${seed} (rerun with CHAOS_SEED=${seed} pnpm test:chaos)`);

const random = new SeededRandom(seed);
let plant: ChaosPlant | undefined;
const subscribers: ChaosSubscriber[] = [];
let exitCode = 1;

async function main(): Promise<void> {
  plant = await startChaosPlant(settings, log);
  const script = new PlantScript(plant.equipment, plant.emulators, new SeededRandom(seed ^ 0x5eed), settings);

  // The bridge has read every PLC once (counters at 0 are its base) before anything is produced.
  const baseline = await timeToCatchUp(plant, 60_000);
  if (baseline === undefined) throw new Error(`the plant never caught up at start: ${await notCaughtUp(plant)}`);
  for (const emulator of plant.emulators.values()) emulator.control.resume();

  const token = await signIn(plant.gatewayUrl, "viewer", "floor-demo-2026");
  const lineIds = [...new Set(plant.equipment.map((eq) => eq.lineId))];
  for (let i = 0; i < settings.subscribers; i++) subscribers.push(startSubscriber(plant.gatewayUrl, token, lineIds));
  script.start();
  log(
    `plant running: ${plant.equipment.map((eq) => `${eq.code}@${eq.plc}`).join(", ")}; ${subscribers.length} subscribers`,
  );

  const kinds: FaultKind[] = [];
  for (let i = 0; i < settings.injectionsPerKind; i++) kinds.push(...INFRASTRUCTURE_FAULTS, ...PLC_FAULTS);
  const schedule = random.shuffle(kinds);
  const injected: InjectedFault[] = [];
  for (const kind of schedule) {
    await new Promise((resolve) => setTimeout(resolve, random.between(settings.gapMs[0], settings.gapMs[1])));
    const startedAt = Date.now();
    log(`fault ${injected.length + 1}/${schedule.length}: ${kind}`);
    const target = await injectFault(kind, { plant, script, settings, random, log });
    const liftedAt = Date.now();
    const recoveryMs = await timeToCatchUp(plant, settings.recoveryTimeoutMs);
    injected.push({ kind, target, startedAt, liftedAt, recoveryMs });
    log(
      `  ${kind} (${target}): lasted ${((liftedAt - startedAt) / 1000).toFixed(1)} s, ` +
        (recoveryMs === undefined
          ? `NOT caught up after ${settings.recoveryTimeoutMs / 1000} s (${await notCaughtUp(plant)})`
          : `caught up ${(recoveryMs / 1000).toFixed(1)} s after`),
    );
  }

  // The end: every machine running, counters frozen, everything read and applied.
  log("faults done; bringing every machine to RUNNING and freezing the counters");
  await script.finish();
  for (const emulator of plant.emulators.values()) emulator.control.pause();
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const settled = await timeToCatchUp(plant, settings.settleTimeoutMs);
  if (settled === undefined) log(`did not settle: ${await notCaughtUp(plant)}`);
  // Subscribers hear the last events a moment after they are applied.
  await new Promise((resolve) => setTimeout(resolve, 3_000));

  const result = await verify(plant, script, subscribers, settings);
  const lost = result.entriesLostByBridge + result.entriesLostByConsumers + result.unitsLost + result.stopsMissing;
  const duplicated = result.entriesDuplicated + result.unitsDuplicated + result.stopsExtra + result.duplicateRows;

  const metrics: Record<string, BenchMetric> = {
    seed: { value: seed, unit: "CHAOS_SEED", target: "any; rerun with it" },
    duration_s: { value: Math.round((Date.now() - runStarted) / 1000), unit: "s", target: "<= 600" },
    faults_injected: { value: injected.length, unit: "faults", target: `>= ${2 * 12}` },
  };
  for (const kind of [...INFRASTRUCTURE_FAULTS, ...PLC_FAULTS]) {
    const ofKind = injected.filter((fault) => fault.kind === kind);
    metrics[`faults_${kind}`] = { value: ofKind.length, unit: "faults", target: ">= 2" };
    const times = ofKind.map((fault) => fault.recoveryMs ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
    metrics[`recovery_${kind}_p50_ms`] = { value: percentile(times, 0.5), unit: "ms", target: "report" };
    metrics[`recovery_${kind}_p99_ms`] = { value: percentile(times, 0.99), unit: "ms", target: "report" };
  }
  Object.assign(metrics, {
    entries_produced: { value: result.entriesProduced, unit: "stream entries", target: "report" },
    units_expected: { value: result.unitsExpected, unit: "units (PLC counters)", target: "report" },
    lost: { value: lost, unit: "entries + units + stops", target: "0" },
    duplicated: { value: duplicated, unit: "entries + units + stops + rows", target: "0" },
    entries_lost_by_bridge: { value: result.entriesLostByBridge, unit: "entries", target: "0" },
    entries_lost_by_consumers: { value: result.entriesLostByConsumers, unit: "entries", target: "0" },
    entries_duplicated: { value: result.entriesDuplicated, unit: "entries", target: "0" },
    units_lost: { value: result.unitsLost, unit: "units", target: "0" },
    units_duplicated: { value: result.unitsDuplicated, unit: "units", target: "0" },
    down_transitions: { value: result.downTransitions, unit: "transitions", target: "report" },
    stops_missing: { value: result.stopsMissing, unit: "stops", target: "0" },
    stops_extra: { value: result.stopsExtra, unit: "stops", target: "0" },
    fault_rising_edges: { value: result.fireEdges, unit: "edges", target: "report" },
    andon_effects_wrong: { value: result.andonEffectsWrong, unit: "faults", target: "0" },
    escalation_levels_fired: { value: result.escalationLevelsFired, unit: "levels", target: "report" },
    escalation_levels_wrong: { value: result.escalationLevelsWrong, unit: "levels", target: "0" },
    reminder_bursts: { value: result.reminderBursts, unit: "reminders", target: "0" },
    subscriber_mismatches: { value: result.subscriberMismatches, unit: "equipment x subscribers", target: "0" },
    subscriber_events: {
      value: subscribers.reduce((sum, s) => sum + s.events, 0),
      unit: "events",
      target: "report",
    },
  });
  const failures = result.failures.filter((line) => !line.startsWith("note:"));
  for (const line of result.failures) log(line);
  const notInjected = [...INFRASTRUCTURE_FAULTS, ...PLC_FAULTS].filter(
    (kind) => injected.filter((fault) => fault.kind === kind && !fault.target.startsWith("skipped")).length < 2,
  );
  if (notInjected.length > 0) failures.push(`faults injected fewer than twice: ${notInjected.join(", ")}`);
  const unrecovered = injected.filter((fault) => fault.recoveryMs === undefined);
  if (unrecovered.length > 0) failures.push(`${unrecovered.length} faults never caught up`);

  const file = writeBenchResult("chaos", `chaos suite, seed ${seed}`, metrics);
  process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`);
  log(`wrote ${file}`);
  log(
    failures.length === 0
      ? `PASS: seed ${seed}, ${injected.length} faults, lost 0, duplicated 0`
      : `FAIL: seed ${seed}: ${failures.length} findings (rerun with CHAOS_SEED=${seed})`,
  );
  exitCode = failures.length === 0 ? 0 : 1;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const value = sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return Number.isFinite(value) ? value : -1;
}

main()
  .catch((error: unknown) => {
    log(`run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    exitCode = 1;
  })
  .finally(async () => {
    for (const subscriber of subscribers) await subscriber.close().catch(() => undefined);
    const keep = process.env.CHAOS_KEEP === "true";
    await plant?.close(keep);
    if (keep && plant) log(`kept the run's folder: ${plant.runDir} (CHAOS_KEEP)`);
    log(`done in ${((Date.now() - runStarted) / 1000).toFixed(0)} s`);
    process.exit(exitCode);
  });
