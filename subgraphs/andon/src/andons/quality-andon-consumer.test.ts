// The quality subgraph's andon requests become QUALITY andons in the andon subgraph (quality never
// writes andon tables): one andon per request, with its escalation started, and a redelivered
// request changes nothing.
import { createLogger } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { qualityAndonStreamKey, STREAM_SCHEMA_VERSION } from "@ms5/schema";
import { eventually } from "@ms5/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { AndonSubgraph } from "../andon-subgraph.ts";
import { type AndonTestPlant, openAndonTestPlant, startAndonTestSubgraph } from "../testing/andon-test-plant.ts";

describe("quality andon requests", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}quality-andons:`;
  let plant: AndonTestPlant;
  let subgraph: AndonSubgraph;

  beforeAll(async () => {
    plant = await openAndonTestPlant(run, new Date());
    subgraph = await startAndonTestSubgraph(plant, {
      logger: createLogger({ service: "andon-test", level: "silent" }),
      keyPrefix,
      faults: false,
      scheduler: false,
      alerts: false,
      qualityRequests: { settings: { blockMs: 50 } },
    });
  });
  afterAll(async () => {
    await subgraph?.close();
    await plant?.close();
  });

  it("raise one QUALITY andon per request with its escalation, and a redelivered request raises nothing more", async () => {
    const lineId = await plant.lineIdOf("bagging-1");
    const subjectId = "00000000-0000-4000-8000-000000000001";
    const id = await plant.redis.xAdd(qualityAndonStreamKey(keyPrefix), "*", {
      v: STREAM_SCHEMA_VERSION,
      type: "quality-andon",
      reason: "check-overdue",
      lineId,
      equipmentId: "",
      priority: "MEDIUM",
      subjectId,
      note: 'Quality check "25 kg bag weight and seal check" is overdue.',
      ts: String(Date.now()),
    });
    const andon = await eventually(() =>
      plant.db.prisma.andonEvent.findFirst({ where: { sourceStreamId: `${qualityAndonStreamKey(keyPrefix)}/${id}` } }),
    );
    expect(andon).toMatchObject({ type: "QUALITY", source: "QUALITY", priority: "MEDIUM", status: "OPEN", lineId });
    expect(await plant.db.prisma.escalation.count({ where: { andonId: andon.id } })).toBe(1);
    // Delivered again (a consumer crashed before its acknowledgement): the same andon, nothing new.
    await plant.redis.xGroupSetId(qualityAndonStreamKey(keyPrefix), "andon", "0");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await plant.db.prisma.andonEvent.count({ where: { type: "QUALITY" } })).toBe(1);
  });
});
