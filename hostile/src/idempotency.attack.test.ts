// Attacks on idempotency keys: another person's key returning their andon, a reused key swallowing
// a different andon, and a replayed acknowledgement taking an andon that was reopened since.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type HostilePlant, openHostilePlant } from "./hostile-plant.ts";

type Outcome = { __typename: string; code?: string; data?: { id: string; status: string; raisedBy?: unknown } };

const RAISE = `mutation($input: RaiseAndonInput!) { raiseAndon(input: $input) {
  __typename ... on ExpectedError { code } ... on MutationRaiseAndonSuccess { data { id status } } } }`;
const ACKNOWLEDGE = `mutation($id: ID!, $key: String) { acknowledgeAndon(andonId: $id, idempotencyKey: $key) {
  __typename ... on ExpectedError { code } ... on MutationAcknowledgeAndonSuccess { data { id status } } } }`;

describe("attacks on idempotency keys", () => {
  let plant: HostilePlant;
  let lineId: string;

  beforeAll(async () => {
    plant = await openHostilePlant(inject("testRun"));
    lineId = (await plant.prisma.line.findFirstOrThrow({ where: { active: true } })).id;
  });
  afterAll(async () => {
    await plant?.close();
  });

  async function raise(username: string, input: Record<string, unknown>): Promise<Outcome> {
    const answer = await plant.graphql<{ raiseAndon: Outcome }>(RAISE, {
      token: await plant.tokenOf(username),
      variables: { input: { lineId, ...input } },
    });
    return answer.body.data!.raiseAndon;
  }

  async function step(username: string, query: string, variables: Record<string, unknown>): Promise<Outcome> {
    const answer = await plant.graphql<Record<string, Outcome>>(query, {
      token: await plant.tokenOf(username),
      variables,
    });
    return Object.values(answer.body.data!)[0]!;
  }

  const andons = () => plant.prisma.andonEvent.findMany({ orderBy: { id: "asc" } });
  const history = () => plant.prisma.andonEventHistory.findMany({ orderBy: { id: "asc" } });

  it("another operator sending my key gets an andon of their own, never mine", async () => {
    const mine = await raise("operator", { type: "HELP", priority: "LOW", idempotencyKey: "tablet-1:1" });
    expect(mine.__typename).toBe("MutationRaiseAndonSuccess");
    const mineBefore = await plant.prisma.andonEvent.findUniqueOrThrow({ where: { id: mine.data!.id } });

    const theirs = await raise("operator2", { type: "HELP", priority: "LOW", idempotencyKey: "tablet-1:1" });
    expect(theirs.__typename).toBe("MutationRaiseAndonSuccess");
    expect(theirs.data!.id).not.toBe(mine.data!.id);
    const theirsRow = await plant.prisma.andonEvent.findUniqueOrThrow({ where: { id: theirs.data!.id } });
    expect(theirsRow.raisedById).toBe(await plant.userIdOf("operator2"));
    expect(await plant.prisma.andonEvent.findUniqueOrThrow({ where: { id: mine.data!.id } })).toEqual(mineBefore);
  });

  it("a reused key with a different request is refused with CONFLICT and raises nothing; the same request returns the first andon", async () => {
    const first = await raise("operator", {
      type: "MATERIAL",
      priority: "MEDIUM",
      note: "out of film",
      idempotencyKey: "tablet-1:2",
    });
    expect(first.__typename).toBe("MutationRaiseAndonSuccess");
    const rowsBefore = await andons();
    const historyBefore = await history();

    for (const changed of [
      { type: "SAFETY", priority: "MEDIUM", note: "out of film" },
      { type: "MATERIAL", priority: "CRITICAL", note: "out of film" },
      { type: "MATERIAL", priority: "MEDIUM", note: "something else" },
    ]) {
      const reused = await raise("operator", { ...changed, idempotencyKey: "tablet-1:2" });
      expect(reused).toMatchObject({ __typename: "IdempotencyKeyReused", code: "CONFLICT" });
    }
    const retried = await raise("operator", {
      type: "MATERIAL",
      priority: "MEDIUM",
      note: "out of film",
      idempotencyKey: "tablet-1:2",
    });
    expect(retried).toEqual(first);
    expect(await andons()).toEqual(rowsBefore);
    expect(await history()).toEqual(historyBefore);
  });

  it("a replayed acknowledgement after the andon was resolved and reopened acknowledges nothing", async () => {
    const raised = await raise("operator", { type: "MAINTENANCE", priority: "HIGH", idempotencyKey: "tablet-1:3" });
    const andonId = raised.data!.id;
    const acknowledged = await step("technician", ACKNOWLEDGE, { id: andonId, key: "queue:ack-1" });
    expect(acknowledged).toMatchObject({ data: { status: "ACKNOWLEDGED" } });
    await step("technician", `mutation($id: ID!) { resolveAndon(andonId: $id, rootCause: "jam") { __typename } }`, {
      id: andonId,
    });
    const reopened = await step(
      "smanager",
      `mutation($id: ID!) { reopenAndon(andonId: $id, note: "jammed again") { __typename ... on MutationReopenAndonSuccess { data { status } } } }`,
      { id: andonId },
    );
    expect(reopened).toMatchObject({ data: { status: "OPEN" } });
    const andonBefore = await plant.prisma.andonEvent.findUniqueOrThrow({ where: { id: andonId } });
    const historyBefore = await history();
    const escalationsBefore = await plant.prisma.escalation.findMany({ where: { andonId }, orderBy: { id: "asc" } });

    // The offline queue's resend, hours later: answered as done, and the reopened andon stays OPEN.
    const replay = await step("technician", ACKNOWLEDGE, { id: andonId, key: "queue:ack-1" });
    expect(replay).toMatchObject({
      __typename: "MutationAcknowledgeAndonSuccess",
      data: { id: andonId, status: "OPEN" },
    });
    expect(await plant.prisma.andonEvent.findUniqueOrThrow({ where: { id: andonId } })).toEqual(andonBefore);
    expect(await history()).toEqual(historyBefore);
    expect(await plant.prisma.escalation.findMany({ where: { andonId }, orderBy: { id: "asc" } })).toEqual(
      escalationsBefore,
    );
  });

  it("an acknowledgement key reused for another andon is refused with CONFLICT and acknowledges nothing", async () => {
    const first = await raise("operator", { type: "QUALITY", priority: "LOW", idempotencyKey: "tablet-1:4" });
    const second = await raise("operator", { type: "QUALITY", priority: "MEDIUM", idempotencyKey: "tablet-1:5" });
    await step("technician", ACKNOWLEDGE, { id: first.data!.id, key: "queue:ack-2" });
    const before = await plant.prisma.andonEvent.findUniqueOrThrow({ where: { id: second.data!.id } });
    const historyBefore = await history();
    const reused = await step("technician", ACKNOWLEDGE, { id: second.data!.id, key: "queue:ack-2" });
    expect(reused).toMatchObject({ __typename: "IdempotencyKeyReused", code: "CONFLICT" });
    expect(await plant.prisma.andonEvent.findUniqueOrThrow({ where: { id: second.data!.id } })).toEqual(before);
    expect(await history()).toEqual(historyBefore);

    // Keys are per person: another responder's same key is theirs, and acknowledges the second andon.
    const other = await step("smanager", ACKNOWLEDGE, { id: second.data!.id, key: "queue:ack-2" });
    expect(other).toMatchObject({ data: { status: "ACKNOWLEDGED" } });
  });
});
