// From the API to the PLC bridge and back, with a real database, Redis, an emulated SLC 5/05 and an
// emulated CompactLogix: an edited tag binding read by the running bridge without a restart, a
// connection test answered per tag, a Logix symbol browse, and a bridge that does not answer.
import { createLogger, createRedisClient, PlantChangeAnnouncer, type RedisClient } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { startLogixEmulator, startSlcEmulator } from "@ms5/plc-bridge/emulator";
import {
  type BridgeOnPlantDatabase,
  startBridgeOnPlantDatabase,
} from "@ms5/plc-bridge/testing/bridge-on-plant-database";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type GraphQLTestPlant, openGraphQLTestPlant, RESULT_SELECTION } from "../testing/graphql-test-plant.ts";
import { PlcBridgeAsker } from "./plc-connection-test-request.ts";

/** The refusals a connection test or browse may answer with. */
const TEST_RESULT = `__typename ... on ExpectedError { code message } ... on InputInvalid { field }`;

const logger = createLogger({ service: "plc-admin-to-bridge-test", level: "silent" });

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("PLC administration reaching the running bridge", () => {
  const { runId, redisUrl } = inject("testRun");
  const keyPrefix = `${testRedisPrefix(runId)}plc-admin:`;
  let redis: RedisClient;
  let plant: GraphQLTestPlant;
  let slc: Awaited<ReturnType<typeof startSlcEmulator>>;
  let logix: Awaited<ReturnType<typeof startLogixEmulator>>;
  let running: BridgeOnPlantDatabase;
  let loaderPlcId: string;
  const engineer = () => plant.as("engineer", ["ENGINEER"]);

  beforeAll(async () => {
    redis = createRedisClient({ url: redisUrl });
    await redis.connect();
    plant = await openGraphQLTestPlant({
      redis,
      contextExtras: {
        plantChanges: new PlantChangeAnnouncer({ redis, keyPrefix, logger }),
        plcBridge: new PlcBridgeAsker({ redis, keyPrefix }),
      },
    });
    const machine = {
      tagPrefix: "",
      targetSpeedPerMinute: 60,
      faultWords: 2 as const,
      faultBits: [],
      autonomous: false,
    };
    slc = await startSlcEmulator({ port: 0, equipment: [machine] });
    logix = await startLogixEmulator({ port: 0, equipment: [{ ...machine, tagPrefix: "Program:Bagger1" }] });
    loaderPlcId = (await plant.prisma.plc.findUniqueOrThrow({ where: { name: "PLC-LOAD1" } })).id;
    // The loader's PLC pointed at this run's emulator through the API, before the bridge starts
    const moved = await plant.run(
      engineer(),
      `mutation($id: ID!, $port: Int!) { updatePlc(id: $id, input: { host: "127.0.0.1", port: $port, timeoutMs: 500 }) {
        ${RESULT_SELECTION} } }`,
      { id: loaderPlcId, port: slc.port },
    );
    expect(moved.data!.updatePlc.__typename).toBe("MutationUpdatePlcSuccess");
    running = await startBridgeOnPlantDatabase({
      prisma: plant.prisma,
      redisUrl,
      keyPrefix,
      logger,
      plcNames: ["PLC-LOAD1"],
    });
  });
  afterAll(async () => {
    await running?.stop();
    await slc?.stop();
    await logix?.stop();
    await plant?.db.drop();
    redis?.destroy();
  });

  it("an edited tag binding is read by the running bridge within 2 s, on its open connection", async () => {
    await waitFor("the loader read", async () =>
      (await running.telemetry("loading-1")).some((entry) => entry.type === "state") ? true : undefined,
    );
    slc.control.setTag("F8:40", 63.25);
    const tagMap = await plant.prisma.tagMap.findUniqueOrThrow({ where: { name: "basket-loader-slc500-v1" } });
    const editedAt = performance.now();
    const edited = await plant.run(
      engineer(),
      `mutation($id: ID!, $binding: TagBindingInput!) { setTagBinding(tagMapId: $id, binding: $binding) { ${RESULT_SELECTION} } }`,
      { id: tagMap.id, binding: { signal: "hopperLevel", address: "F8:40", type: "REAL", scanMs: 100 } },
    );
    expect(edited.data!.setTagBinding.__typename).toBe("MutationSetTagBindingSuccess");
    const sample = await waitFor("the new binding's first sample", async () =>
      (await running.telemetry("loading-1")).find((entry) => entry.type === "sample" && entry.signal === "hopperLevel"),
    );
    const elapsedMs = performance.now() - editedAt;
    expect(Number(sample.value)).toBeCloseTo(63.25, 3);
    expect(elapsedMs).toBeLessThanOrEqual(2_000);
    expect(slc.control.stats().connectionsAccepted).toBe(1);
  });

  it("a refused edit never reaches the bridge: it keeps polling its bindings", async () => {
    const tagMap = await plant.prisma.tagMap.findUniqueOrThrow({ where: { name: "basket-loader-slc500-v1" } });
    const refused = await plant.run(
      engineer(),
      `mutation($id: ID!, $binding: TagBindingInput!) { setTagBinding(tagMapId: $id, binding: $binding) { ${RESULT_SELECTION} } }`,
      { id: tagMap.id, binding: { signal: "speed", address: "F8", type: "REAL", scanMs: 100 } },
    );
    expect(refused.data!.setTagBinding).toMatchObject({ __typename: "InputInvalid", field: "binding.address" });
    const refusedReloads = running.follower.refused;
    const reads = slc.control.stats().tagsRead;
    await waitFor("the loader still read", async () => (slc.control.stats().tagsRead > reads ? true : undefined));
    expect(running.follower.refused).toBe(refusedReloads);
  });

  it("tests a saved PLC's connection through the bridge: the SLC's identity, each binding's value, a bad tag's error", async () => {
    slc.control.setTag("N7:0", 1);
    const saved = await plant.run(
      engineer(),
      `mutation($id: ID!) { testPlcConnection(plcId: $id) { ${TEST_RESULT}
        ... on MutationTestPlcConnectionSuccess { data { ok error identity { productName vendorId }
          tags { address signal equipmentCode ok value error } } } } }`,
      { id: loaderPlcId },
    );
    expect(saved.errors).toBeUndefined();
    const test = saved.data!.testPlcConnection.data;
    expect(test).toMatchObject({
      ok: true,
      error: null,
      identity: { vendorId: 1, productName: expect.stringMatching(/5\/05/) },
    });
    expect(test.tags).toContainEqual(
      expect.objectContaining({
        address: "N7:0",
        signal: "stateCode",
        equipmentCode: "LOADER-1",
        ok: true,
        value: "1",
      }),
    );
    expect(test.tags.find((tag: { signal: string }) => tag.signal === "faultWords")).toMatchObject({ ok: true });

    const given = await plant.run(
      engineer(),
      `mutation($id: ID!) { testPlcConnection(plcId: $id, tags: [{ address: "N99:0", type: INT }, { address: "F8:40", type: REAL }]) {
        ... on MutationTestPlcConnectionSuccess { data { ok tags { address ok value error } } } } }`,
      { id: loaderPlcId },
    );
    expect(given.data!.testPlcConnection.data.tags).toEqual([
      { address: "N99:0", ok: false, value: null, error: expect.stringMatching(/EXT STS/) },
      { address: "F8:40", ok: true, value: "63.25", error: null },
    ]);
  });

  it("answers unsaved settings of an unreachable PLC with ok false and why, per tag", async () => {
    const result = await plant.run(
      engineer(),
      `mutation($port: Int!) { testPlcConnection(settings: { driver: SLC_PCCC, host: "127.0.0.1", port: $port, timeoutMs: 300 },
        tags: [{ address: "N7:0", type: INT }]) {
        ... on MutationTestPlcConnectionSuccess { data { ok error tags { address ok error } } } } }`,
      { port: 1 },
    );
    expect(result.data!.testPlcConnection.data).toMatchObject({
      ok: false,
      error: expect.stringMatching(/refused/),
      tags: [{ address: "N7:0", ok: false }],
    });
  });

  it("browses a Logix controller's symbols with their types through the bridge, and refuses a browse of an SLC", async () => {
    const browsed = await plant.run(
      engineer(),
      `mutation($port: Int!) { browsePlcSymbols(settings: { driver: LOGIX, host: "127.0.0.1", port: $port, timeoutMs: 1000 }) {
        ${TEST_RESULT} ... on MutationBrowsePlcSymbolsSuccess { data { error symbols { address program name type arrayDims } } } } }`,
      { port: logix.port },
    );
    expect(browsed.errors).toBeUndefined();
    const list = browsed.data!.browsePlcSymbols.data;
    expect(list.error).toBeNull();
    expect(list.symbols).toContainEqual({
      address: "Program:Bagger1.Faults",
      program: "Bagger1",
      name: "Faults",
      type: "DINT",
      arrayDims: 1,
    });
    const slcBrowse = await plant.run(
      engineer(),
      `mutation($id: ID!) { browsePlcSymbols(plcId: $id) { ${TEST_RESULT} } }`,
      { id: loaderPlcId },
    );
    expect(slcBrowse.data!.browsePlcSymbols).toMatchObject({ __typename: "InputInvalid", field: "plcId" });
  });

  it("says PlcBridgeDidNotAnswer when no bridge takes the request, within the PLC's timeout and a margin", async () => {
    await running.tester.stop();
    const started = performance.now();
    const result = await plant.run(
      engineer(),
      `mutation($id: ID!) { testPlcConnection(plcId: $id, tags: []) { ${TEST_RESULT} ... on PlcBridgeDidNotAnswer { waitedMs } } }`,
      { id: loaderPlcId },
    );
    expect(result.data!.testPlcConnection).toMatchObject({
      __typename: "PlcBridgeDidNotAnswer",
      code: "SERVICE_UNAVAILABLE",
      message: expect.stringMatching(/did not answer/),
    });
    expect(performance.now() - started).toBeLessThan(result.data!.testPlcConnection.waitedMs + 1_000);
  });
});
