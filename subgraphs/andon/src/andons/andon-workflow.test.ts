// The andon lifecycle through the subgraph's API against real PostgreSQL and Redis with the demo
// plant: raising by hand with a photo, every refusal the issue lists (each returning its typed error
// and changing nothing), manual escalation, rule editing and statistics.
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { createLogger, ManualClock } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { AndonSubgraph } from "../andon-subgraph.ts";
import {
  type AndonTestPlant,
  callSubgraph,
  type GraphQLResponse,
  openAndonTestPlant,
  startAndonTestSubgraph,
} from "../testing/andon-test-plant.ts";

const logger = createLogger({ service: "andon-workflow-test", level: "silent" });
const t0 = new Date(Date.UTC(2026, 10, 27, 9, 0, 0));
const MAX_PHOTO_BYTES = 64 * 1024;

/** The smallest valid PNG (1x1), and a JPEG header: real magic numbers, as a camera writes them. */
const PNG_1X1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);

const RAISE = `mutation ($input: RaiseAndonInput!) { raiseAndon(input: $input) {
  __typename
  ... on MutationRaiseAndonSuccess { data { id status priority type photos { contentType sizeBytes sha256 } } }
  ... on ExpectedError { code message }
  ... on NotFound { entity id }
  ... on PhotoRejected { reason } } }`;

type Result = { __typename: string; code?: string; data?: Record<string, unknown>; reason?: string; entity?: string };

describe("the andon lifecycle through the API", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}andon-workflow:`;
  const clock = new ManualClock(t0);
  let plant: AndonTestPlant;
  let subgraph: AndonSubgraph;
  let lineId: string;
  let otherLineEquipmentId: string;
  let operator: string;
  let technician: string;
  let call: <Data>(token: string, query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<Data>>;

  /** Everything a refused operation must leave untouched. */
  async function snapshot() {
    const prisma = plant.db.prisma;
    return {
      andons: await prisma.andonEvent.findMany({ orderBy: { id: "asc" } }),
      history: await prisma.andonEventHistory.count(),
      escalations: await prisma.escalation.findMany({ orderBy: { id: "asc" } }),
      escalationHistory: await prisma.escalationHistory.count(),
      attachments: await prisma.andonAttachment.count(),
      rules: await prisma.escalationRule.findMany({ include: { levels: true }, orderBy: { id: "asc" } }),
      notifications: await prisma.notification.count(),
      photos: (await readdir(plant.photoDirectory)).length,
    };
  }

  async function raise(token: string, input: Record<string, unknown>) {
    const response = await call<{ raiseAndon: Result }>(token, RAISE, { input });
    expect(response.errors).toBeUndefined();
    return response.data!.raiseAndon;
  }

  async function step(token: string, mutation: string, args: string, variables: Record<string, unknown>) {
    const response = await call<Record<string, Result>>(
      token,
      `mutation ($id: ID!) { ${mutation}(andonId: $id${args}) { __typename
        ... on ExpectedError { code message } } }`,
      variables,
    );
    expect(response.errors).toBeUndefined();
    return response.data![mutation]!;
  }

  beforeAll(async () => {
    plant = await openAndonTestPlant(run, t0);
    subgraph = await startAndonTestSubgraph(plant, {
      logger,
      keyPrefix,
      clock,
      maxPhotoBytes: MAX_PHOTO_BYTES,
      faults: false,
      scheduler: false,
    });
    call = (token, query, variables) => callSubgraph(subgraph.server.url, token, query, variables);
    lineId = await plant.lineIdOf("bagging-1");
    otherLineEquipmentId = (await plant.db.prisma.equipment.findUniqueOrThrow({ where: { code: "LOADER-1" } })).id;
    operator = await plant.tokenOf("operator");
    technician = await plant.tokenOf("technician");
  });
  afterAll(async () => {
    await subgraph?.close();
    await plant?.close();
  });

  it("raises an andon by hand with a photo stored under a random name, readable only by the service", async () => {
    const result = await raise(operator, {
      lineId,
      type: "MATERIAL",
      priority: "MEDIUM",
      note: "Out of bags",
      photo: { contentType: "image/png", base64: PNG_1X1.toString("base64") },
    });
    expect(result.__typename).toBe("MutationRaiseAndonSuccess");
    expect(result.data).toMatchObject({
      status: "OPEN",
      priority: "MEDIUM",
      type: "MATERIAL",
      photos: [{ contentType: "image/png", sizeBytes: PNG_1X1.length }],
    });
    const [file] = await readdir(plant.photoDirectory);
    expect(file).toMatch(/^[0-9a-f-]{36}\.png$/);
    expect((await stat(path.join(plant.photoDirectory, file!))).mode & 0o777).toBe(0o600);
    const escalation = await plant.db.prisma.escalation.findFirstOrThrow({
      where: { andonId: String(result.data!.id) },
    });
    expect(escalation).toMatchObject({
      kind: "ACKNOWLEDGE",
      status: "ACTIVE",
      nextDueAt: new Date(t0.getTime() + 300_000),
    });
  });

  it("refuses an unknown line with NotFound and changes nothing", async () => {
    const before = await snapshot();
    const result = await raise(operator, {
      lineId: "00000000-0000-4000-8000-000000000000",
      type: "HELP",
      priority: "LOW",
    });
    expect(result).toMatchObject({ __typename: "NotFound", code: "NOT_FOUND", entity: "line" });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses equipment of another line with InputInvalid and changes nothing", async () => {
    const before = await snapshot();
    const result = await raise(operator, { lineId, equipmentId: otherLineEquipmentId, type: "HELP", priority: "LOW" });
    expect(result).toMatchObject({ __typename: "InputInvalid", code: "BAD_USER_INPUT" });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a priority outside the enum with BAD_USER_INPUT and changes nothing", async () => {
    const before = await snapshot();
    const response = await call(operator, RAISE, { input: { lineId, type: "HELP", priority: "URGENT" } });
    expect(response.data).toBeUndefined();
    expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an oversized photo with PhotoRejected TOO_LARGE and writes nothing, not even the andon", async () => {
    const before = await snapshot();
    const oversized = Buffer.concat([JPEG_HEAD, Buffer.alloc(MAX_PHOTO_BYTES)]);
    const result = await raise(operator, {
      lineId,
      type: "QUALITY",
      priority: "HIGH",
      photo: { contentType: "image/jpeg", base64: oversized.toString("base64") },
    });
    expect(result).toMatchObject({ __typename: "PhotoRejected", code: "PAYLOAD_TOO_LARGE", reason: "TOO_LARGE" });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a photo whose bytes are not the declared type, or not an image at all, and changes nothing", async () => {
    const before = await snapshot();
    const mismatch = await raise(operator, {
      lineId,
      type: "QUALITY",
      priority: "HIGH",
      photo: { contentType: "image/jpeg", base64: PNG_1X1.toString("base64") },
    });
    expect(mismatch).toMatchObject({ __typename: "PhotoRejected", code: "BAD_USER_INPUT", reason: "TYPE_MISMATCH" });
    const script = await raise(operator, {
      lineId,
      type: "QUALITY",
      priority: "HIGH",
      photo: { contentType: "image/png", base64: Buffer.from("<svg onload=alert(1)>").toString("base64") },
    });
    expect(script).toMatchObject({ __typename: "PhotoRejected", reason: "UNSUPPORTED_TYPE" });
    const gif = await raise(operator, {
      lineId,
      type: "QUALITY",
      priority: "HIGH",
      photo: { contentType: "image/gif", base64: Buffer.from("GIF89a").toString("base64") },
    });
    expect(gif).toMatchObject({ __typename: "PhotoRejected", reason: "UNSUPPORTED_TYPE" });
    expect(await snapshot()).toEqual(before);
  });

  it("returns the same andon for a retried raise with the same idempotency key", async () => {
    const first = await raise(operator, { lineId, type: "HELP", priority: "LOW", idempotencyKey: "tablet-7:42" });
    const again = await raise(operator, { lineId, type: "HELP", priority: "LOW", idempotencyKey: "tablet-7:42" });
    expect(again.data?.id).toBe(first.data?.id);
    expect(await plant.db.prisma.andonEvent.count({ where: { idempotencyKey: "tablet-7:42" } })).toBe(1);
  });

  it("refuses acknowledging twice with AndonAlreadyAcknowledged and changes nothing", async () => {
    const andon = await raise(operator, { lineId, type: "MAINTENANCE", priority: "HIGH" });
    const id = String(andon.data!.id);
    clock.set(new Date(t0.getTime() + 30_000));
    expect((await step(technician, "acknowledgeAndon", "", { id })).__typename).toBe("MutationAcknowledgeAndonSuccess");
    const before = await snapshot();
    clock.set(new Date(t0.getTime() + 60_000));
    const again = await step(await plant.tokenOf("smanager"), "acknowledgeAndon", "", { id });
    expect(again).toMatchObject({ __typename: "AndonAlreadyAcknowledged", code: "INVALID_STATE_TRANSITION" });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses resolving an unacknowledged andon where its rule requires acknowledgement, and changes nothing", async () => {
    const andon = await raise(operator, { lineId, type: "MAINTENANCE", priority: "HIGH" });
    const before = await snapshot();
    const result = await step(technician, "resolveAndon", `, rootCause: "fixed"`, { id: andon.data!.id });
    expect(result).toMatchObject({ __typename: "AcknowledgeRequired", code: "INVALID_STATE_TRANSITION" });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses steps out of order with InvalidAndonTransition, and a resolve without a root cause, changing nothing", async () => {
    const andon = await raise(operator, { lineId, type: "MAINTENANCE", priority: "LOW" });
    const before = await snapshot();
    expect(await step(technician, "startAndonWork", "", { id: andon.data!.id })).toMatchObject({
      __typename: "InvalidAndonTransition",
      code: "INVALID_STATE_TRANSITION",
    });
    expect(await step(technician, "closeAndon", "", { id: andon.data!.id })).toMatchObject({
      __typename: "InvalidAndonTransition",
    });
    await step(technician, "acknowledgeAndon", "", { id: andon.data!.id });
    const acknowledged = await snapshot();
    expect(await step(technician, "resolveAndon", `, rootCause: "   "`, { id: andon.data!.id })).toMatchObject({
      __typename: "InputInvalid",
      code: "BAD_USER_INPUT",
    });
    expect(await snapshot()).toEqual(acknowledged);
    expect(before.history).toBeLessThan(acknowledged.history);
  });

  it("refuses an operator acknowledging (no andon:respond) and a malformed id, changing nothing", async () => {
    const andon = await raise(operator, { lineId, type: "HELP", priority: "LOW" });
    const before = await snapshot();
    const refused = await call(operator, `mutation ($id: ID!) { acknowledgeAndon(andonId: $id) { __typename } }`, {
      id: andon.data!.id,
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const malformed = await call(technician, `mutation { acknowledgeAndon(andonId: "1 OR 1=1") { __typename } }`);
    expect(malformed.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await snapshot()).toEqual(before);
  });

  it("walks an andon through work, resolution, closing and a reopen that restarts its escalation", async () => {
    const andon = await raise(operator, { lineId, type: "MAINTENANCE", priority: "MEDIUM" });
    const id = andon.data!.id;
    clock.set(new Date(t0.getTime() + 100_000));
    await step(technician, "acknowledgeAndon", "", { id });
    expect((await step(technician, "startAndonWork", "", { id })).__typename).toBe("MutationStartAndonWorkSuccess");
    await step(technician, "resolveAndon", `, rootCause: "jam"`, { id });
    await step(technician, "closeAndon", "", { id });
    clock.set(new Date(t0.getTime() + 200_000));
    expect((await step(technician, "reopenAndon", `, note: "jammed again"`, { id })).__typename).toBe(
      "MutationReopenAndonSuccess",
    );
    const row = await plant.db.prisma.andonEvent.findUniqueOrThrow({ where: { id: String(id) } });
    expect(row).toMatchObject({
      status: "OPEN",
      reopenCount: 1,
      acknowledgedAt: null,
      resolvedAt: null,
      closedAt: null,
    });
    const escalation = await plant.db.prisma.escalation.findUniqueOrThrow({
      where: { andonId_kind: { andonId: String(id), kind: "ACKNOWLEDGE" } },
    });
    expect(escalation).toMatchObject({
      status: "ACTIVE",
      currentLevel: 0,
      nextDueAt: new Date(t0.getTime() + 500_000),
    });
  });

  it("escalates by hand to a chosen level with a note: that level is notified at once and the history names who and why", async () => {
    const andon = await raise(operator, { lineId, type: "SAFETY", priority: "MEDIUM" });
    const response = await call<{ escalateAndon: Result }>(
      await plant.tokenOf("smanager"),
      `mutation ($id: ID!) { escalateAndon(andonId: $id, level: 2, note: "line stopped, need a manager") {
        __typename ... on MutationEscalateAndonSuccess { data { id currentLevel status } } ... on ExpectedError { code } } }`,
      { id: andon.data!.id },
    );
    expect(response.data?.escalateAndon).toMatchObject({ data: { currentLevel: 2, status: "EXHAUSTED" } });
    const escalationId = String(response.data!.escalateAndon.data!.id);
    const notified = await plant.db.prisma.notification.findMany({
      where: { escalationId, channel: "IN_APP" },
      include: { user: true },
    });
    expect(notified.map((n) => n.user.username)).toEqual(["pmanager"]);
    const manual = await plant.db.prisma.escalationHistory.findFirstOrThrow({
      where: { escalationId, action: "MANUAL" },
    });
    expect(manual).toMatchObject({
      level: 2,
      note: "line stopped, need a manager",
      actorId: await plant.userIdOf("smanager"),
    });

    const before = await snapshot();
    const noLevel = await call<{ escalateAndon: Result }>(
      await plant.tokenOf("smanager"),
      `mutation ($id: ID!) { escalateAndon(andonId: $id, level: 7, note: "x") { __typename ... on ExpectedError { code } } }`,
      { id: andon.data!.id },
    );
    expect(noLevel.data?.escalateAndon).toMatchObject({ __typename: "InputInvalid", code: "BAD_USER_INPUT" });
    expect(await snapshot()).toEqual(before);
  });

  const RULE_INPUT = {
    name: "Bagging safety",
    priority: "CRITICAL",
    andonType: "SAFETY",
    acknowledgeTimeoutSeconds: 30,
    resolveTimeoutSeconds: 600,
    levels: [
      {
        level: 1,
        kind: "ACKNOWLEDGE",
        delaySeconds: 30,
        channels: ["IN_APP"],
        recipients: [{ kind: "ROLE", role: "SHIFT_MANAGER" }],
      },
      {
        level: 1,
        kind: "RESOLVE",
        delaySeconds: 600,
        channels: ["IN_APP"],
        recipients: [{ kind: "ROLE", role: "ENGINEER" }],
      },
    ],
  };
  const CREATE_RULE = `mutation ($input: EscalationRuleInput!) { createEscalationRule(input: $input) {
    __typename ... on MutationCreateEscalationRuleSuccess { data { id name levels { level kind } } }
    ... on ExpectedError { code message } } }`;

  it("refuses an operator editing escalation rules with FORBIDDEN, and changes nothing", async () => {
    const before = await snapshot();
    const created = await call(operator, CREATE_RULE, { input: { ...RULE_INPUT, lineId } });
    expect(created.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const rule = before.rules[0]!;
    const switchedOff = await call(
      operator,
      `mutation ($id: ID!) { setEscalationRuleActive(id: $id, active: false) { __typename } }`,
      { id: rule.id },
    );
    expect(switchedOff.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await snapshot()).toEqual(before);
  });

  it("lets an admin add a rule for one line and type, refusing an inconsistent one and changing nothing then", async () => {
    const admin = await plant.tokenOf("admin");
    const before = await snapshot();
    const gap = await call<{ createEscalationRule: Result }>(admin, CREATE_RULE, {
      input: {
        ...RULE_INPUT,
        levels: [{ ...RULE_INPUT.levels[0], level: 2 }],
      },
    });
    expect(gap.data?.createEscalationRule).toMatchObject({ __typename: "InputInvalid", code: "BAD_USER_INPUT" });
    const noRecipients = await call<{ createEscalationRule: Result }>(admin, CREATE_RULE, {
      input: { ...RULE_INPUT, levels: [{ ...RULE_INPUT.levels[0], recipients: [] }] },
    });
    expect(noRecipients.data?.createEscalationRule.__typename).toBe("InputInvalid");
    expect(await snapshot()).toEqual(before);

    const created = await call<{ createEscalationRule: Result }>(admin, CREATE_RULE, {
      input: { ...RULE_INPUT, lineId },
    });
    expect(created.data?.createEscalationRule).toMatchObject({
      __typename: "MutationCreateEscalationRuleSuccess",
      data: { name: "Bagging safety" },
    });
    const ruleId = (created.data!.createEscalationRule as unknown as { data: { id: string } }).data.id;
    const adminUser = await plant.db.prisma.user.findUniqueOrThrow({ where: { username: "admin" } });
    const audit = await plant.db.prisma.auditLog.findMany({
      where: { entityType: "EscalationRule", entityId: ruleId },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "escalation-rule.created", actorUserId: adminUser.id, before: null });
    expect(JSON.stringify(audit[0]!.after)).toContain("Bagging safety");
    // The line-and-type rule now governs critical safety andons of this line, instead of "Critical andon".
    const andon = await raise(operator, { lineId, type: "SAFETY", priority: "CRITICAL" });
    const escalation = await plant.db.prisma.escalation.findFirstOrThrow({
      where: { andonId: String(andon.data!.id) },
      include: { rule: true },
    });
    expect(escalation.rule.name).toBe("Bagging safety");
  });

  it("counts andons and their mean times to acknowledge and resolve by priority", async () => {
    const response = await call<{ andonStatistics: Record<string, unknown>[] }>(
      await plant.tokenOf("viewer"),
      `query ($from: DateTime!, $to: DateTime!) { andonStatistics(from: $from, to: $to, by: PRIORITY) {
        key count open acknowledged resolved mttaSeconds mttrSeconds } }`,
      { from: new Date(t0.getTime() - 3_600_000).toISOString(), to: new Date(t0.getTime() + 3_600_000).toISOString() },
    );
    expect(response.errors).toBeUndefined();
    const rows = await plant.db.prisma.andonEvent.findMany();
    const byPriority = Object.fromEntries(response.data!.andonStatistics.map((g) => [g.key, g]));
    for (const priority of ["LOW", "MEDIUM", "HIGH", "CRITICAL"]) {
      const of = rows.filter((r) => r.priority === priority);
      const acked = of.filter((r) => r.acknowledgedAt);
      const mtta =
        acked.length === 0
          ? null
          : acked.reduce((sum, r) => sum + (r.acknowledgedAt!.getTime() - r.raisedAt.getTime()) / 1000, 0) /
            acked.length;
      expect(byPriority[priority]).toMatchObject({ count: of.length, acknowledged: acked.length, mttaSeconds: mtta });
    }
    expect(byPriority.HIGH).toMatchObject({ mttaSeconds: 30 });
  });
  it("notifies the people assigned to the shift on duty when a level names a shift, and groups statistics by that shift", async () => {
    const at = clock.now();
    const onDuty = await plant.db.prisma.shiftInstance.findFirstOrThrow({
      where: { startsAt: { lte: at }, endsAt: { gt: at } },
      include: { shift: true },
    });
    await plant.db.prisma.shiftAssignment.create({
      data: {
        shiftInstanceId: onDuty.id,
        userId: await plant.userIdOf("technician"),
        lineId,
        role: "MAINTENANCE_TECHNICIAN",
      },
    });
    const created = await call<{ createEscalationRule: Result }>(await plant.tokenOf("admin"), CREATE_RULE, {
      input: {
        ...RULE_INPUT,
        name: "Bagging material: the shift on duty",
        priority: "LOW",
        andonType: "MATERIAL",
        lineId,
        levels: [{ ...RULE_INPUT.levels[0], recipients: [{ kind: "SHIFT", shiftId: onDuty.shiftId }] }],
      },
    });
    expect(created.data?.createEscalationRule.__typename).toBe("MutationCreateEscalationRuleSuccess");
    const andon = await raise(operator, { lineId, type: "MATERIAL", priority: "LOW" });
    clock.set(new Date(at.getTime() + 30_000));
    expect(await subgraph.scheduler.runDue()).toBeGreaterThanOrEqual(1);
    const notified = await plant.db.prisma.notification.findMany({
      where: { andonId: String(andon.data!.id), channel: "IN_APP" },
      include: { user: true },
    });
    // Everyone on the roster of the shift on duty for this line or the whole site (the demo roster, and
    // the technician added here), no one else.
    const rostered = await plant.db.prisma.shiftAssignment.findMany({
      where: { shiftInstanceId: onDuty.id, OR: [{ lineId: null }, { lineId }], user: { active: true } },
      include: { user: true },
    });
    const expected = [...new Set(rostered.map((assignment) => assignment.user.username))].sort();
    expect(expected).toContain("technician");
    expect(notified.map((n) => n.user.username).sort()).toEqual(expected);

    const window = { from: new Date(at.getTime() - 60_000), to: new Date(at.getTime() + 60_000) };
    const response = await call<{ andonStatistics: { key: string | null; count: number }[] }>(
      await plant.tokenOf("viewer"),
      `query ($from: DateTime!, $to: DateTime!) { andonStatistics(from: $from, to: $to, by: SHIFT) { key count } }`,
      { from: window.from.toISOString(), to: window.to.toISOString() },
    );
    // Every andon of the window was raised during this one shift.
    const raised = await plant.db.prisma.andonEvent.count({ where: { raisedAt: { gte: window.from, lt: window.to } } });
    expect(response.data?.andonStatistics).toEqual([{ key: onDuty.shift.name, count: raised }]);
  });
});
