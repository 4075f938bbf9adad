import { randomUUID } from "node:crypto";
import { createLogger, type StreamConsumer } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { streamKey } from "@ms5/schema";
import { encodeStreamEntry, parseStreamEntry } from "@ms5/schema/stream-entries";
import { waitUntil } from "@ms5/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openSeededTestPlant, type SeededTestPlant } from "../testing/production-test-plant.ts";
import { FAULT_RECORDER_GROUP, recordFaultEdge, startFaultEventRecorder } from "./fault-event-recorder.ts";

const logger = createLogger({ service: "fault-recorder-test", level: "silent" });
const T0 = Date.parse("2026-12-07T06:00:00Z");

describe("the fault event recorder", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}faults-${randomUUID().slice(0, 8)}:`;
  let plant: SeededTestPlant;
  let recorder: StreamConsumer;
  let baggerId: string;
  let seq = 0;
  const stream = () => streamKey("bagging-1", "faults", keyPrefix);

  async function edge(
    edgeOf: "rising" | "falling",
    bitIndex: number,
    atMs: number,
    extra: { firstOut?: boolean; atStart?: boolean } = {},
  ) {
    const fields = encodeStreamEntry(
      { plc: "PLC-BAG1", epoch: "e1", seq: ++seq, equipment: "BAGGER-1", line: "bagging-1", ts: T0 + atMs },
      {
        type: "fault",
        edge: edgeOf,
        bitIndex,
        faultCode: `BG-${String(bitIndex).padStart(3, "0")}`,
        faultText: "",
        firstOut: extra.firstOut ?? false,
        atStart: extra.atStart ?? false,
      },
    );
    return plant.redis.xAdd(stream(), "*", fields);
  }

  async function settled() {
    await waitUntil(
      async () => {
        const groups = (await plant.redis.xInfoGroups(stream())) as unknown as Array<Record<string, unknown>>;
        const group = groups.find((g) => g.name === FAULT_RECORDER_GROUP);
        return group?.lag === 0 && group.pending === 0;
      },
      { what: "every fault entry applied and acknowledged", timeoutMs: 15_000 },
    );
  }

  beforeAll(async () => {
    plant = await openSeededTestPlant(run, new Date(T0));
    baggerId = (await plant.db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } })).id;
    recorder = await startFaultEventRecorder({
      prisma: plant.db.prisma,
      redis: plant.redis,
      logger,
      consumerName: "recorder-1",
      keyPrefix,
      settings: { blockMs: 100 },
    });
  });

  afterAll(async () => {
    await recorder?.stop();
    plant?.redis.destroy();
    await plant?.db.drop();
  });

  it("opens a fault event on a rising edge with the catalog's entry and closes it on the falling edge", async () => {
    await edge("rising", 4, 0, { firstOut: true });
    await edge("rising", 7, 2_000);
    await edge("falling", 4, 30_000);
    await settled();
    const events = await plant.db.prisma.faultEvent.findMany({
      where: { equipmentId: baggerId },
      orderBy: { risingAt: "asc" },
      include: { catalogEntry: true },
    });
    expect(
      events.map((e) => [
        e.faultCode,
        e.bitIndex,
        e.isFirstOut,
        e.risingAt.getTime() - T0,
        e.fallingAt && e.fallingAt.getTime() - T0,
      ]),
    ).toEqual([
      ["BG-004", 4, true, 0, 30_000],
      ["BG-007", 7, false, 2_000, null],
    ]);
    expect(events[0]!.catalogEntry?.faultCode).toBe("BG-004");
    expect(events.every((e) => e.sourceStreamId?.startsWith(`${stream()}/`))).toBe(true);
  });

  it("keeps the open event of a bit the bridge reports again after a restart, and records nothing twice when an entry is redelivered", async () => {
    // The bridge restarted under BG-007 and reports its rise again: BG-007 keeps its one open event.
    await edge("rising", 7, 60_000, { atStart: true });
    await settled();
    // BG-004's rise delivered again (a consumer died before acknowledging it): known by its stream id.
    const firstRise = (await plant.redis.xRange(stream(), "-", "+", { COUNT: 1 }))?.[0];
    if (!firstRise) throw new Error("the stream lost its first entry");
    const redelivered = await recordFaultEdge(
      plant.db.prisma,
      parseStreamEntry("faults", firstRise.message),
      baggerId,
      `${stream()}/${firstRise.id}`,
    );
    expect(redelivered).toBe("unchanged");
    await edge("falling", 7, 90_000);
    await edge("falling", 7, 95_000);
    await settled();
    const events = await plant.db.prisma.faultEvent.findMany({
      where: { equipmentId: baggerId },
      orderBy: { risingAt: "asc" },
    });
    expect(
      events.map((e) => [e.faultCode, e.risingAt.getTime() - T0, e.fallingAt && e.fallingAt.getTime() - T0]),
    ).toEqual([
      ["BG-004", 0, 30_000],
      ["BG-007", 2_000, 90_000],
    ]);
  });
});
