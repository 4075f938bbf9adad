// Splitting, merging and reclassifying past stops over a real database: stops come from telemetry,
// OEE from recomputeOeeRecords, and every edit recomputes the buckets it touches from the event log.

import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@ms5/db";
import { seedPlant } from "@ms5/db/seed";
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import { NotFound } from "@ms5/kit/subgraph";
import { STREAM_SCHEMA_VERSION } from "@ms5/schema";
import { parseStreamEntry } from "@ms5/schema/stream-entries";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyTelemetryEntry, type TelemetryEquipment } from "../line-state/apply-telemetry-entry.ts";
import { recomputeOeeRecords } from "../oee-records/recompute-oee-records.ts";
import {
  DowntimeEventStillOpen,
  DowntimeEventSuperseded,
  DowntimeEventsOfDifferentEquipment,
  downtimeEventHistory,
  MergeGapTooLong,
  mergeDowntimeEvents,
  reclassifyDowntimeEvent,
  SplitInstantOutsideEvent,
  splitDowntimeEvent,
  TooFewEventsToMerge,
} from "./index.ts";

describe("editing downtime history", () => {
  const { runId, databaseServerUrl, templateDatabase } = inject("testRun");
  let db: TestDatabase;
  let prisma: PrismaClient;
  let bagger: TelemetryEquipment;
  let supervisorId: string;
  const at = (hhmm: string) => new Date(`2026-11-27T${hhmm}:00.000Z`);
  const now = at("10:00");
  const reasons: Record<string, string> = {};

  const stopAt = (start: string) =>
    prisma.downtimeEvent.findFirstOrThrow({
      where: { equipmentId: bagger.id, startedAt: at(start), supersededAt: null },
    });
  const hourRecord = () =>
    prisma.oeeRecord.findFirstOrThrow({
      where: { scope: "EQUIPMENT", equipmentId: bagger.id, bucket: "HOUR", bucketStart: at("08:00") },
    });
  const downtimeSeconds = (r: { breakdownSeconds: number; setupAdjustmentSeconds: number; smallStopSeconds: number }) =>
    r.breakdownSeconds + r.setupAdjustmentSeconds + r.smallStopSeconds;

  /** Every row an edit may touch, to show a refused one changed nothing. */
  async function snapshot() {
    const [events, audits, lineage, records] = await Promise.all([
      prisma.downtimeEvent.findMany({ orderBy: { id: "asc" } }),
      prisma.downtimeEventAudit.findMany({ orderBy: { id: "asc" } }),
      prisma.downtimeLineage.findMany({ orderBy: { id: "asc" } }),
      prisma.oeeRecord.findMany({ orderBy: { id: "asc" } }),
    ]);
    return { events, audits, lineage, records };
  }

  beforeAll(async () => {
    db = await createTestDatabase({ serverUrl: databaseServerUrl, runId, templateDatabase });
    prisma = db.prisma;
    await seedPlant(prisma, { fastHashing: true, now: at("08:00") });
    const row = await prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" }, include: { line: true } });
    bagger = {
      id: row.id,
      lineId: row.lineId,
      isConstraint: row.isConstraint,
      microStopThresholdSeconds: row.line.microStopThresholdSeconds,
    };
    expect(bagger.microStopThresholdSeconds).toBe(120);
    supervisorId = (await prisma.user.findUniqueOrThrow({ where: { username: "smanager" } })).id;
    for (const code of ["UNPL-MINOR", "UNPL-MECH-JAW", "CHG-ADJUST"]) {
      reasons[code] = (await prisma.reasonCode.findUniqueOrThrow({ where: { code } })).id;
    }

    // Friday 27 Nov, Bagger 1: a 20-minute jaw jam 08:10-08:30, then two 3-minute stops a minute
    // apart (08:40-08:43, 08:44-08:47), a 5-minute stop at 08:50, and a stop from 09:30 still open.
    let seq = 0;
    const apply = (hhmm: string, fields: Record<string, string>) =>
      applyTelemetryEntry(
        prisma,
        parseStreamEntry("telemetry", {
          v: STREAM_SCHEMA_VERSION,
          plc: "PLC-BAG1",
          seq: String(++seq),
          equipment: "BAGGER-1",
          line: "bagging-1",
          ts: String(at(hhmm).getTime()),
          ...fields,
        }),
        { stream: "test", id: `${seq}-0`, group: "production" },
        bagger,
      );
    const running = { type: "state", state: "RUNNING", stateCode: "1" };
    const down = { type: "state", state: "DOWN", stateCode: "3", firstOutFaultCode: "BG-004", firstOutFaultBit: "4" };
    await apply("08:00", running);
    await apply("08:10", down);
    await apply("08:30", running);
    await apply("08:40", down);
    await apply("08:43", running);
    await apply("08:44", down);
    await apply("08:47", running);
    await apply("08:50", down);
    await apply("08:55", running);
    await apply("09:30", down);

    await recomputeOeeRecords(prisma, {
      equipmentId: bagger.id,
      from: at("08:00"),
      to: at("10:00"),
      bucket: "HOUR",
      now,
    });
    await recomputeOeeRecords(prisma, {
      equipmentId: bagger.id,
      from: at("08:00"),
      to: at("09:00"),
      bucket: "MINUTE",
      now,
    });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("starts from 31 minutes of breakdowns in the 08:00 hour, as the PLC reported them", async () => {
    const record = await hourRecord();
    // 20 + 3 + 3 + 5 minutes, all suggested as jaw jams (BREAKDOWN), none under the 120 s threshold.
    expect(record).toMatchObject({ breakdownSeconds: 31 * 60, smallStopSeconds: 0, runSeconds: 29 * 60 });
  });

  it("splitting the 20-minute stop at minute 5 with a minor-stop reason keeps the hour's downtime and moves 5 minutes to small stops", async () => {
    const original = await stopAt("08:10");
    const before = await hourRecord();
    const split = await splitDowntimeEvent(prisma, {
      downtimeEventId: original.id,
      at: at("08:15"),
      reasons: { first: reasons["UNPL-MINOR"] },
      note: "Operator cleared a film wrap first; the jaw jammed afterwards.",
      performedById: supervisorId,
      now,
    });

    // The original is kept, superseded; the parts cover [08:10, 08:15) and [08:15, 08:30).
    expect(split.superseded.supersededAt).toEqual(now);
    expect(await prisma.downtimeEvent.findUnique({ where: { id: original.id } })).not.toBeNull();
    expect(split.first).toMatchObject({ startedAt: at("08:10"), endedAt: at("08:15"), isMicroStop: false });
    expect(split.first).toMatchObject({ reasonCodeId: reasons["UNPL-MINOR"], confirmedById: supervisorId });
    expect(split.second).toMatchObject({ startedAt: at("08:15"), endedAt: at("08:30"), isMicroStop: false });
    expect(split.second).toMatchObject({ reasonCodeId: null, firstOutFaultCode: "BG-004" });
    expect(split.second.suggestedReasonCodeId).toBe(original.suggestedReasonCodeId);
    for (const part of [split.first, split.second]) {
      expect(part).toMatchObject({ equipmentId: bagger.id, category: "UNPLANNED", source: "PLC", supersededAt: null });
    }

    const lineage = await prisma.downtimeLineage.findMany({ where: { operationId: split.operationId } });
    expect(lineage).toHaveLength(2);
    expect(lineage.map((l) => l.resultEventId).sort()).toEqual([split.first.id, split.second.id].sort());
    expect(lineage.every((l) => l.operation === "SPLIT" && l.sourceEventId === original.id)).toBe(true);
    expect(lineage.every((l) => l.performedById === supervisorId && l.reason?.startsWith("Operator cleared"))).toBe(
      true,
    );
    const audits = await prisma.downtimeEventAudit.findMany({
      where: { action: "SPLIT", eventId: { in: [original.id, split.first.id, split.second.id] } },
    });
    expect(audits).toHaveLength(3);

    const after = await hourRecord();
    expect(downtimeSeconds(after)).toBe(downtimeSeconds(before));
    expect(after.runSeconds).toBe(before.runSeconds);
    expect(after.oee).toBeCloseTo(before.oee, 10);
    expect(after).toMatchObject({ breakdownSeconds: 26 * 60, smallStopSeconds: 5 * 60 });
    // The minute buckets were persisted, so they were recomputed too.
    const minute = await prisma.oeeRecord.findFirstOrThrow({
      where: { scope: "EQUIPMENT", equipmentId: bagger.id, bucket: "MINUTE", bucketStart: at("08:12") },
    });
    expect(minute).toMatchObject({ smallStopSeconds: 60, breakdownSeconds: 0 });
  });

  it("splitting a part one minute in makes that minute a micro-stop under the line's 120 s threshold", async () => {
    const part = await stopAt("08:15");
    const before = await hourRecord();
    const split = await splitDowntimeEvent(prisma, {
      downtimeEventId: part.id,
      at: at("08:16"),
      note: "The first minute was the operator's own reset attempt.",
      performedById: supervisorId,
      now,
    });
    expect(split.first.isMicroStop).toBe(true);
    expect(split.second.isMicroStop).toBe(false);
    const after = await hourRecord();
    expect(downtimeSeconds(after)).toBe(downtimeSeconds(before));
    expect(after).toMatchObject({ breakdownSeconds: before.breakdownSeconds - 60, smallStopSeconds: 6 * 60 });
  });

  it("merging two stops a minute apart makes the gap downtime, and the hour's OEE record shows it", async () => {
    const [first, second] = [await stopAt("08:40"), await stopAt("08:44")];
    const before = await hourRecord();
    const merge = await mergeDowntimeEvents(prisma, {
      downtimeEventIds: [second.id, first.id],
      note: "The restart at 08:43 failed; it is one jam.",
      performedById: supervisorId,
      now,
    });
    expect(merge.merged).toMatchObject({ startedAt: at("08:40"), endedAt: at("08:47"), supersededAt: null });
    expect(merge.superseded.map((e) => e.id)).toEqual([first.id, second.id]);
    expect(merge.superseded.every((e) => e.supersededAt?.getTime() === now.getTime())).toBe(true);
    const lineage = await prisma.downtimeLineage.findMany({ where: { operationId: merge.operationId } });
    expect(lineage.map((l) => l.sourceEventId).sort()).toEqual([first.id, second.id].sort());
    expect(lineage.every((l) => l.operation === "MERGE" && l.resultEventId === merge.merged.id)).toBe(true);
    expect(
      await prisma.downtimeEventAudit.count({
        where: { action: "MERGED", eventId: { in: [first.id, second.id, merge.merged.id] } },
      }),
    ).toBe(3);

    const after = await hourRecord();
    expect(downtimeSeconds(after)).toBe(downtimeSeconds(before) + 60);
    expect(after.runSeconds).toBe(before.runSeconds - 60);
    expect(after.availability).toBeLessThan(before.availability);
  });

  it("reclassifying the merged stop as a setup adjustment moves its 7 minutes, audited before and after", async () => {
    const merged = await stopAt("08:40");
    const before = await hourRecord();
    const updated = await reclassifyDowntimeEvent(prisma, {
      downtimeEventId: merged.id,
      reasonCodeId: reasons["CHG-ADJUST"]!,
      category: "CHANGEOVER",
      note: "It was the new film's first-hour adjustment, not a jam.",
      performedById: supervisorId,
      now,
    });
    expect(updated).toMatchObject({ reasonCodeId: reasons["CHG-ADJUST"], category: "CHANGEOVER" });
    const audit = await prisma.downtimeEventAudit.findFirstOrThrow({
      where: { eventId: merged.id, action: "RECLASSIFIED" },
    });
    expect(audit.before).toMatchObject({ category: "UNPLANNED", reasonCodeId: null });
    expect(audit.after).toMatchObject({ category: "CHANGEOVER", reasonCodeId: reasons["CHG-ADJUST"] });
    expect(audit).toMatchObject({ actorId: supervisorId, note: expect.stringContaining("film") });
    const after = await hourRecord();
    expect(after.setupAdjustmentSeconds).toBe(before.setupAdjustmentSeconds + 7 * 60);
    expect(after.breakdownSeconds).toBe(before.breakdownSeconds - 7 * 60);
    expect(downtimeSeconds(after)).toBe(downtimeSeconds(before));
  });

  it("every refusal is a typed error and changes nothing", async () => {
    const original = await prisma.downtimeEvent.findFirstOrThrow({
      where: { equipmentId: bagger.id, startedAt: at("08:10"), supersededAt: { not: null } },
    });
    const open = await prisma.downtimeEvent.findFirstOrThrow({ where: { equipmentId: bagger.id, endedAt: null } });
    const fiveMinutes = await stopAt("08:50");
    const merged = await stopAt("08:40");
    const jaw = await stopAt("08:16");
    const loader = await prisma.equipment.findFirstOrThrow({ where: { id: { not: bagger.id } } });
    const elsewhere = await prisma.downtimeEvent.create({
      data: {
        equipmentId: loader.id,
        lineId: loader.lineId,
        startedAt: at("08:51"),
        endedAt: at("08:52"),
      },
    });
    const by = { performedById: supervisorId, now, note: "should not happen" };
    const before = await snapshot();

    const refusals: [() => Promise<unknown>, new (...args: never[]) => Error][] = [
      [() => splitDowntimeEvent(prisma, { ...by, downtimeEventId: randomUUID(), at: at("08:20") }), NotFound],
      [
        () => splitDowntimeEvent(prisma, { ...by, downtimeEventId: original.id, at: at("08:20") }),
        DowntimeEventSuperseded,
      ],
      [() => splitDowntimeEvent(prisma, { ...by, downtimeEventId: open.id, at: at("09:40") }), DowntimeEventStillOpen],
      [() => splitDowntimeEvent(prisma, { ...by, downtimeEventId: jaw.id, at: at("08:16") }), SplitInstantOutsideEvent],
      [() => splitDowntimeEvent(prisma, { ...by, downtimeEventId: jaw.id, at: at("08:30") }), SplitInstantOutsideEvent],
      [() => splitDowntimeEvent(prisma, { ...by, downtimeEventId: jaw.id, at: at("08:45") }), SplitInstantOutsideEvent],
      [
        () =>
          splitDowntimeEvent(prisma, {
            ...by,
            downtimeEventId: jaw.id,
            at: at("08:20"),
            reasons: { second: randomUUID() },
          }),
        NotFound,
      ],
      [() => mergeDowntimeEvents(prisma, { ...by, downtimeEventIds: [merged.id] }), TooFewEventsToMerge],
      [() => mergeDowntimeEvents(prisma, { ...by, downtimeEventIds: [merged.id, merged.id] }), TooFewEventsToMerge],
      [
        () => mergeDowntimeEvents(prisma, { ...by, downtimeEventIds: [fiveMinutes.id, elsewhere.id] }),
        DowntimeEventsOfDifferentEquipment,
      ],
      [() => mergeDowntimeEvents(prisma, { ...by, downtimeEventIds: [jaw.id, merged.id] }), MergeGapTooLong],
      [() => mergeDowntimeEvents(prisma, { ...by, downtimeEventIds: [merged.id, open.id] }), DowntimeEventStillOpen],
      [
        () => mergeDowntimeEvents(prisma, { ...by, downtimeEventIds: [merged.id, original.id] }),
        DowntimeEventSuperseded,
      ],
      [() => mergeDowntimeEvents(prisma, { ...by, downtimeEventIds: [merged.id, randomUUID()] }), NotFound],
      [
        () =>
          mergeDowntimeEvents(prisma, {
            ...by,
            downtimeEventIds: [merged.id, fiveMinutes.id],
            reasonCodeId: randomUUID(),
          }),
        NotFound,
      ],
      [() => reclassifyDowntimeEvent(prisma, { ...by, downtimeEventId: jaw.id, reasonCodeId: randomUUID() }), NotFound],
      [
        () =>
          reclassifyDowntimeEvent(prisma, {
            ...by,
            downtimeEventId: original.id,
            reasonCodeId: reasons["UNPL-MINOR"]!,
          }),
        DowntimeEventSuperseded,
      ],
      [
        () =>
          reclassifyDowntimeEvent(prisma, { ...by, downtimeEventId: open.id, reasonCodeId: reasons["UNPL-MINOR"]! }),
        DowntimeEventStillOpen,
      ],
    ];
    for (const [attempt, refusal] of refusals) await expect(attempt()).rejects.toBeInstanceOf(refusal);
    await expect(
      splitDowntimeEvent(prisma, { ...by, note: "  ", downtimeEventId: jaw.id, at: at("08:20") }),
    ).rejects.toMatchObject({ code: "BAD_USER_INPUT" });

    expect(await snapshot()).toEqual(before);
  });

  it("shows the lineage both ways: the original's history names its parts, a part's names the original", async () => {
    const original = await prisma.downtimeEvent.findFirstOrThrow({
      where: { equipmentId: bagger.id, startedAt: at("08:10"), endedAt: at("08:30") },
    });
    const history = await downtimeEventHistory(prisma, original.id);
    const actions = history.audits.map((a) => a.action);
    expect(actions[0]).toBe("OPENED");
    expect(actions.slice(-2)).toEqual(["CLOSED", "SPLIT"]);
    expect(history.audits.at(-1)).toMatchObject({ action: "SPLIT", actorId: supervisorId });
    expect(history.producedBy).toEqual([]);
    expect(history.replacedBy).toHaveLength(2);
    const [firstPart] = history.replacedBy;
    const part = await downtimeEventHistory(prisma, firstPart!.resultEventId);
    expect(part.producedBy.map((l) => l.sourceEventId)).toEqual([original.id]);
    expect(part.producedBy[0]).toMatchObject({ operation: "SPLIT", performedById: supervisorId });
    await expect(downtimeEventHistory(prisma, randomUUID())).rejects.toBeInstanceOf(NotFound);
  });
});
