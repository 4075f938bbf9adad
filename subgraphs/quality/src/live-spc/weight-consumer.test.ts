// The live SPC feed: bag weights appended to the line's telemetry stream as the bridge does become
// subgroups of the check weigher's X̄-R chart with no one typing; the first 25 freeze the initial
// limits; a drift in the mean breaks a run rule, which is stored and reaches a spcViolation listener;
// a redelivered entry changes nothing.

import { listDeadLetters } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { deadLetterStreamKey, STREAM_SCHEMA_VERSION, streamKey } from "@ms5/schema";
import { eventually } from "@ms5/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { QualityEventMessage } from "../quality-events/quality-event-message.ts";
import type { QualitySubgraph } from "../quality-subgraph.ts";
import {
  openQualityTestPlant,
  type QualityTestPlant,
  startQualityTestSubgraph,
} from "../testing/quality-test-plant.ts";
import { streamIdAfter, WEIGHT_CONSUMER_GROUP } from "./weight-consumer.ts";

describe("the live SPC feed from the check weigher", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}weights:`;
  let plant: QualityTestPlant;
  let subgraph: QualitySubgraph;
  let characteristicId: string;
  let seq = 0;
  const heard: QualityEventMessage[] = [];

  async function publishWeights(values: readonly (number | string)[]) {
    const at = Date.now();
    const ids: string[] = [];
    for (const value of values) {
      seq++;
      ids.push(
        await plant.redis.xAdd(streamKey("bagging-1", "telemetry", keyPrefix), "*", {
          v: STREAM_SCHEMA_VERSION,
          type: "weight",
          plc: "PLC-CW1",
          seq: String(seq),
          equipment: "CW-1",
          line: "bagging-1",
          ts: String(at),
          value: String(value),
          unit: "kg",
          weighCount: String(seq),
        }),
      );
    }
    return ids;
  }

  beforeAll(async () => {
    plant = await openQualityTestPlant(run, new Date());
    characteristicId = (
      await plant.db.prisma.qualityCharacteristic.findFirstOrThrow({ where: { liveSignal: "weight" } })
    ).id;
    subgraph = await startQualityTestSubgraph(plant, { keyPrefix, weights: { settings: { blockMs: 50 } } });
    const events = await subgraph.bus.events(["spc-violation"]);
    void (async () => {
      for await (const event of events) heard.push(event);
    })();
  });
  afterAll(async () => {
    await subgraph?.close();
    await plant?.close();
  });

  it("forms subgroups of five from the weights and freezes the initial limits at 25 subgroups", async () => {
    // In control around 25.10 kg: a repeating pattern with no run in it.
    const pattern = [25.08, 25.12, 25.1, 25.09, 25.11, 25.13, 25.07, 25.1, 25.12, 25.08];
    const weights = Array.from(
      { length: 125 },
      (_, i) => Math.round((pattern[(i * 3) % pattern.length]! + ((i % 7) - 3) * 0.002) * 1000) / 1000,
    );
    await publishWeights(weights);
    await eventually(async () => (await plant.db.prisma.spcSubgroup.count({ where: { characteristicId } })) === 25);
    const limits = await plant.db.prisma.spcControlLimits.findFirstOrThrow({
      where: { characteristicId, supersededAt: null },
    });
    expect(limits).toMatchObject({
      chartType: "XBAR_R",
      subgroupSize: 5,
      baselineFirst: 1,
      baselineLast: 25,
      reason: "initial baseline",
    });
    expect(limits.centerLine).toBeCloseTo(weights.reduce((s, w) => s + w, 0) / weights.length, 10);
    const first = await plant.db.prisma.spcSubgroup.findFirstOrThrow({ where: { characteristicId, sequence: 1 } });
    expect(first.values).toEqual(weights.slice(0, 5));
    expect(first.source).toBe("LIVE");
  });

  it("stores a rule violation when the mean shifts and publishes it as spcViolation", async () => {
    const before = await plant.db.prisma.spcViolation.count({ where: { characteristicId } });
    // A shift of the mean by 0.2 kg: far beyond the X̄ limits at once.
    await publishWeights([25.3, 25.31, 25.29, 25.3, 25.32]);
    const violation = await eventually(() =>
      plant.db.prisma.spcViolation.findFirst({
        where: { characteristicId, rule: "WE1", chart: "location", subgroup: { sequence: 26 } },
      }),
    );
    expect(violation.pointSequences).toEqual([26]);
    expect(await plant.db.prisma.spcViolation.count({ where: { characteristicId } })).toBeGreaterThan(before);
    await eventually(async () =>
      heard.some((event) => event.kind === "spc-violation" && event.violationId === violation.id),
    );
  });

  it("ignores a redelivered weight (an entry id at or below the last applied)", async () => {
    const state = await plant.db.prisma.spcLiveState.findUniqueOrThrow({ where: { characteristicId } });
    expect(streamIdAfter(state.lastStreamId, "0-0")).toBe(true);
    expect(streamIdAfter("5-1", "5-0")).toBe(true);
    expect(streamIdAfter("5-0", "5-0")).toBe(false);
    expect(streamIdAfter("4-9", "5-0")).toBe(false);
    const count = await plant.db.prisma.spcSubgroup.count({ where: { characteristicId } });
    // Replay every entry of the stream through a second consumer group position: nothing new forms.
    await plant.redis.xGroupSetId(streamKey("bagging-1", "telemetry", keyPrefix), "quality", "0");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await plant.db.prisma.spcSubgroup.count({ where: { characteristicId } })).toBe(count);
  });

  it("judges the next subgroups against limits frozen since, though the consumer keeps the chart in memory", async () => {
    const old = await plant.db.prisma.spcControlLimits.findFirstOrThrow({
      where: { characteristicId, supersededAt: null },
    });
    // New limits centred 0.3 kg higher, frozen by someone else (as freezeControlLimits stores them).
    const replacement = await plant.db.prisma.$transaction(async (tx) => {
      await tx.spcControlLimits.update({ where: { id: old.id }, data: { supersededAt: new Date() } });
      const { id: _id, frozenAt: _at, supersededAt: _superseded, ...kept } = old;
      return tx.spcControlLimits.create({
        data: {
          ...kept,
          centerLine: old.centerLine + 0.3,
          upperControlLimit: old.upperControlLimit + 0.3,
          lowerControlLimit: old.lowerControlLimit + 0.3,
          reason: "test: recentred",
        },
      });
    });
    const last = await plant.db.prisma.spcSubgroup.findFirstOrThrow({
      where: { characteristicId },
      orderBy: { sequence: "desc" },
    });
    // In control under the old limits, far below the new ones.
    await publishWeights([25.1, 25.1, 25.1, 25.1, 25.1]);
    const violation = await eventually(() =>
      plant.db.prisma.spcViolation.findFirst({
        where: { characteristicId, rule: "WE1", chart: "location", subgroup: { sequence: last.sequence + 1 } },
      }),
    );
    expect(violation.limitsId).toBe(replacement.id);
    const sequences = (
      await plant.db.prisma.spcSubgroup.findMany({ where: { characteristicId }, select: { sequence: true } })
    ).map((s) => s.sequence);
    expect(new Set(sequences).size).toBe(sequences.length);
  });

  it("dead-letters a weight entry whose value is no number with the stream contract's reason, and charts nothing from it", async () => {
    const count = await plant.db.prisma.spcSubgroup.count({ where: { characteristicId } });
    const state = await plant.db.prisma.spcLiveState.findUniqueOrThrow({ where: { characteristicId } });
    const [id] = await publishWeights(["heavy"]);
    const letter = await eventually(async () =>
      (await listDeadLetters(plant.redis, deadLetterStreamKey(WEIGHT_CONSUMER_GROUP, keyPrefix))).find(
        (dead) => dead.id === id,
      ),
    );
    expect(letter).toMatchObject({ kind: "rejected", fields: { type: "weight", value: "heavy" } });
    expect(letter.error).toMatch(/malformed telemetry entry/);
    expect(await plant.db.prisma.spcSubgroup.count({ where: { characteristicId } })).toBe(count);
    const after = await plant.db.prisma.spcLiveState.findUniqueOrThrow({ where: { characteristicId } });
    expect(after.pendingValues).toEqual(state.pendingValues);
  });
});
