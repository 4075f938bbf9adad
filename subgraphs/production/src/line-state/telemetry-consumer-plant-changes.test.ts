// The telemetry consumer follows the plant model while it runs: a line created through the admin
// API is read from its announcement on (or at the periodic rescan when no announcement came), and a
// changed micro-stop threshold decides the next stop's classification without a restart.
import { createLogger, createRedisClient, PlantChangeAnnouncer, type RedisClient, type StreamConsumer } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { STREAM_SCHEMA_VERSION, streamKey } from "@ms5/schema";
import { waitUntil } from "@ms5/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type GraphQLTestPlant, openGraphQLTestPlant, RESULT_SELECTION } from "../testing/graphql-test-plant.ts";
import { plcStateFields } from "../testing/production-test-plant.ts";
import { startTelemetryConsumer } from "./telemetry-consumer.ts";

const logger = createLogger({ service: "production-plant-changes-test", level: "silent" });

describe("the telemetry consumer following plant changes", () => {
  const { runId, redisUrl } = inject("testRun");
  const keyPrefix = `${testRedisPrefix(runId)}plant-changes:`;
  const t0 = Date.UTC(2026, 10, 29, 6, 0, 0);
  let redis: RedisClient;
  let plant: GraphQLTestPlant;
  const consumers: StreamConsumer[] = [];
  let seq = 0;

  beforeAll(async () => {
    redis = createRedisClient({ url: redisUrl });
    await redis.connect();
    // The admin API announces its changes as the running subgraph does: through its context.
    const plantChanges = new PlantChangeAnnouncer({ redis, keyPrefix, logger });
    plant = await openGraphQLTestPlant({ redis, now: new Date(t0), contextExtras: { plantChanges } });
    // Neither the rescan nor the cache's expiry comes within the test: only the announcement can act.
    consumers.push(
      await startTelemetryConsumer({
        prisma: plant.prisma,
        redis,
        logger,
        consumerName: "follower-1",
        keyPrefix,
        settings: { blockMs: 100, rescanIntervalMs: 600_000 },
        plantFollowing: { cacheTtlMs: 600_000 },
      }),
    );
  });
  afterAll(async () => {
    for (const consumer of consumers) await consumer.stop();
    redis?.destroy();
    await plant?.db.drop();
  });

  const engineer = () => plant.as("engineer", ["ENGINEER"]);

  function publish(prefix: string, line: string, equipment: string, atSeconds: number, fields: Record<string, string>) {
    seq++;
    return redis.xAdd(streamKey(line, "telemetry", prefix), "*", {
      v: STREAM_SCHEMA_VERSION,
      plc: "PLC-TEST",
      seq: String(seq),
      equipment,
      line,
      ts: String(t0 + atSeconds * 1000),
      ...fields,
    });
  }
  const counts = { type: "counts", goodDelta: "7", rejectDelta: "0", goodTotal: "7", rejectTotal: "0" };

  const countsOf = async (code: string) =>
    (await plant.prisma.productionCount.aggregate({ where: { equipment: { code } }, _sum: { goodDelta: true } }))._sum
      .goodDelta ?? 0;

  async function createLineWithEquipment(lineCode: string, equipmentCode: string) {
    const area = await plant.prisma.area.findFirstOrThrow();
    const line = await plant.run(
      engineer(),
      `mutation($input: CreateLineInput!) { createLine(input: $input) { ${RESULT_SELECTION}
        ... on MutationCreateLineSuccess { data { id } } } }`,
      { input: { areaId: area.id, code: lineCode, name: lineCode } },
    );
    expect(line.errors).toBeUndefined();
    const equipment = await plant.run(
      engineer(),
      `mutation($input: CreateEquipmentInput!) { createEquipment(input: $input) { ${RESULT_SELECTION}
        ... on MutationCreateEquipmentSuccess { data { id } } } }`,
      {
        input: {
          lineId: line.data!.createLine.data.id,
          code: equipmentCode,
          name: equipmentCode,
          kind: "filler",
          targetSpeedPerMinute: 60,
        },
      },
    );
    expect(equipment.errors).toBeUndefined();
    return line.data!.createLine.data.id as string;
  }

  it("reads a line created through the admin API after start, without a restart", async () => {
    await createLineWithEquipment("filling-7", "FILLER-7");
    await publish(keyPrefix, "filling-7", "FILLER-7", 10, counts);
    await waitUntil(async () => (await countsOf("FILLER-7")) === 7, {
      what: "the new line's counts applied",
      timeoutMs: 15_000,
    });
  });

  it("finds a line nobody announced at its periodic rescan", async () => {
    const quietPrefix = `${keyPrefix}quiet:`;
    consumers.push(
      await startTelemetryConsumer({
        prisma: plant.prisma,
        redis,
        logger,
        consumerName: "rescanner-1",
        keyPrefix: quietPrefix,
        settings: { blockMs: 100, rescanIntervalMs: 50 },
      }),
    );
    // Created behind the consumers' backs: no announcement on the quiet prefix.
    const area = await plant.prisma.area.findFirstOrThrow();
    const line = await plant.prisma.line.create({ data: { areaId: area.id, code: "filling-8", name: "Filling 8" } });
    await plant.prisma.equipment.create({
      data: { lineId: line.id, code: "FILLER-8", name: "Filler 8", kind: "filler", targetSpeedPerMinute: 60 },
    });
    await publish(quietPrefix, "filling-8", "FILLER-8", 10, counts);
    await waitUntil(async () => (await countsOf("FILLER-8")) === 7, {
      what: "the unannounced line's counts applied",
      timeoutMs: 15_000,
    });
  });

  it("classifies the next stop by the micro-stop threshold updateLine set, not the one it cached", async () => {
    const lineId = await createLineWithEquipment("filling-6", "FILLER-6");
    const stopAt = async (atSeconds: number) => {
      await publish(keyPrefix, "filling-6", "FILLER-6", atSeconds, plcStateFields("RUNNING", { stateCode: "1" }));
      await publish(keyPrefix, "filling-6", "FILLER-6", atSeconds + 10, plcStateFields("IDLE", { stateCode: "2" }));
      await publish(keyPrefix, "filling-6", "FILLER-6", atSeconds + 40, plcStateFields("RUNNING", { stateCode: "1" }));
      const startedAt = new Date(t0 + (atSeconds + 10) * 1000);
      await waitUntil(
        async () =>
          Boolean(
            await plant.prisma.downtimeEvent.findFirst({
              where: { line: { id: lineId }, startedAt, endedAt: { not: null } },
            }),
          ),
        { what: "the stop closed", timeoutMs: 15_000 },
      );
      return plant.prisma.downtimeEvent.findFirstOrThrow({ where: { line: { id: lineId }, startedAt } });
    };
    // 30 s under the default 120 s threshold: a micro-stop.
    expect((await stopAt(1_000)).isMicroStop).toBe(true);

    const updated = await plant.run(
      engineer(),
      `mutation($id: ID!) { updateLine(id: $id, input: { microStopThresholdSeconds: 20 }) {
        ... on MutationUpdateLineSuccess { data { microStopThresholdSeconds } } } }`,
      { id: lineId },
    );
    expect(updated.data!.updateLine.data).toEqual({ microStopThresholdSeconds: 20 });
    // The same 30 s stop is over the new threshold.
    expect((await stopAt(2_000)).isMicroStop).toBe(false);
  });
});
