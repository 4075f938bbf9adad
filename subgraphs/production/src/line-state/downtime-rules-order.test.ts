// The downtime rules (which states are stops, the suggested reason, the micro-stop rule, the OPENED
// and REASON_SUGGESTED audit rows) have one home, the database (apply_equipment_state and the
// functions it calls): a state applied in order and a state applied late, after newer ones, go
// through the same rules, so the same events in any order leave the same rows.
import type { EquipmentState } from "@ms5/schema";
import { STREAM_SCHEMA_VERSION } from "@ms5/schema";
import { parseStreamEntry } from "@ms5/schema/stream-entries";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openSeededTestPlant, plcStateFields, type SeededTestPlant } from "../testing/production-test-plant.ts";
import { applyTelemetryEntry, type TelemetryEquipment } from "./apply-telemetry-entry.ts";

interface StateEvent {
  seq: number;
  state: EquipmentState;
  /** Seconds after t0. */
  at: number;
  firstOutFaultCode?: string;
}

/**
 * A morning of one machine: a jam with a catalogued fault (suggests a reason), a micro-stop, a
 * changeover, a long idle, a fault switched off in the catalog (suggests nothing), a lost PLC.
 */
const EVENTS: readonly StateEvent[] = [
  { seq: 1, state: "RUNNING", at: 0 },
  { seq: 2, state: "DOWN", at: 60, firstOutFaultCode: "ORD-JAM" },
  { seq: 3, state: "RUNNING", at: 90 },
  { seq: 4, state: "IDLE", at: 300 },
  { seq: 5, state: "CHANGEOVER", at: 1_000 },
  { seq: 6, state: "RUNNING", at: 2_000 },
  { seq: 7, state: "DOWN", at: 2_500, firstOutFaultCode: "ORD-OFF" },
  { seq: 8, state: "RUNNING", at: 2_530 },
  { seq: 9, state: "PLANNED_STOP", at: 3_000 },
  { seq: 10, state: "COMMS_LOST", at: 3_100 },
  { seq: 11, state: "RUNNING", at: 3_200 },
];

/** The newest first, then the rest from the oldest: all but the first two arrive late. */
const NEWEST_FIRST = [EVENTS[10]!, EVENTS[0]!, ...EVENTS.slice(1, 10).reverse()];
/** Every other event, then the ones in between: each of those falls inside a stop already recorded. */
const INTERLEAVED = [...EVENTS.filter((e) => e.seq % 2 === 1), ...EVENTS.filter((e) => e.seq % 2 === 0)];

describe("the downtime rules applied in any order", () => {
  const testRun = inject("testRun");
  const t0 = Date.UTC(2026, 10, 27, 6, 0, 0);
  let plant: SeededTestPlant;
  let lineId: string;
  let reasonCodeId: string;

  beforeAll(async () => {
    plant = await openSeededTestPlant(testRun, new Date(t0));
    const prisma = plant.db.prisma;
    const area = await prisma.area.findFirstOrThrow();
    const line = await prisma.line.create({
      data: { areaId: area.id, code: "order-test", name: "Order test line", microStopThresholdSeconds: 120 },
    });
    lineId = line.id;
    reasonCodeId = (await prisma.reasonCode.findFirstOrThrow({ where: { active: true, category: "UNPLANNED" } })).id;
  });
  afterAll(async () => {
    plant.redis.destroy();
    await plant.db.drop();
  });

  /** A machine of its own with the two catalogued faults, so each order starts from nothing. */
  async function machine(code: string): Promise<TelemetryEquipment> {
    const prisma = plant.db.prisma;
    const row = await prisma.equipment.create({
      data: { lineId, code, name: code, kind: "filler", sequence: 0, isConstraint: false, targetSpeedPerMinute: 40 },
    });
    await prisma.faultCatalogEntry.createMany({
      data: [
        {
          equipmentId: row.id,
          bitIndex: 1,
          faultCode: "ORD-JAM",
          text: "Jam",
          category: "MECHANICAL",
          suggestedReasonCodeId: reasonCodeId,
        },
        {
          equipmentId: row.id,
          bitIndex: 2,
          faultCode: "ORD-OFF",
          text: "Switched off",
          category: "MECHANICAL",
          suggestedReasonCodeId: reasonCodeId,
          active: false,
        },
      ],
    });
    return { id: row.id, lineId, isConstraint: false, microStopThresholdSeconds: 120 };
  }

  async function apply(equipment: TelemetryEquipment, events: readonly StateEvent[]): Promise<void> {
    for (const event of events) {
      const entry = parseStreamEntry("telemetry", {
        v: STREAM_SCHEMA_VERSION,
        plc: "PLC-ORDER",
        seq: String(event.seq),
        equipment: "any",
        line: "order-test",
        ts: String(t0 + event.at * 1_000),
        ...plcStateFields(event.state, event.firstOutFaultCode ? { firstOutFaultCode: event.firstOutFaultCode } : {}),
        // As the bridge writes it: the state before this one (none only on its first read).
        previousState: EVENTS[EVENTS.indexOf(event) - 1]?.state ?? "",
      });
      await applyTelemetryEntry(
        plant.db.prisma,
        entry,
        { stream: `order-${equipment.id}`, id: `${event.seq}-0`, group: "production" },
        equipment,
      );
    }
  }

  /** The rows the rules write, without ids and write times, oldest first. */
  async function rowsOf(equipment: TelemetryEquipment) {
    const prisma = plant.db.prisma;
    const states = await prisma.equipmentStateChange.findMany({
      where: { equipmentId: equipment.id },
      orderBy: { startedAt: "asc" },
      select: { state: true, startedAt: true, endedAt: true, firstOutFaultCode: true, plcSequence: true },
    });
    const stops = await prisma.downtimeEvent.findMany({
      where: { equipmentId: equipment.id },
      orderBy: { startedAt: "asc" },
      select: {
        startedAt: true,
        endedAt: true,
        category: true,
        isMicroStop: true,
        source: true,
        firstOutFaultCode: true,
        suggestedReasonCodeId: true,
        supersededAt: true,
        audits: {
          where: { action: { in: ["OPENED", "REASON_SUGGESTED"] } },
          orderBy: { id: "asc" },
          select: { action: true, after: true },
        },
      },
    });
    const live = await prisma.equipmentLiveState.findUniqueOrThrow({
      where: { equipmentId: equipment.id },
      select: { state: true, since: true, commsOk: true },
    });
    return { states, stops, live };
  }

  it("records the same states, stops, suggested reasons, micro-stops and audit rows in order and out of order", async () => {
    const inOrder = await machine("ORDER-IN");
    await apply(inOrder, EVENTS);
    const expected = await rowsOf(inOrder);

    // The rules did fire: without that, equal rows would prove nothing.
    expect(expected.states).toHaveLength(EVENTS.length);
    expect(expected.stops.map((s) => [s.category, s.isMicroStop, s.suggestedReasonCodeId])).toEqual([
      ["UNPLANNED", true, reasonCodeId],
      ["UNPLANNED", false, null],
      ["CHANGEOVER", false, null],
      ["UNPLANNED", true, null],
      ["PLANNED", false, null],
    ]);
    expect(expected.stops[0]!.audits.map((a) => a.action)).toEqual(["OPENED", "REASON_SUGGESTED"]);

    for (const [code, order] of [
      ["ORDER-NEWEST-FIRST", NEWEST_FIRST],
      ["ORDER-INTERLEAVED", INTERLEAVED],
    ] as const) {
      const equipment = await machine(code);
      await apply(equipment, order);
      expect(await rowsOf(equipment), code).toEqual(expected);
    }
  });
});
