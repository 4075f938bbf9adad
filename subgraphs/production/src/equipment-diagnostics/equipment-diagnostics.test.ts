import { randomUUID } from "node:crypto";
import { createRedisClient, type RedisClient } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import {
  DIAGNOSTICS_SNAPSHOT_TTL_S,
  DIAGNOSTICS_SNAPSHOT_VERSION,
  type DiagnosticsSnapshot,
  diagnosticsSnapshotKey,
} from "@ms5/schema";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ProductionContextExtras } from "../builder.ts";
import { type GraphQLTestPlant, type Loose, openGraphQLTestPlant } from "../testing/graphql-test-plant.ts";
import { DiagnosticsSnapshotReader, faultBitsSet } from "./equipment-diagnostics.ts";

const DIAGNOSTICS = `query ($id: ID!, $from: DateTime, $to: DateTime) {
  equipmentDiagnostics(equipmentId: $id, from: $from, to: $to) {
    equipment { code }
    plc { name driver host port }
    snapshotStatus snapshotAt
    connection { state connected commsLost goodReads failedReads lastRoundTripMs reconnects failedConnects lastGoodReadAt lastError }
    tags { signal address type scanMs value quality error readAt changedAt }
    faultBits { bitIndex set faultCode text category catalogActive }
    trendFrom trendTo trendBucketSeconds
    trend { signal points { at average min max samples } }
  }
}`;

const PREFIX = "Program:Bagger1";

/** A snapshot as the bridge writes it for PLC-BAG1 (plc-bridge/src/bridge.ts), at `at`. */
function baggerSnapshot(at: number, faults: [number, number]): DiagnosticsSnapshot {
  const tag = (name: string, value: DiagnosticsSnapshot["tags"][number]["value"], changedAt = at - 60_000) => ({
    name: `${PREFIX}.${name}`,
    value,
    readAt: at - 50,
    changedAt,
    error: null,
  });
  return {
    v: DIAGNOSTICS_SNAPSHOT_VERSION,
    plc: "PLC-BAG1",
    writtenAt: at,
    connection: {
      state: "connected",
      commsLost: false,
      goodReads: 1234,
      failedReads: 3,
      lastRoundTripMs: 4.5,
      reconnects: 1,
      failedConnects: 2,
      lastGoodReadAt: at - 50,
      lastError: "connection reset",
    },
    tags: [
      tag("Running", true),
      tag("StateCode", 1),
      tag("Speed", 39.5, at - 400),
      tag("GoodCount", 1500, at - 900),
      tag("RejectCount", 12),
      tag("Faults", faults, at - 2_000),
      tag("FirstOutFault", 0),
      tag("EnergyKWh", 1234.5),
      { name: `${PREFIX}.JawTempC`, value: null, readAt: null, changedAt: null, error: "path destination unknown" },
    ],
  };
}

describe("equipment diagnostics (equipmentDiagnostics)", () => {
  const { runId, redisUrl } = inject("testRun");
  const keyPrefix = `${testRedisPrefix(runId)}diag-${randomUUID().slice(0, 8)}:`;
  let plant: GraphQLTestPlant;
  let redis: RedisClient;
  let bagger: { id: string };
  let feeder: { id: string };
  const now = Date.now();

  beforeAll(async () => {
    redis = createRedisClient({ url: redisUrl });
    await redis.connect();
    const contextExtras: ProductionContextExtras = {};
    plant = await openGraphQLTestPlant({ redis, contextExtras });
    contextExtras.diagnostics = new DiagnosticsSnapshotReader({ redis, keyPrefix });
    bagger = await plant.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    // The feeder before the bagger has no PLC in the demo plant
    feeder = (await plant.prisma.equipment.findFirstOrThrow({ where: { plcId: null } })) as { id: string };
    // Ten minutes of speed samples, one a second: 600 rows for a 200-point trend
    const from = new Date(now - 10 * 60_000);
    await plant.prisma.telemetrySample.createMany({
      data: Array.from({ length: 600 }, (_, n) => ({
        equipmentId: bagger.id,
        signal: "speed",
        recordedAt: new Date(from.getTime() + n * 1_000),
        value: n % 2 === 0 ? 30 : 40,
      })),
    });
  });

  afterAll(async () => {
    await plant?.db.drop();
    redis?.destroy();
  });

  async function writeSnapshot(snapshot: DiagnosticsSnapshot) {
    await redis.set(diagnosticsSnapshotKey("PLC-BAG1", keyPrefix), JSON.stringify(snapshot), {
      expiration: { type: "EX", value: DIAGNOSTICS_SNAPSHOT_TTL_S },
    });
  }

  it("shows an engineer every bound tag with its live value, quality and last change, the fault bits with catalog texts and the PLC connection's health", async () => {
    // Bit 4 (Sealing jaw jam) in word 0, and bit 40 in word 1, which the catalog does not describe
    await writeSnapshot(baggerSnapshot(Date.now(), [1 << 4, 1 << 8]));
    const result = await plant.run(plant.as("engineer", ["ENGINEER"]), DIAGNOSTICS, { id: bagger.id });
    expect(result.errors).toBeUndefined();
    const d = result.data!.equipmentDiagnostics;
    expect(d.equipment.code).toBe("BAGGER-1");
    expect(d.plc).toMatchObject({ name: "PLC-BAG1", driver: "LOGIX", host: "127.0.0.1" });
    expect(d.snapshotStatus).toBe("LIVE");
    expect(d.connection).toMatchObject({
      state: "CONNECTED",
      connected: true,
      commsLost: false,
      goodReads: 1234,
      failedReads: 3,
      lastRoundTripMs: 4.5,
      reconnects: 1,
      failedConnects: 2,
      lastError: "connection reset",
    });

    const bySignal = Object.fromEntries(d.tags.map((t: Loose) => [t.signal, t]));
    expect(Object.keys(bySignal).sort()).toEqual(
      [
        "energyKwh",
        "faultWords",
        "firstOutFault",
        "goodCount",
        "jawTemperature",
        "rejectCount",
        "running",
        "speed",
        "stateCode",
      ].sort(),
    );
    expect(bySignal.speed).toMatchObject({
      address: `${PREFIX}.Speed`,
      type: "REAL",
      scanMs: 500,
      value: "39.5",
      quality: "GOOD",
      error: null,
    });
    expect(new Date(bySignal.speed.changedAt).getTime()).toBeLessThan(new Date(bySignal.speed.readAt).getTime());
    expect(bySignal.faultWords).toMatchObject({ type: "DINT[2]", value: "[16,256]", quality: "GOOD" });
    expect(bySignal.running.value).toBe("true");
    expect(bySignal.jawTemperature).toMatchObject({
      value: null,
      quality: "BAD",
      error: "path destination unknown",
      readAt: null,
    });

    const bit = (index: number) => d.faultBits.find((b: Loose) => b.bitIndex === index);
    expect(bit(4)).toEqual({
      bitIndex: 4,
      set: true,
      faultCode: "BG-004",
      text: "Sealing jaw jam",
      category: expect.any(String),
      catalogActive: true,
    });
    expect(bit(0)).toMatchObject({ set: false, faultCode: "BG-000", text: "Emergency stop pressed" });
    expect(bit(40)).toEqual({
      bitIndex: 40,
      set: true,
      faultCode: null,
      text: null,
      category: null,
      catalogActive: null,
    });
    expect(d.faultBits.filter((b: Loose) => b.set).map((b: Loose) => b.bitIndex)).toEqual([4, 40]);
  });

  it("downsamples the stored samples on the server to at most 200 points per signal, keeping each bucket's mean, min and max", async () => {
    const from = new Date(now - 10 * 60_000);
    const to = new Date(now);
    const result = await plant.run(plant.as("engineer", ["ENGINEER"]), DIAGNOSTICS, {
      id: bagger.id,
      from: from.toISOString(),
      to: to.toISOString(),
    });
    expect(result.errors).toBeUndefined();
    const d = result.data!.equipmentDiagnostics;
    expect(d.trendBucketSeconds).toBe(3);
    const speed = d.trend.find((s: Loose) => s.signal === "speed");
    expect(speed.points).toHaveLength(200);
    expect(speed.points.reduce((sum: number, p: Loose) => sum + p.samples, 0)).toBe(600);
    expect(speed.points[0]).toMatchObject({ at: from.toISOString(), samples: 3, min: 30, max: 40 });
    // Three samples alternate 30/40: a bucket's mean is 33.3 or 36.7, the whole range's 35
    const mean = speed.points.reduce((sum: number, p: Loose) => sum + p.average * p.samples, 0) / 600;
    expect(mean).toBeCloseTo(35, 6);
  });

  it("says STALE when the bridge has not written for over 10 s and ABSENT when its snapshot expired, with the catalog still listed and no error", async () => {
    await writeSnapshot(baggerSnapshot(Date.now() - 20_000, [0, 0]));
    const stale = await plant.run(plant.as("engineer", ["ENGINEER"]), DIAGNOSTICS, { id: bagger.id });
    expect(stale.errors).toBeUndefined();
    expect(stale.data!.equipmentDiagnostics.snapshotStatus).toBe("STALE");
    const speed = stale.data!.equipmentDiagnostics.tags.find((t: Loose) => t.signal === "speed");
    expect(speed).toMatchObject({ value: "39.5", quality: "STALE" });

    await redis.del(diagnosticsSnapshotKey("PLC-BAG1", keyPrefix));
    const absent = await plant.run(plant.as("engineer", ["ENGINEER"]), DIAGNOSTICS, { id: bagger.id });
    expect(absent.errors).toBeUndefined();
    const d = absent.data!.equipmentDiagnostics;
    expect(d).toMatchObject({ snapshotStatus: "ABSENT", snapshotAt: null, connection: null });
    expect(d.tags.every((t: Loose) => t.quality === "UNKNOWN" && t.value === null)).toBe(true);
    expect(d.faultBits.length).toBeGreaterThan(0);
    expect(d.faultBits.every((b: Loose) => b.set === null)).toBe(true);
  });

  it("says NOT_BOUND for equipment without a PLC, with no tags", async () => {
    const result = await plant.run(plant.as("engineer", ["ENGINEER"]), DIAGNOSTICS, { id: feeder.id });
    expect(result.errors).toBeUndefined();
    expect(result.data!.equipmentDiagnostics).toMatchObject({ snapshotStatus: "NOT_BOUND", plc: null, tags: [] });
  });

  it("refuses an unknown equipment with NOT_FOUND, a reversed or malformed range and a bad id with BAD_USER_INPUT", async () => {
    const engineer = plant.as("engineer", ["ENGINEER"]);
    const unknown = await plant.run(engineer, DIAGNOSTICS, { id: randomUUID() });
    expect(unknown.data?.equipmentDiagnostics).toBeNull();
    expect(unknown.errors?.[0]?.extensions.code).toBe("NOT_FOUND");

    const reversed = await plant.run(engineer, DIAGNOSTICS, {
      id: bagger.id,
      from: new Date(now).toISOString(),
      to: new Date(now - 60_000).toISOString(),
    });
    expect(reversed.data?.equipmentDiagnostics).toBeNull();
    expect(reversed.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");

    const decade = await plant.run(engineer, DIAGNOSTICS, {
      id: bagger.id,
      from: new Date(now - 10 * 366 * 86_400_000).toISOString(),
      to: new Date(now).toISOString(),
    });
    expect(decade.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");

    const badId = await plant.run(engineer, DIAGNOSTICS, { id: "not-a-uuid" });
    expect(badId.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
  });

  it("is refused to an operator, who has no system:read, with FORBIDDEN and no data", async () => {
    const operator = await plant.run(plant.as("operator", ["OPERATOR"]), DIAGNOSTICS, { id: bagger.id });
    expect(operator.data?.equipmentDiagnostics).toBeNull();
    expect(operator.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
  });
});

describe("fault words as bits", () => {
  it("numbers bits across the words as the bridge does, a negative DINT's top bit included", () => {
    expect([...faultBitsSet([1, -2147483648], "DINT")]).toEqual([0, 63]);
    expect([...faultBitsSet([0, 1, 0, 0x8000], "INT")]).toEqual([16, 63]);
    expect([...faultBitsSet(5, "SINT")]).toEqual([0, 2]);
  });
});
