// The fault catalog over the production schema, in-process against the seeded demo plant: who may
// read and change it, the audit trail of a change, and refusals that change nothing.
import { createLogger } from "@ms5/kit";
import { createSubgraphContext } from "@ms5/kit/subgraph";
import { permissionsOf, type Role } from "@ms5/schema";
import { graphql } from "graphql";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openSeededTestPlant, type SeededTestPlant } from "../testing/production-test-plant.ts";
import { schema } from "./index.ts";

const logger = createLogger({ service: "fault-catalog-test", level: "silent" });
type Body = {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; extensions: Record<string, unknown> }[];
};

describe("the fault catalog", () => {
  let plant: SeededTestPlant;
  let baggerId: string;

  beforeAll(async () => {
    plant = await openSeededTestPlant(inject("testRun"), new Date());
    baggerId = (await plant.db.prisma.equipment.findFirstOrThrow({ where: { code: "BAGGER-1" } })).id;
  });
  afterAll(async () => {
    plant?.redis.destroy();
    await plant?.db.drop();
  });

  async function run(username: string, roles: Role[], source: string, variableValues: Record<string, unknown> = {}) {
    const user = await plant.db.prisma.user.findUniqueOrThrow({ where: { username } });
    const contextValue = createSubgraphContext({
      identity: { kind: "user", userId: user.id, name: username, roles, permissions: permissionsOf(roles) },
      prisma: plant.db.prisma,
      redis: undefined as never,
      logger,
      correlationId: "fault-catalog-test",
    });
    return (await graphql({ schema, source, variableValues, contextValue })) as Body;
  }

  const snapshot = async () => ({
    entries: await plant.db.prisma.faultCatalogEntry.findMany({ orderBy: { id: "asc" } }),
    audit: await plant.db.prisma.auditLog.count(),
  });

  it("lists an equipment's fault bits lowest first, with the reason each suggests, to any plant reader", async () => {
    const body = await run(
      "viewer",
      ["VIEWER"],
      `query ($id: ID!) { faultCatalog(equipmentId: $id) { bitIndex faultCode andonPriority suggestedReason { code } } }`,
      { id: baggerId },
    );
    expect(body.errors).toBeUndefined();
    const entries = body.data!.faultCatalog as {
      bitIndex: number;
      faultCode: string;
      suggestedReason: { code: string } | null;
    }[];
    expect(entries.map((entry) => entry.bitIndex)).toEqual(
      [...entries.map((entry) => entry.bitIndex)].sort((a, b) => a - b),
    );
    expect(entries.find((entry) => entry.faultCode === "BG-004")?.suggestedReason).toEqual({ code: "UNPL-MECH-JAW" });
  });

  it("lets an engineer change a fault's priority and suggested reason, audited with before and after", async () => {
    const entry = await plant.db.prisma.faultCatalogEntry.findFirstOrThrow({
      where: { equipmentId: baggerId, faultCode: "BG-004" },
    });
    const reason = await plant.db.prisma.reasonCode.findFirstOrThrow({
      where: { active: true, NOT: { id: entry.suggestedReasonCodeId ?? undefined } },
    });
    const body = await run(
      "engineer",
      ["ENGINEER"],
      `mutation ($id: ID!, $reason: ID!) { updateFaultCatalogEntry(id: $id, input: { andonPriority: CRITICAL, suggestedReasonCodeId: $reason }) {
        __typename ... on MutationUpdateFaultCatalogEntrySuccess { data { andonPriority suggestedReason { id } } } } }`,
      { id: entry.id, reason: reason.id },
    );
    expect(body.data!.updateFaultCatalogEntry).toEqual({
      __typename: "MutationUpdateFaultCatalogEntrySuccess",
      data: { andonPriority: "CRITICAL", suggestedReason: { id: reason.id } },
    });
    const audit = await plant.db.prisma.auditLog.findFirstOrThrow({
      where: { entityType: "FaultCatalogEntry", entityId: entry.id },
    });
    expect(audit.action).toBe("fault-catalog.update");
    expect(audit.before).toMatchObject({ andonPriority: entry.andonPriority });
    expect(audit.after).toMatchObject({ andonPriority: "CRITICAL", suggestedReasonCodeId: reason.id });
  });

  it("refuses an operator, an unknown equipment, a taken bit and a malformed code, changing nothing", async () => {
    const before = await snapshot();
    const create = `mutation ($input: FaultCatalogEntryInput!) { createFaultCatalogEntry(input: $input) {
      __typename ... on ExpectedError { code } } }`;
    const input = {
      equipmentId: baggerId,
      bitIndex: 40,
      faultCode: "BG-040",
      text: "Film splice sensor",
      category: "MATERIAL",
      andonType: "MATERIAL",
      andonPriority: "MEDIUM",
    };
    const operator = await run("operator", ["OPERATOR"], create, { input });
    expect(operator.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    const taken = await plant.db.prisma.faultCatalogEntry.findFirstOrThrow({ where: { equipmentId: baggerId } });
    const cases: [Record<string, unknown>, string, string][] = [
      [{ equipmentId: "9b2f1c1e-0000-4000-8000-000000000000" }, "NotFound", "NOT_FOUND"],
      [{ bitIndex: taken.bitIndex }, "DuplicateKey", "CONFLICT"],
      [{ faultCode: "bad code" }, "InputInvalid", "BAD_USER_INPUT"],
      [{ bitIndex: -1 }, "InputInvalid", "BAD_USER_INPUT"],
    ];
    for (const [overrides, typename, code] of cases) {
      const body = await run("engineer", ["ENGINEER"], create, { input: { ...input, ...overrides } });
      expect(body.data?.createFaultCatalogEntry, JSON.stringify(overrides)).toEqual({ __typename: typename, code });
    }
    expect(await snapshot()).toEqual(before);
  });
});
