// PLCs, tag maps and equipment bindings through the API, executed in-process against a real database
// seeded with the demo plant: audited changes, addresses checked by each driver's own syntax, changes
// the bridge would refuse refused before they commit, and every refusal changing nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GraphQLTestPlant,
  type Loose,
  openGraphQLTestPlant,
  RESULT_SELECTION,
  tableFingerprint,
} from "../testing/graphql-test-plant.ts";

const PLC_TABLES = ["plc", "tag_map", "equipment"];

const TAG_MAP_FIELDS = `id name driver version bindings { signal canonical address type length scanMs deadband heartbeatMs }`;

describe("PLCs and tag maps through the API", () => {
  let plant: GraphQLTestPlant;
  beforeAll(async () => {
    plant = await openGraphQLTestPlant();
  });
  afterAll(async () => {
    await plant?.db.drop();
  });

  const engineer = () => plant.as("engineer", ["ENGINEER"]);
  const operator = () => plant.as("operator", ["OPERATOR"]);

  async function slcTagMapId(): Promise<string> {
    return (await plant.prisma.tagMap.findUniqueOrThrow({ where: { name: "basket-loader-slc500-v1" } })).id;
  }

  it("lists the demo plant's PLCs with driver, address, timeouts and scan groups, and its tag maps' bindings", async () => {
    const result = await plant.run(
      engineer(),
      `{ plcs { name driver host port slot timeoutMs connected model scanGroups { scanMs tagCount }
           equipment { code plcTagPrefix tagMap { name } } }
         tagMaps { ${TAG_MAP_FIELDS} } }`,
    );
    expect(result.errors).toBeUndefined();
    const loader = result.data!.plcs.find((plc: Loose) => plc.name === "PLC-LOAD1");
    expect(loader).toMatchObject({
      driver: "SLC_PCCC",
      slot: 0,
      timeoutMs: 2000,
      connected: true,
      model: expect.stringMatching(/SLC 5\/05/),
      equipment: [{ code: "LOADER-1", plcTagPrefix: null, tagMap: { name: "basket-loader-slc500-v1" } }],
    });
    // 100 ms: running, stateCode, faultWords, firstOutFault; 1 s: speed, good, reject; 5 s: energy
    expect(loader.scanGroups).toEqual([
      { scanMs: 100, tagCount: 4 },
      { scanMs: 1000, tagCount: 3 },
      { scanMs: 5000, tagCount: 1 },
    ]);
    const slcMap = result.data!.tagMaps.find((map: Loose) => map.name === "basket-loader-slc500-v1");
    expect(slcMap.driver).toBe("SLC_PCCC");
    expect(slcMap.bindings).toContainEqual({
      signal: "faultWords",
      canonical: true,
      address: "B3:0",
      type: "INT",
      length: 4,
      scanMs: 100,
      deadband: null,
      heartbeatMs: null,
    });
  });

  it("an engineer creates a PLC and a tag map, binds equipment, edits a binding, and every change is audited", async () => {
    const site = await plant.prisma.site.findFirstOrThrow();
    const created = await plant.run(
      engineer(),
      `mutation($input: CreatePlcInput!) { createPlc(input: $input) { ${RESULT_SELECTION}
        ... on MutationCreatePlcSuccess { data { id name driver host port slot timeoutMs connected } } } }`,
      { input: { siteId: site.id, name: "PLC-PAL1", driver: "SLC_PCCC", host: "10.20.0.31", timeoutMs: 800 } },
    );
    expect(created.errors).toBeUndefined();
    const plc = created.data!.createPlc.data;
    expect(plc).toMatchObject({ driver: "SLC_PCCC", port: 44818, slot: 0, timeoutMs: 800, connected: true });

    const map = await plant.run(
      engineer(),
      `mutation($input: CreateTagMapInput!) { createTagMap(input: $input) { ${RESULT_SELECTION}
        ... on MutationCreateTagMapSuccess { data { ${TAG_MAP_FIELDS} } } } }`,
      {
        input: {
          name: "palletiser-slc500-v1",
          driver: "SLC_PCCC",
          bindings: [
            { signal: "stateCode", address: "N7:0", type: "INT", scanMs: 100 },
            { signal: "faultWords", address: "B3:0", type: "INT", length: 2, scanMs: 100 },
            { signal: "layerTimer", address: "T4:0.ACC", type: "INT", scanMs: 500, deadband: 1, heartbeatMs: 10000 },
          ],
        },
      },
    );
    expect(map.errors).toBeUndefined();
    const tagMap = map.data!.createTagMap.data;
    expect(tagMap).toMatchObject({ driver: "SLC_PCCC", version: 1 });
    expect(tagMap.bindings.map((b: Loose) => `${b.signal}=${b.address}`)).toEqual([
      "stateCode=N7:0",
      "faultWords=B3:0",
      "layerTimer=T4:0.ACC",
    ]);

    const palletiser = await plant.prisma.equipment.findUniqueOrThrow({ where: { code: "PAL-1" } });
    const bound = await plant.run(
      engineer(),
      `mutation($id: ID!, $input: EquipmentPlcInput!) { setEquipmentPlc(equipmentId: $id, input: $input) {
        ${RESULT_SELECTION} ... on MutationSetEquipmentPlcSuccess { data { code plc { name } tagMap { name } } } } }`,
      { id: palletiser.id, input: { plcId: plc.id, tagMapId: tagMap.id } },
    );
    expect(bound.data!.setEquipmentPlc.data).toEqual({
      code: "PAL-1",
      plc: { name: "PLC-PAL1" },
      tagMap: { name: "palletiser-slc500-v1" },
    });

    const edited = await plant.run(
      engineer(),
      `mutation($id: ID!, $binding: TagBindingInput!) { setTagBinding(tagMapId: $id, binding: $binding) {
        ${RESULT_SELECTION} ... on MutationSetTagBindingSuccess { data { version bindings { signal address } } } } }`,
      { id: tagMap.id, binding: { signal: "stateCode", address: "N7:5", type: "INT", scanMs: 100 } },
    );
    expect(edited.data!.setTagBinding.data.version).toBe(2);
    expect(edited.data!.setTagBinding.data.bindings).toContainEqual({ signal: "stateCode", address: "N7:5" });

    const removed = await plant.run(
      engineer(),
      `mutation($id: ID!) { removeTagBinding(tagMapId: $id, signal: "layerTimer") {
        ... on MutationRemoveTagBindingSuccess { data { version bindings { signal } } } } }`,
      { id: tagMap.id },
    );
    expect(removed.data!.removeTagBinding.data).toEqual({
      version: 3,
      bindings: [{ signal: "stateCode" }, { signal: "faultWords" }],
    });

    const moved = await plant.run(
      engineer(),
      `mutation($id: ID!) { updatePlc(id: $id, input: { host: "10.20.0.32", slot: 1, connected: false }) {
        ${RESULT_SELECTION} ... on MutationUpdatePlcSuccess { data { host slot connected timeoutMs } } } }`,
      { id: plc.id },
    );
    expect(moved.data!.updatePlc.data).toEqual({ host: "10.20.0.32", slot: 1, connected: false, timeoutMs: 800 });

    const audit = await plant.prisma.auditLog.findMany({
      where: { entityId: { in: [plc.id, tagMap.id, palletiser.id] } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((row) => row.action)).toEqual([
      "plc.create",
      "tag-map.create",
      "equipment.plc",
      "tag-map.set-binding",
      "tag-map.remove-binding",
      "plc.update",
    ]);
    expect(audit.every((row) => row.actorUserId === plant.users.engineer)).toBe(true);
    expect(audit[3]).toMatchObject({
      before: { tags: { stateCode: { tag: "N7:0" } } },
      after: { tags: { stateCode: { tag: "N7:5" } } },
    });
  });

  it.each([
    ["N7:x", "INT", undefined, /N7:x is not a SLC_PCCC address/],
    ["B3:0/16", "BOOL", undefined, /bit/i],
    ["F8", "REAL", undefined, /no element/],
    ["T4:0", "INT", undefined, /subfield|\.ACC/],
    ["N7:0", "REAL", undefined, /INT|type/],
  ])(
    "refuses the SLC address %s (%s) with InputInvalid naming the address, and changes nothing",
    async (address, type, length, message) => {
      const id = await slcTagMapId();
      const before = await tableFingerprint(plant.prisma, PLC_TABLES);
      const result = await plant.run(
        engineer(),
        `mutation($id: ID!, $binding: TagBindingInput!) { setTagBinding(tagMapId: $id, binding: $binding) { ${RESULT_SELECTION} } }`,
        { id, binding: { signal: "speed", address, type, length, scanMs: 100 } },
      );
      expect(result.errors).toBeUndefined();
      expect(result.data!.setTagBinding).toMatchObject({
        __typename: "InputInvalid",
        code: "BAD_USER_INPUT",
        field: "binding.address",
        message: expect.stringMatching(message),
      });
      expect(await tableFingerprint(plant.prisma, PLC_TABLES)).toBe(before);
    },
  );

  it("refuses bad PLC and binding fields by name: a driver the bridge lacks, a host, a port, a scan rate, a doubled signal", async () => {
    const site = await plant.prisma.site.findFirstOrThrow();
    const before = await tableFingerprint(plant.prisma, PLC_TABLES);
    const plcInput = { siteId: site.id, name: "PLC-X", driver: "LOGIX", host: "10.0.0.9" };
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...plcInput, driver: "MODBUS_TCP" }, "InputInvalid", "driver"],
      [{ ...plcInput, host: "10.0.0.9; rm -rf /" }, "InputInvalid", "host"],
      [{ ...plcInput, port: 70000 }, "InputInvalid", "port"],
      [{ ...plcInput, timeoutMs: 10 }, "InputInvalid", "timeoutMs"],
      [{ ...plcInput, name: "PLC-BAG1" }, "DuplicateKey", "name"],
    ];
    for (const [input, typename, field] of cases) {
      const result = await plant.run(
        engineer(),
        `mutation($input: CreatePlcInput!) { createPlc(input: $input) { ${RESULT_SELECTION} } }`,
        { input },
      );
      expect(result.data!.createPlc).toMatchObject({ __typename: typename, field });
    }
    const unknownDriver = await plant.run(
      engineer(),
      `mutation($input: CreatePlcInput!) { createPlc(input: $input) { ${RESULT_SELECTION} } }`,
      { input: { ...plcInput, driver: "PROFINET" } },
    );
    expect(unknownDriver.errors?.[0]?.message).toMatch(/PROFINET/);

    const bindings: [Record<string, unknown>[], string][] = [
      [[{ signal: "speed", address: "Speed", type: "REAL", scanMs: 5 }], "bindings.0.scanMs"],
      [[{ signal: "faultWords", address: "Faults", type: "REAL", length: 2, scanMs: 100 }], "bindings.0.type"],
      [[{ signal: "bad signal", address: "Speed", type: "REAL", scanMs: 100 }], "bindings.0.signal"],
      [[{ signal: "speed", address: "Speed[", type: "REAL", scanMs: 100 }], "bindings.0.address"],
      [
        [
          { signal: "speed", address: "Speed", type: "REAL", scanMs: 100 },
          { signal: "speed", address: "Speed2", type: "REAL", scanMs: 100 },
        ],
        "bindings.1.signal",
      ],
    ];
    for (const [list, field] of bindings) {
      const result = await plant.run(
        engineer(),
        `mutation($input: CreateTagMapInput!) { createTagMap(input: $input) { ${RESULT_SELECTION} } }`,
        { input: { name: "refused-map", driver: "LOGIX", bindings: list } },
      );
      expect(result.data!.createTagMap).toMatchObject({ __typename: "InputInvalid", field });
    }
    expect(await tableFingerprint(plant.prisma, PLC_TABLES)).toBe(before);
  });

  it("refuses changes the bridge would refuse: a map of another driver, a changed driver under bound equipment, a program prefix on an SLC", async () => {
    const loader = await plant.prisma.equipment.findUniqueOrThrow({ where: { code: "LOADER-1" } });
    const slcPlc = await plant.prisma.plc.findUniqueOrThrow({ where: { name: "PLC-LOAD1" } });
    const logixMap = await plant.prisma.tagMap.findUniqueOrThrow({ where: { name: "bagger-compactlogix-v1" } });
    const before = await tableFingerprint(plant.prisma, PLC_TABLES);

    const otherDriver = await plant.run(
      engineer(),
      `mutation($id: ID!, $input: EquipmentPlcInput!) { setEquipmentPlc(equipmentId: $id, input: $input) { ${RESULT_SELECTION} } }`,
      { id: loader.id, input: { plcId: slcPlc.id, tagMapId: logixMap.id } },
    );
    expect(otherDriver.data!.setEquipmentPlc).toMatchObject({
      __typename: "InputInvalid",
      field: "tagMapId",
      message: expect.stringMatching(/written for LOGIX/),
    });

    const driverChange = await plant.run(
      engineer(),
      `mutation($id: ID!) { updatePlc(id: $id, input: { driver: LOGIX }) { ${RESULT_SELECTION} } }`,
      { id: slcPlc.id },
    );
    expect(driverChange.data!.updatePlc).toMatchObject({ __typename: "InputInvalid", field: "driver" });

    const prefix = await plant.run(
      engineer(),
      `mutation($id: ID!, $input: EquipmentPlcInput!) { setEquipmentPlc(equipmentId: $id, input: $input) { ${RESULT_SELECTION} } }`,
      { id: loader.id, input: { plcId: slcPlc.id, tagMapId: await slcTagMapId(), tagPrefix: "Program:Loader" } },
    );
    expect(prefix.data!.setEquipmentPlc).toMatchObject({
      __typename: "InputInvalid",
      message: expect.stringMatching(/PLC bridge would refuse.*PLC-LOAD1.*LOADER-1.*no program scopes/),
    });

    const inUse = await plant.run(engineer(), `mutation($id: ID!) { deletePlc(id: $id) { ${RESULT_SELECTION} } }`, {
      id: slcPlc.id,
    });
    expect(inUse.data!.deletePlc).toMatchObject({ __typename: "InvalidStatusChange", from: "IN_USE" });
    const mapInUse = await plant.run(
      engineer(),
      `mutation($id: ID!) { deleteTagMap(id: $id) { ${RESULT_SELECTION} } }`,
      {
        id: logixMap.id,
      },
    );
    expect(mapInUse.data!.deleteTagMap).toMatchObject({ __typename: "InvalidStatusChange", from: "IN_USE" });
    expect(await tableFingerprint(plant.prisma, PLC_TABLES)).toBe(before);
  });

  it("an operator can neither read PLC settings nor change them, and nothing changes", async () => {
    const plc = await plant.prisma.plc.findUniqueOrThrow({ where: { name: "PLC-LOAD1" } });
    const before = await tableFingerprint(plant.prisma, PLC_TABLES);
    const read = await plant.run(operator(), `{ plcs { name host } }`);
    expect(read.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    const equipmentPlc = await plant.run(
      operator(),
      `{ allEquipment(first: 1) { edges { node { code plc { host } } } } }`,
    );
    expect(equipmentPlc.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    const write = await plant.run(
      operator(),
      `mutation($id: ID!) { updatePlc(id: $id, input: { host: "203.0.113.9" }) { ${RESULT_SELECTION} } }`,
      { id: plc.id },
    );
    expect(write.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    const test = await plant.run(operator(), `mutation($id: ID!) { testPlcConnection(plcId: $id) { __typename } }`, {
      id: plc.id,
    });
    expect(test.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    expect(await tableFingerprint(plant.prisma, PLC_TABLES)).toBe(before);
  });
});
