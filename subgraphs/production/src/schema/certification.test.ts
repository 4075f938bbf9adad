// Certifications and the shift roster through GraphQL, and a job rule refusal as a client sees it:
// who may change them, the typed refusals of bad input (nothing written), and the audit trail.
import { createLogger } from "@ms5/kit";
import { createSubgraphContext } from "@ms5/kit/subgraph";
import { permissionsOf, type Role } from "@ms5/schema";
import { graphql } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type JobTestPlant, openJobTestPlant } from "../jobs/job-test-plant.ts";
import { schema } from "./index.ts";

type Result = {
  data?: Record<string, Record<string, unknown> | null> | null;
  errors?: readonly { message: string; extensions: Record<string, unknown> }[];
};

describe("certifications, shift roster and job rules through GraphQL", () => {
  let plant: JobTestPlant;
  let admin: { userId: string };
  let pmanager: { userId: string };
  let palletiser: { id: string; lineId: string };
  const logger = createLogger({ service: "production-test", level: "silent" });
  const DAY = 86_400_000;

  beforeAll(async () => {
    plant = await openJobTestPlant();
    admin = { userId: (await plant.prisma.user.findUniqueOrThrow({ where: { username: "admin" } })).id };
    pmanager = { userId: (await plant.prisma.user.findUniqueOrThrow({ where: { username: "pmanager" } })).id };
    const pal = await plant.prisma.equipment.findUniqueOrThrow({ where: { code: "PAL-1" } });
    palletiser = { id: pal.id, lineId: pal.lineId };
  });
  afterAll(async () => {
    await plant?.db.drop();
  });

  async function run(
    as: { userId: string },
    roles: Role[],
    source: string,
    variableValues: Record<string, unknown> = {},
  ) {
    const contextValue = createSubgraphContext({
      identity: { kind: "user", userId: as.userId, name: "test", roles, permissions: permissionsOf(roles) },
      prisma: plant.prisma,
      redis: undefined as never,
      logger,
      correlationId: "certification-test",
    });
    return (await graphql({ schema, source, variableValues, contextValue })) as Result;
  }

  const GRANT = `mutation($input: GrantCertificationInput!) { grantCertification(input: $input) {
    __typename ... on ExpectedError { code message } ... on InputInvalid { field }
    ... on MutationGrantCertificationSuccess { data { id name expired equipmentKind equipment { code } expiresAt } } } }`;

  const counts = async () => ({
    certifications: await plant.prisma.certification.count(),
    audits: await plant.prisma.auditLog.count(),
  });

  it("an admin grants, renews and revokes a certification for a kind of equipment; each step is audited and shown on the user", async () => {
    const granted = await run(admin, ["ADMIN"], GRANT, {
      input: {
        userId: plant.operator2.userId,
        name: "Check weigher verification",
        equipmentId: (await plant.prisma.equipment.findUniqueOrThrow({ where: { code: "CW-1" } })).id,
        issuedAt: new Date(Date.now() - 10 * DAY).toISOString(),
        expiresAt: new Date(Date.now() + 300 * DAY).toISOString(),
      },
    });
    expect(granted.errors).toBeUndefined();
    const cert = (granted.data!.grantCertification as { data: { id: string } }).data;
    expect(granted.data!.grantCertification).toMatchObject({
      __typename: "MutationGrantCertificationSuccess",
      data: { name: "Check weigher verification", expired: false, equipmentKind: null, equipment: { code: "CW-1" } },
    });

    const renewedUntil = new Date(Date.now() + 700 * DAY).toISOString();
    const renewed = await run(
      admin,
      ["ADMIN"],
      `mutation($id: ID!, $input: UpdateCertificationInput!) { updateCertification(id: $id, input: $input) {
        __typename ... on MutationUpdateCertificationSuccess { data { expiresAt } } } }`,
      { id: cert.id, input: { expiresAt: renewedUntil } },
    );
    expect(renewed.data!.updateCertification).toMatchObject({ data: { expiresAt: renewedUntil } });

    const listed = await run(
      admin,
      ["ADMIN"],
      `query($id: ID!) { user(id: $id) { certifications { name expired equipmentKind } } }`,
      { id: plant.operator2.userId },
    );
    const names = (listed.data!.user as { certifications: { name: string; expired: boolean }[] }).certifications;
    expect(names).toContainEqual({ name: "Check weigher verification", expired: false, equipmentKind: null });
    // The seed's lapsed palletiser ticket shows as expired.
    expect(names).toContainEqual({
      name: "Robot palletiser operator",
      expired: true,
      equipmentKind: "robot palletiser",
    });

    const revoked = await run(
      admin,
      ["ADMIN"],
      `mutation($id: ID!) { revokeCertification(id: $id) { __typename ... on MutationRevokeCertificationSuccess { data { name equipment { code } } } } }`,
      { id: cert.id },
    );
    expect(revoked.data!.revokeCertification).toMatchObject({
      data: { name: "Check weigher verification", equipment: { code: "CW-1" } },
    });
    expect(await plant.prisma.certification.findUnique({ where: { id: cert.id } })).toBeNull();
    const actions = await plant.prisma.auditLog.findMany({
      where: { entityType: "Certification", entityId: cert.id },
      orderBy: { at: "asc" },
      select: { action: true, actorUserId: true },
    });
    expect(actions).toEqual(
      ["certification.grant", "certification.update", "certification.revoke"].map((action) => ({
        action,
        actorUserId: admin.userId,
      })),
    );
  });

  it("bad input is refused with a typed result and writes nothing: expired, reversed period, unknown equipment or kind, both links, a duplicate name", async () => {
    const before = await counts();
    const base = {
      userId: plant.operator.userId,
      name: "Bagger refresher",
      equipmentKind: "form-fill-seal bagger",
      issuedAt: new Date(Date.now() - 400 * DAY).toISOString(),
    };
    const cases: [Record<string, unknown>, string, string | null][] = [
      [{ expiresAt: new Date(Date.now() - DAY).toISOString() }, "InputInvalid", "expiresAt"],
      [{ expiresAt: new Date(Date.now() - 500 * DAY).toISOString() }, "InputInvalid", "expiresAt"],
      [{ equipmentKind: null, equipmentId: "00000000-0000-4000-8000-000000000000" }, "NotFound", null],
      [{ equipmentKind: "time machine" }, "InputInvalid", "equipmentKind"],
      [{ equipmentId: palletiser.id }, "InputInvalid", "equipmentKind"],
      [{ name: "Form-fill-seal bagger operator" }, "DuplicateKey", null],
      [{ userId: "00000000-0000-4000-8000-000000000000" }, "NotFound", null],
    ];
    for (const [change, typename, field] of cases) {
      const result = await run(admin, ["ADMIN"], GRANT, { input: { ...base, ...change } });
      expect(result.errors, JSON.stringify(change)).toBeUndefined();
      expect(result.data!.grantCertification, JSON.stringify(change)).toMatchObject({
        __typename: typename,
        ...(field ? { field } : {}),
      });
    }
    expect(await counts()).toEqual(before);
  });

  it("only user:manage changes certifications: a production manager's grant is refused as FORBIDDEN", async () => {
    const before = await counts();
    const result = await run(pmanager, ["PRODUCTION_MANAGER"], GRANT, {
      input: { userId: plant.operator.userId, name: "Sneaky", issuedAt: new Date().toISOString() },
    });
    expect(result.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    expect(await counts()).toEqual(before);
  });

  it("a production manager rosters a person on a shift instance; a duplicate, a role they lack or a shift manager's attempt is refused", async () => {
    const instance = await plant.prisma.shiftInstance.create({
      data: {
        shiftId: (await plant.prisma.shift.findFirstOrThrow({ where: { name: "Night" } })).id,
        startsAt: new Date("2030-05-06T20:00:00Z"),
        endsAt: new Date("2030-05-07T04:00:00Z"),
      },
    });
    const ASSIGN = `mutation($input: AssignShiftInput!) { assignShift(input: $input) { __typename
      ... on ExpectedError { code } ... on MutationAssignShiftSuccess { data { id role line { code } user { username } } } } }`;
    const input = { shiftInstanceId: instance.id, userId: plant.operator2.userId, lineId: palletiser.lineId };
    const assigned = await run(pmanager, ["PRODUCTION_MANAGER"], ASSIGN, { input });
    expect(assigned.data!.assignShift).toMatchObject({
      data: { role: "OPERATOR", line: { code: "bagging-1" }, user: { username: "operator2" } },
    });
    const again = await run(pmanager, ["PRODUCTION_MANAGER"], ASSIGN, { input });
    expect(again.data!.assignShift).toMatchObject({ __typename: "DuplicateKey", code: "CONFLICT" });
    const wrongRole = await run(pmanager, ["PRODUCTION_MANAGER"], ASSIGN, {
      input: { ...input, userId: plant.operator.userId, role: "SHIFT_MANAGER" },
    });
    expect(wrongRole.data!.assignShift).toMatchObject({ __typename: "InputInvalid" });
    const shiftManager = await run(plant.manager, ["SHIFT_MANAGER"], ASSIGN, {
      input: { ...input, userId: plant.operator.userId },
    });
    expect(shiftManager.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    const roster = await run(
      pmanager,
      ["PRODUCTION_MANAGER"],
      `{ shiftInstances(from: "2030-05-06T00:00:00Z", to: "2030-05-08T00:00:00Z") { edges { node { id assignments { userId } } } } }`,
    );
    const nodes = (
      roster.data!.shiftInstances as unknown as { edges: { node: { id: string; assignments: { userId: string }[] } }[] }
    ).edges;
    expect(nodes.find((edge) => edge.node.id === instance.id)?.node.assignments).toEqual([
      { userId: plant.operator2.userId },
    ]);
  });

  it("assigning a job that breaks a rule returns JobRuleBroken with code CONFLICT and the rule; with an override reason it is assigned", async () => {
    const ASSIGN_JOB = `mutation($input: AssignJobInput!) { assignJob(input: $input) { __typename
      ... on ExpectedError { code message }
      ... on JobRuleBroken { rule breaches { rule message } }
      ... on MutationAssignJobSuccess { data { id status } } } }`;
    // The seed's operator2 holds a palletiser certificate that lapsed a month ago.
    const input = {
      title: "Stack pallets",
      lineId: palletiser.lineId,
      equipmentId: palletiser.id,
      assigneeId: plant.operator2.userId,
    };
    const jobsBefore = await plant.prisma.jobAssignment.count();
    const refused = await run(plant.manager, ["SHIFT_MANAGER"], ASSIGN_JOB, { input });
    expect(refused.data!.assignJob).toMatchObject({
      __typename: "JobRuleBroken",
      code: "CONFLICT",
      rule: "CERTIFICATION",
      breaches: [{ rule: "CERTIFICATION" }],
    });
    expect((refused.data!.assignJob as { message: string }).message).toMatch(/expired/);
    expect(await plant.prisma.jobAssignment.count()).toBe(jobsBefore);

    const overridden = await run(plant.manager, ["SHIFT_MANAGER"], ASSIGN_JOB, {
      input: { ...input, overrideReason: "Refresher booked; supervised by the shift manager" },
    });
    expect(overridden.data!.assignJob).toMatchObject({
      __typename: "MutationAssignJobSuccess",
      data: { status: "ASSIGNED" },
    });
  });
});
