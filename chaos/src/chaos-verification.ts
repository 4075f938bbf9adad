// The comparison at the end of the run: the database and the streams against the emulated PLCs'
// own truth (their counters, and the transitions and fault edges the script made them show).
import pg from "pg";
import { createClient } from "redis";
import type { ChaosPlant } from "./chaos-plant.ts";
import type { ChaosSettings } from "./chaos-settings.ts";
import type { ChaosSubscriber } from "./chaos-subscribers.ts";
import type { PlantScript } from "./plant-script.ts";

export interface VerificationResult {
  entriesProduced: number;
  /** Entries the bridge numbered that never reached a stream (seq gaps within an epoch). */
  entriesLostByBridge: number;
  /** Stream entries whose effect is missing from the database (counts and states). */
  entriesLostByConsumers: number;
  /** One (plc, epoch, seq) in the streams more than once. */
  entriesDuplicated: number;
  unitsExpected: number;
  unitsLost: number;
  unitsDuplicated: number;
  downTransitions: number;
  stopsMissing: number;
  stopsExtra: number;
  fireEdges: number;
  andonEffectsWrong: number;
  escalationLevelsFired: number;
  escalationLevelsWrong: number;
  reminderBursts: number;
  subscriberMismatches: number;
  duplicateRows: number;
  failures: string[];
}

export async function verify(
  plant: ChaosPlant,
  script: PlantScript,
  subscribers: readonly ChaosSubscriber[],
  settings: ChaosSettings,
): Promise<VerificationResult> {
  const failures: string[] = [];
  const db = new pg.Client({ connectionString: plant.ownerUrl });
  await db.connect();
  const redis = createClient({ url: plant.redisUrl });
  redis.on("error", () => undefined);
  await redis.connect();
  try {
    const result: VerificationResult = {
      entriesProduced: 0,
      entriesLostByBridge: 0,
      entriesLostByConsumers: 0,
      entriesDuplicated: 0,
      unitsExpected: 0,
      unitsLost: 0,
      unitsDuplicated: 0,
      downTransitions: 0,
      stopsMissing: 0,
      stopsExtra: 0,
      fireEdges: 0,
      andonEffectsWrong: 0,
      escalationLevelsFired: 0,
      escalationLevelsWrong: 0,
      reminderBursts: 0,
      subscriberMismatches: 0,
      duplicateRows: 0,
      failures,
    };

    // ---- streams: every entry numbered once, no gaps within an epoch ------------------------------
    const keys = (await redis.keys("ms5:{*}:*")).filter((key) => /:(telemetry|faults)$/.test(key));
    const seqs = new Map<string, number[]>();
    const countsEntries: string[] = [];
    const stateEntries: string[] = [];
    for (const key of keys) {
      for (const entry of (await redis.xRange(key, "-", "+")) ?? []) {
        if (!entry) continue;
        const { id, message } = entry;
        result.entriesProduced++;
        const at = `${message.plc}|${message.epoch}`;
        const list = seqs.get(at) ?? [];
        list.push(Number(message.seq));
        seqs.set(at, list);
        if (message.type === "counts") countsEntries.push(`${key}/${id}`);
        if (message.type === "state") stateEntries.push(`${key}/${id}`);
      }
    }
    for (const [at, list] of seqs) {
      const distinct = new Set(list);
      result.entriesDuplicated += list.length - distinct.size;
      const gaps = Math.max(...distinct) - Math.min(...distinct) + 1 - distinct.size;
      if (gaps > 0) failures.push(`${at}: ${gaps} sequence numbers never reached a stream`);
      result.entriesLostByBridge += gaps;
    }
    if (result.entriesDuplicated > 0) failures.push(`${result.entriesDuplicated} entries in the streams twice`);

    const applied = async (table: string, ids: string[]) => {
      const { rows } = await db.query(`SELECT "sourceStreamId" FROM ${table} WHERE "sourceStreamId" = ANY($1)`, [ids]);
      return new Set(rows.map((row) => row.sourceStreamId as string));
    };
    const countsApplied = await applied("production_count", countsEntries);
    const missingCounts = countsEntries.filter((id) => !countsApplied.has(id));
    // A state entry repeating the equipment's state (a bridge restart re-reads it) changes nothing: applied either way.
    const statesApplied = await applied("equipment_state_change", stateEntries);
    const missingStates = stateEntries.filter((id) => !statesApplied.has(id));
    result.entriesLostByConsumers = missingCounts.length;
    if (missingCounts.length > 0) failures.push(`${missingCounts.length} counts entries never reached the database`);
    if (missingStates.length > 0) {
      failures.push(`note: ${missingStates.length} state entries made no state change row (repeats of the state?)`);
    }

    // ---- units, per equipment, against the PLC counters --------------------------------------------
    for (const eq of plant.equipment) {
      const control = plant.emulators.get(eq.plc)!.control;
      const tag = (name: string) => Number(control.getTag(`${eq.tagPrefix}${eq.tagPrefix ? "." : ""}${name}`));
      const { rows } = await db.query(
        `SELECT coalesce(sum("goodDelta"),0)::bigint AS good, coalesce(sum("rejectDelta"),0)::bigint AS reject
         FROM production_count WHERE "equipmentId" = $1`,
        [eq.id],
      );
      const counted = { good: Number(rows[0].good), reject: Number(rows[0].reject) };
      const truth = { good: tag("GoodCount"), reject: tag("RejectCount") };
      result.unitsExpected += truth.good + truth.reject;
      for (const kind of ["good", "reject"] as const) {
        const difference = counted[kind] - truth[kind];
        if (difference < 0) result.unitsLost -= difference;
        if (difference > 0) result.unitsDuplicated += difference;
        if (difference !== 0) {
          failures.push(`${eq.code}: ${kind} units counted ${counted[kind]}, the PLC counted ${truth[kind]}`);
        }
      }
    }

    // ---- DOWN transitions and stops ------------------------------------------------------------------
    for (const eq of plant.equipment) {
      const truth = script.truth.get(eq.code)!;
      result.downTransitions += truth.downTransitions;
      const { rows } = await db.query(
        `SELECT count(*)::int AS stops FROM downtime_event d
         JOIN equipment_state_change s ON s."sourceStreamId" = d."sourceStreamId"
         WHERE d."equipmentId" = $1 AND s.state = 'DOWN' AND d."supersededAt" IS NULL`,
        [eq.id],
      );
      const stops = rows[0].stops as number;
      if (stops < truth.downTransitions) result.stopsMissing += truth.downTransitions - stops;
      if (stops > truth.downTransitions) result.stopsExtra += stops - truth.downTransitions;
      if (stops !== truth.downTransitions) {
        failures.push(`${eq.code}: ${truth.downTransitions} DOWN transitions on the PLC, ${stops} stops recorded`);
      }
    }

    // ---- fault edges and the catalog's andon effect -------------------------------------------------
    for (const eq of plant.equipment) {
      const truth = script.truth.get(eq.code)!;
      for (const fault of eq.faults) {
        const rises = truth.risingEdges.get(fault.bit) ?? 0;
        result.fireEdges += rises;
        const { rows } = await db.query(
          `SELECT type, priority, "repeatCount" FROM andon_event WHERE "equipmentId" = $1 AND "faultCode" = $2`,
          [eq.id, fault.faultCode],
        );
        const expectedAndons = fault.effect === "none" || rises === 0 ? 0 : 1;
        let wrong = rows.length !== expectedAndons;
        if (!wrong && expectedAndons === 1) {
          const andon = rows[0]!;
          wrong = andon.repeatCount !== rises - 1;
          if (fault.uncatalogued && (andon.type !== "MAINTENANCE" || andon.priority !== "MEDIUM")) wrong = true;
        }
        if (wrong) {
          result.andonEffectsWrong++;
          failures.push(
            `${eq.code} ${fault.faultCode} (${fault.effect}${fault.uncatalogued ? ", uncatalogued" : ""}): ${rises} rising edges, ` +
              `andons ${JSON.stringify(rows)}`,
          );
        }
      }
    }

    // ---- escalations: each level once, reminders not in a burst --------------------------------------
    const { rows: escalations } = await db.query(
      `SELECT e.id, e.kind, a."raisedAt", r."reminderIntervalSeconds" AS interval,
              (SELECT json_agg(json_build_object('level', l.level, 'delay', l."delaySeconds"))
                 FROM escalation_level l WHERE l."ruleId" = r.id AND l.kind = e.kind) AS levels
       FROM escalation e JOIN andon_event a ON a.id = e."andonId" JOIN escalation_rule r ON r.id = e."ruleId"`,
    );
    const { rows: nowRow } = await db.query("SELECT now() AS now");
    const now = new Date(nowRow[0].now).getTime();
    for (const escalation of escalations) {
      const { rows: history } = await db.query(
        `SELECT level, action, "firedAt" FROM escalation_history WHERE "escalationId" = $1 ORDER BY "firedAt", id`,
        [escalation.id],
      );
      const levels = (escalation.levels ?? []) as { level: number; delay: number }[];
      for (const level of levels) {
        const fired = history.filter((h) => h.action === "FIRED" && h.level === level.level).length;
        const due = new Date(escalation.raisedAt).getTime() + level.delay * 1000;
        result.escalationLevelsFired += fired;
        // A level due a moment ago may be firing now: only levels due 5 s ago must have fired.
        const mustHaveFired = due < now - 5_000;
        if (fired > 1 || (mustHaveFired && fired === 0) || (due > now && fired > 0)) {
          result.escalationLevelsWrong++;
          failures.push(
            `escalation ${escalation.id} level ${level.level}: fired ${fired} times, due ${new Date(due).toISOString()}`,
          );
        }
      }
      const reminders = history.filter((h) => h.action === "REMINDER").map((h) => new Date(h.firedAt).getTime());
      const interval = Number(escalation.interval ?? 0) * 1000;
      for (let i = 1; i < reminders.length; i++) {
        if (interval > 0 && reminders[i]! - reminders[i - 1]! < interval / 2) {
          result.reminderBursts++;
          failures.push(
            `escalation ${escalation.id}: reminders ${reminders[i]! - reminders[i - 1]!} ms apart (interval ${interval} ms)`,
          );
        }
      }
    }

    // ---- no duplicate rows ---------------------------------------------------------------------------
    const duplicates = await db.query(`
      SELECT (SELECT count(*) FROM (SELECT 1 FROM equipment_state_change GROUP BY "equipmentId", "startedAt" HAVING count(*) > 1) s)
           + (SELECT count(*) FROM (SELECT 1 FROM downtime_event WHERE "supersededAt" IS NULL AND "endedAt" IS NULL GROUP BY "equipmentId" HAVING count(*) > 1) d)
           + (SELECT count(*) FROM (SELECT 1 FROM andon_event WHERE status IN ('OPEN','ACKNOWLEDGED','IN_PROGRESS') AND "faultCode" IS NOT NULL GROUP BY "equipmentId", "faultCode" HAVING count(*) > 1) a)
           + (SELECT count(*) FROM (SELECT 1 FROM escalation_history WHERE action = 'FIRED' GROUP BY "escalationId", level HAVING count(*) > 1) h)
           AS duplicates`);
    result.duplicateRows = Number(duplicates.rows[0].duplicates);
    if (result.duplicateRows > 0) failures.push(`${result.duplicateRows} groups of duplicate rows`);

    // ---- subscribers: the last event of each equipment is its final state ------------------------
    const { rows: live } = await db.query(
      `SELECT e.code, l.state FROM equipment_live_state l JOIN equipment e ON e.id = l."equipmentId"`,
    );
    const finalState = new Map(live.map((row) => [row.code as string, row.state as string]));
    for (const eq of plant.equipment) {
      const truthState = script.truth.get(eq.code)!.state;
      if (finalState.get(eq.code) !== truthState) {
        failures.push(`${eq.code}: live state ${finalState.get(eq.code)} in the database, ${truthState} on the PLC`);
      }
      for (const [index, subscriber] of subscribers.entries()) {
        const last = subscriber.lastState.get(eq.code);
        if (last !== truthState) {
          result.subscriberMismatches++;
          failures.push(`subscriber ${index}: last event of ${eq.code} says ${last}, the final state is ${truthState}`);
        }
      }
    }
    void settings;
    return result;
  } finally {
    await db.end();
    redis.destroy();
  }
}
