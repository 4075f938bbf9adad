// A line's live state comes from its machines' (apply_equipment_state derives it in the database):
// the constraint's when the line has one, otherwise the most severe known state, and COMMS_LOST
// only when no machine's state is known.
import type { EquipmentState } from "@ms5/schema";
import { STREAM_SCHEMA_VERSION } from "@ms5/schema";
import { parseStreamEntry } from "@ms5/schema/stream-entries";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openSeededTestPlant, plcStateFields, type SeededTestPlant } from "../testing/production-test-plant.ts";
import { applyTelemetryEntry, type LineStateChange, type TelemetryEquipment } from "./apply-telemetry-entry.ts";

describe("a line's live state", () => {
  const testRun = inject("testRun");
  const t0 = Date.UTC(2026, 10, 27, 8, 0, 0);
  let plant: SeededTestPlant;
  let seq = 0;

  beforeAll(async () => {
    plant = await openSeededTestPlant(testRun, new Date(t0));
  });
  afterAll(async () => {
    plant.redis.destroy();
    await plant.db.drop();
  });

  async function lineOf(code: string, constraintIndex: number | null) {
    const prisma = plant.db.prisma;
    const area = await prisma.area.findFirstOrThrow();
    const line = await prisma.line.create({
      data: { areaId: area.id, code, name: `Line ${code}`, microStopThresholdSeconds: 120 },
    });
    const machines: TelemetryEquipment[] = [];
    for (let i = 0; i < 3; i++) {
      const row = await prisma.equipment.create({
        data: {
          lineId: line.id,
          code: `${code}-M${i}`,
          name: `${code} machine ${i}`,
          kind: "filler",
          sequence: i,
          isConstraint: i === constraintIndex,
          targetSpeedPerMinute: 40,
        },
      });
      machines.push({ id: row.id, lineId: line.id, isConstraint: row.isConstraint, microStopThresholdSeconds: 120 });
    }
    return { lineId: line.id, machines };
  }

  async function report(machine: TelemetryEquipment, state: EquipmentState): Promise<LineStateChange[]> {
    seq++;
    const entry = parseStreamEntry("telemetry", {
      v: STREAM_SCHEMA_VERSION,
      plc: "PLC-LINE-TEST",
      seq: String(seq),
      equipment: "any",
      line: "any",
      ts: String(t0 + seq * 1_000),
      ...plcStateFields(state),
    });
    return applyTelemetryEntry(
      plant.db.prisma,
      entry,
      { stream: "line-test", id: `${seq}-0`, group: "production" },
      machine,
    );
  }

  const lineState = async (lineId: string) =>
    (await plant.db.prisma.lineLiveState.findUnique({ where: { lineId } }))?.state ?? null;

  it("follows the most severe known state of its machines when it has no constraint", async () => {
    const { lineId, machines } = await lineOf("no-constraint", null);
    const [a, b, c] = machines as [TelemetryEquipment, TelemetryEquipment, TelemetryEquipment];
    expect(await report(a, "COMMS_LOST")).toContainEqual(
      expect.objectContaining({ kind: "line-state", state: "COMMS_LOST" }),
    );
    await report(b, "RUNNING");
    expect(await lineState(lineId)).toBe("RUNNING");
    await report(c, "IDLE");
    expect(await lineState(lineId)).toBe("IDLE");
    const down = await report(b, "DOWN");
    expect(down).toContainEqual(expect.objectContaining({ kind: "line-state", lineId, state: "DOWN" }));
    // Unchanged line state: no line-state change announced.
    expect((await report(c, "RUNNING")).some((change) => change.kind === "line-state")).toBe(false);
    expect(await lineState(lineId)).toBe("DOWN");
  });

  it("follows its constraint whatever the other machines do", async () => {
    const { lineId, machines } = await lineOf("with-constraint", 1);
    const [a, constraint, c] = machines as [TelemetryEquipment, TelemetryEquipment, TelemetryEquipment];
    await report(constraint, "RUNNING");
    await report(a, "DOWN");
    await report(c, "COMMS_LOST");
    expect(await lineState(lineId)).toBe("RUNNING");
    await report(constraint, "CHANGEOVER");
    expect(await lineState(lineId)).toBe("CHANGEOVER");
  });
});
