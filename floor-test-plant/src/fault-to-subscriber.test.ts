// The whole live path with nothing stubbed: an emulated CompactLogix over EtherNet/IP on loopback ->
// the bridge -> Redis streams -> the production subgraph's consumer -> Redis pub/sub -> the gateway
// -> a graphql-ws client. A fault forced on the PLC must come out as a stop with the reason the
// fault catalog suggests for its first-out bit, pushed to the subscriber, and as a drop in OEE.
import { randomUUID } from "node:crypto";
import { createLogger } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, type SigningKeyRing } from "@ms5/kit/auth";
import { testRedisPrefix } from "@ms5/kit/testing";
import { openSeededTestPlant, type SeededTestPlant } from "@ms5/production/testing";
import { collectSubscription, eventually, gatewaySubscriptionClient } from "@ms5/test-support";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { BAGGER, BAGGING_LINE, type EmulatedBaggingLine, startEmulatedBaggingLine } from "./emulated-bagging-line.ts";
import { type FloorGateway, floorToken, gatewayCall, startFloorGateway } from "./floor-gateway.ts";

const logger = createLogger({ service: "end-to-end-test", level: "silent" });
/** Bit 4 of Bagger 1's fault words: "Sealing jaw jam", catalogued with the suggested reason UNPL-MECH-JAW. */
const JAW_JAM_BIT = 4;

interface DowntimePayload {
  id: string;
  category: string;
  endedAt: string | null;
  firstOutFaultCode: string | null;
  suggestedReason: { code: string; name: string } | null;
  reason: { code: string } | null;
  equipment: { code: string; name: string };
  line: { name: string };
}

interface OeePayload {
  id: string;
  bucket: string;
  availability: number;
  performance: number;
  quality: number;
  oee: number;
  runSeconds: number;
  plannedProductionSeconds: number;
  losses: { breakdownSeconds: number; smallStopSeconds: number };
}

/** Seconds a bucket lost to stops: a jam shorter than the line's micro-stop threshold is a small stop. */
function stoppedSeconds(record: OeePayload): number {
  return record.losses.breakdownSeconds + record.losses.smallStopSeconds;
}

describe("a fault forced on the emulated Bagger 1, through the bridge, the subgraph and the gateway", () => {
  const testRun = inject("testRun");
  const keyPrefix = `${testRedisPrefix(testRun.runId)}e2e-${randomUUID().slice(0, 8)}:`;
  let plant: SeededTestPlant;
  let keys: SigningKeyRing;
  let line: EmulatedBaggingLine;
  let floor: FloorGateway;
  let client: Client;
  let operatorToken: string;
  let lineId: string;

  beforeAll(async () => {
    plant = await openSeededTestPlant(testRun, new Date());
    keys = await createSigningKeyRing([await generateSigningKey()]);
    operatorToken = await floorToken(keys, plant.db.prisma, "operator", ["OPERATOR"]);
    lineId = (await plant.db.prisma.line.findUniqueOrThrow({ where: { code: BAGGING_LINE } })).id;
    floor = await startFloorGateway({
      prisma: plant.db.prisma,
      redis: plant.redis,
      logger,
      keys,
      keyPrefix,
      consumerName: `e2e-${randomUUID()}`,
    });
    line = await startEmulatedBaggingLine({
      prisma: plant.db.prisma,
      redisUrl: testRun.redisUrl,
      keyPrefix,
      logger,
    });
    client = gatewaySubscriptionClient(floor.wsUrl, operatorToken);
  });

  afterAll(async () => {
    await client?.dispose();
    await line?.stop();
    await floor?.close();
    plant?.redis.destroy();
    await plant?.db.drop();
  });

  it("pushes downtimeStarted with the suggested reason from the first-out fault to a gateway subscriber, and OEE drops", async () => {
    // Fast enough that counts come in dozens per scan: performance over a few seconds is then
    // steady, and a drop in OEE is the stop's, not the rounding of a count or two.
    line.emulator.control.setSpeed(BAGGER.tagPrefix, 3_000);
    // The PLC's RUNNING state has travelled the whole path once the gateway reports it.
    await eventually(
      async () => {
        const body = await gatewayCall<{ line: { liveState: { state: string } | null } }>(
          floor.url,
          operatorToken,
          "query ($id: ID!) { line(id: $id) { liveState { state } } }",
          { id: lineId },
        );
        return body.data?.line?.liveState?.state === "RUNNING" ? true : undefined;
      },
      { what: "Bagger 1 RUNNING through the gateway", timeoutMs: 15_000 },
    );

    const downtime = collectSubscription<{ downtimeStarted: DowntimePayload }>(
      client,
      `subscription ($lineId: ID!) {
        downtimeStarted(lineId: $lineId) {
          id category endedAt firstOutFaultCode
          suggestedReason { code name } reason { code }
          equipment { code name } line { name }
        }
      }`,
      { lineId },
    );
    const oee = collectSubscription<{ oeeUpdated: OeePayload }>(
      client,
      `subscription ($lineId: ID!) {
        oeeUpdated(lineId: $lineId) {
          id bucket availability performance quality oee runSeconds plannedProductionSeconds
          losses { breakdownSeconds smallStopSeconds }
        }
      }`,
      { lineId },
    );

    // A subscriber only hears stops that start after its subscription is in place, and graphql-ws
    // does not say when that is: short starved stops (IDLE, then RUNNING) until one arrives.
    await eventually(
      async () => {
        line.emulator.control.setState(BAGGER.tagPrefix, "IDLE");
        await new Promise((resolve) => setTimeout(resolve, 500));
        line.emulator.control.setState(BAGGER.tagPrefix, "RUNNING");
        await new Promise((resolve) => setTimeout(resolve, 500));
        return downtime.payloads.length > 0 ? true : undefined;
      },
      { what: "a warm-up stop at the subscriber", timeoutMs: 15_000 },
    );
    const warmUp = downtime.payloads[0]?.data?.downtimeStarted;
    expect(warmUp).toMatchObject({ category: "UNPLANNED", firstOutFaultCode: null, suggestedReason: null });

    // OEE of the running line, as last pushed before the fault.
    const seenBeforeFault = oee.payloads.length;
    const before = await eventually(
      async () => (oee.payloads.length > seenBeforeFault ? oee.payloads.at(-1)?.data?.oeeUpdated : undefined),
      { what: "an OEE update while running", timeoutMs: 15_000 },
    );
    expect(before.bucket).toBe("HOUR");
    const downtimeBeforeFault = downtime.payloads.length;

    line.emulator.control.forceFault(BAGGER.tagPrefix, JAW_JAM_BIT);

    const started = await eventually(
      async () => (downtime.payloads.length > downtimeBeforeFault ? downtime.payloads.at(-1) : undefined),
      { what: "downtimeStarted for the jaw jam", timeoutMs: 15_000 },
    );
    expect(started.errors).toBeUndefined();
    expect(started.data?.downtimeStarted).toEqual({
      id: expect.any(String),
      category: "UNPLANNED",
      endedAt: null,
      firstOutFaultCode: "BG-004",
      suggestedReason: { code: "UNPL-MECH-JAW", name: "Sealing jaw jam" },
      reason: null,
      equipment: { code: BAGGER.code, name: "Bagger 1" },
      line: { name: "Bagging Line 1" },
    });
    expect(downtime.payloads).toHaveLength(downtimeBeforeFault + 1);

    // The same stop in the database, opened by the PLC with the catalog's suggestion.
    const stored = await plant.db.prisma.downtimeEvent.findUniqueOrThrow({
      where: { id: started.data!.downtimeStarted.id },
      include: { suggestedReasonCode: true, equipment: true },
    });
    expect(stored).toMatchObject({ source: "PLC", firstOutFaultCode: "BG-004", endedAt: null, supersededAt: null });
    expect(stored.suggestedReasonCode?.code).toBe("UNPL-MECH-JAW");

    // The jaw is freed after six seconds; the restart is a change, so OEE is recomputed with the
    // whole stop in it (nothing is recomputed while nothing changes). Six seconds of a run this
    // short outweigh performance's wobble (counts committed a scan or two behind run time).
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    line.emulator.control.clearFaults(BAGGER.tagPrefix);
    // The pushed bucket must carry the jaw jam as lost time: a small stop while it is shorter than the
    // line's micro-stop threshold (two minutes on Bagging Line 1), a breakdown while it is still open.
    // Compared with the bucket as it stood before the fault, only what the stop itself did is
    // asserted: run time a slow machine adds between two pushes raises availability by itself.
    const after = await eventually(
      async () => {
        const latest = oee.payloads.at(-1)?.data?.oeeUpdated;
        return latest && stoppedSeconds(latest) >= stoppedSeconds(before) + 5 ? latest : undefined;
      },
      { what: "an OEE update showing the stop", timeoutMs: 15_000 },
    );
    expect(after.id).toBe(before.id);
    const jamSeconds = stoppedSeconds(after) - stoppedSeconds(before);
    // Availability is run time over planned time, and the jam's seconds are planned time that did not run:
    // had the line run through them, availability (and OEE with it) would be higher by their share.
    expect(after.availability).toBeCloseTo(after.runSeconds / after.plannedProductionSeconds, 3);
    const withoutTheJam = (after.runSeconds + jamSeconds) / after.plannedProductionSeconds;
    expect(after.availability).toBeLessThan(withoutTheJam - 4 / after.plannedProductionSeconds);
    // OEE is availability x performance x quality, so the jam's share comes off OEE in the same
    // proportion: the pushed OEE is below what the same run would have scored without the jam.
    expect(after.oee).toBeCloseTo(after.availability * after.performance * after.quality, 3);
    expect(after.oee).toBeLessThan(withoutTheJam * after.performance * after.quality);

    // And the persisted bucket, read back through the gateway, agrees with what was pushed.
    const hour = 3_600_000;
    const from = new Date(Math.floor(Date.now() / hour) * hour - hour).toISOString();
    const to = new Date(Math.floor(Date.now() / hour) * hour + hour).toISOString();
    const trend = await gatewayCall<{
      oeeTrend: { id: string; availability: number; losses: { breakdownSeconds: number; smallStopSeconds: number } }[];
    }>(
      floor.url,
      operatorToken,
      `query ($lineId: ID!, $from: DateTime!, $to: DateTime!) {
        oeeTrend(lineId: $lineId, bucket: HOUR, from: $from, to: $to) { id availability losses { breakdownSeconds smallStopSeconds } }
      }`,
      { lineId, from, to },
    );
    expect(trend.errors).toBeUndefined();
    const bucket = trend.data?.oeeTrend.find((record) => record.id === after.id);
    expect(bucket && bucket.losses.breakdownSeconds + bucket.losses.smallStopSeconds).toBeGreaterThanOrEqual(
      stoppedSeconds(after) - 0.01,
    );
    expect(bucket?.availability).toBeLessThan(1);

    downtime.dispose();
    oee.dispose();
  });
});
