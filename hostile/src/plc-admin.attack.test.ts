// Attacks on PLC administration through the gateway: an operator (or a key that may only read the
// plant) repointing a PLC at another host, rewriting a tag binding, deleting a PLC, reading PLC
// addresses or making the bridge connect somewhere. Each is refused, and nothing changes: not a row,
// not the audit log, and no request reaches the bridge's list.
import { issueApiKey } from "@ms5/kit/auth";
import { plcTestRequestsKey } from "@ms5/schema";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { codesOf, type HostilePlant, openHostilePlant } from "./hostile-plant.ts";

describe("attacks on PLC administration", () => {
  let plant: HostilePlant;
  let operatorToken: string;
  let plantReadKey: string;
  let plcId: string;
  let tagMapId: string;

  beforeAll(async () => {
    plant = await openHostilePlant(inject("testRun"));
    operatorToken = await plant.tokenOf("operator");
    const account = await plant.prisma.serviceAccount.create({ data: { name: "hostile-plc-reader" } });
    plantReadKey = (await issueApiKey(plant.prisma, { serviceAccountId: account.id, scopes: ["plant:read"] })).key;
    plcId = (await plant.prisma.plc.findUniqueOrThrow({ where: { name: "PLC-LOAD1" } })).id;
    tagMapId = (await plant.prisma.tagMap.findUniqueOrThrow({ where: { name: "basket-loader-slc500-v1" } })).id;
  });
  afterAll(async () => {
    await plant?.close();
  });

  async function snapshot() {
    return {
      plcs: await plant.prisma.plc.findMany({ orderBy: { id: "asc" } }),
      tagMaps: await plant.prisma.tagMap.findMany({ orderBy: { id: "asc" } }),
      equipment: await plant.prisma.equipment.findMany({ orderBy: { id: "asc" } }),
      audit: await plant.prisma.auditLog.findMany({ orderBy: { id: "asc" } }),
      bridgeRequests: await plant.redis.lLen(plcTestRequestsKey(plant.keyPrefix)),
    };
  }

  const RESULT = "__typename ... on ExpectedError { code message }";

  const attacks: [string, string][] = [
    [
      "repoints the loader's PLC at another host",
      `updatePlc(id: $plc, input: { host: "203.0.113.66", port: 502 }) { ${RESULT} }`,
    ],
    [
      "rewrites a tag binding so the loader's state reads another word",
      `setTagBinding(tagMapId: $map, binding: { signal: "stateCode", address: "N7:9", type: INT, scanMs: 20 }) { ${RESULT} }`,
    ],
    ["deletes the loader's tag binding", `removeTagBinding(tagMapId: $map, signal: "faultWords") { ${RESULT} }`],
    ["deletes the PLC", `deletePlc(id: $plc) { ${RESULT} }`],
    [
      "makes the bridge connect to a host of its choosing",
      `testPlcConnection(settings: { driver: LOGIX, host: "203.0.113.66" }) { ${RESULT} }`,
    ],
  ];

  it.each(attacks)("an operator who %s is refused with FORBIDDEN and nothing changes", async (_what, field) => {
    const before = await snapshot();
    const answer = await plant.graphql(`mutation($plc: ID!, $map: ID!) { ${field} }`, {
      token: operatorToken,
      variables: { plc: plcId, map: tagMapId },
    });
    expect(codesOf(answer)).toContain("FORBIDDEN");
    expect(JSON.stringify(answer.body.data ?? {})).not.toContain("Success");
    expect(await snapshot()).toEqual(before);
  });

  it("a key that may read the plant cannot read PLC addresses or tag maps", async () => {
    for (const query of [`{ plcs { host port } }`, `{ tagMaps { bindings { address } } }`]) {
      const answer = await plant.graphql(query, { headers: { "x-api-key": plantReadKey } });
      expect(codesOf(answer)).toContain("FORBIDDEN");
      expect(JSON.stringify(answer.body)).not.toMatch(/127\.0\.0\.1|N7:0/);
    }
  });
});
