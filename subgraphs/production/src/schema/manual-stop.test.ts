// Stops entered by hand for equipment without a PLC, through the signed production subgraph as the
// gateway calls it: an overlap is refused with a typed result and writes nothing, equipment read from
// a PLC is refused, the stop lowers the equipment's OEE, and an open stop is ended later.
import type { TestDatabase } from "@ms5/db/test-database";
import { createLogger, type RedisClient } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, issueAccessToken, type SigningKeyRing } from "@ms5/kit/auth";
import type { Role } from "@ms5/schema";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { recomputeOeeRecords } from "../oee-records/recompute-oee-records.ts";
import { createProductionSubgraph, type ProductionSubgraph } from "../production-subgraph.ts";
import { openSeededTestPlant, signedGraphQLCaller } from "../testing/production-test-plant.ts";

const GATEWAY_SECRET = "manual-stop-test-gateway-secret-0123456789abcdef";
const logger = createLogger({ service: "production-test", level: "silent" });
const HOUR_MS = 3_600_000;

interface GraphQLBody {
  data?: Record<string, Record<string, unknown>> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const RECORD = `mutation ($input: RecordManualStopInput!) {
  recordManualStop(input: $input) {
    __typename
    ... on ExpectedError { code message }
    ... on InputInvalid { field }
    ... on ManualStopOverlaps { overlappingEventId overlappingStartedAt overlappingEndedAt }
    ... on MutationRecordManualStopSuccess { data { id startedAt endedAt source category reason { code } } }
  }
}`;
const END = `mutation ($id: ID!, $endedAt: DateTime!) {
  endManualStop(downtimeEventId: $id, endedAt: $endedAt) {
    __typename
    ... on ExpectedError { code message }
    ... on MutationEndManualStopSuccess { data { id endedAt } }
  }
}`;

describe("manual stops of equipment without a PLC", () => {
  const testRun = inject("testRun");
  // Three hours ago, on the hour: every stop entered lies wholly in the past.
  const t0 = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 3 * HOUR_MS;
  const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
  let db: TestDatabase;
  let redis: RedisClient;
  let keys: SigningKeyRing;
  let subgraph: ProductionSubgraph;
  let tokens: { operator: string; supervisor: string; viewer: string };
  let palletiser: { id: string; lineId: string };
  let bagger: { id: string };
  let reasonId: string;

  const call = signedGraphQLCaller<GraphQLBody>(() => subgraph.server.url, GATEWAY_SECRET);
  const record = (token: string, input: Record<string, unknown>) =>
    call(token, RECORD, { input: { equipmentId: palletiser.id, reasonCodeId: reasonId, ...input } });
  const stopsOfPalletiser = () =>
    db.prisma.downtimeEvent.findMany({ where: { equipmentId: palletiser.id }, orderBy: { startedAt: "asc" } });

  beforeAll(async () => {
    ({ db, redis } = await openSeededTestPlant(testRun, new Date(t0)));
    keys = await createSigningKeyRing([await generateSigningKey()]);
    const tokenFor = async (username: string, roles: Role[]) => {
      const user = await db.prisma.user.findUniqueOrThrow({ where: { username } });
      return (await issueAccessToken(keys, { kind: "user", userId: user.id, name: username, roles })).token;
    };
    tokens = {
      operator: await tokenFor("operator", ["OPERATOR"]),
      supervisor: await tokenFor("smanager", ["SHIFT_MANAGER"]),
      viewer: await tokenFor("viewer", ["VIEWER"]),
    };
    palletiser = await db.prisma.equipment.findUniqueOrThrow({
      where: { code: "PAL-1" },
      select: { id: true, lineId: true },
    });
    bagger = await db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" }, select: { id: true } });
    reasonId = (await db.prisma.reasonCode.findUniqueOrThrow({ where: { code: "UNPL-MECH-GRIP" } })).id;
    subgraph = await createProductionSubgraph({
      prisma: db.prisma,
      redis,
      logger,
      verificationKeys: keys,
      gatewaySecret: GATEWAY_SECRET,
      port: 0,
      production: false,
      telemetry: false,
    });
  });
  afterAll(async () => {
    await subgraph?.close();
    redis?.destroy();
    await db?.drop();
  });

  it("an operator records a 12-minute gripper stop of the palletiser, audited, with the reason's category and the operator as its source", async () => {
    const answer = await record(tokens.operator, { startedAt: at(10), endedAt: at(22), note: "Gripper lost vacuum" });
    expect(answer.data?.recordManualStop).toMatchObject({
      __typename: "MutationRecordManualStopSuccess",
      data: {
        startedAt: at(10),
        endedAt: at(22),
        source: "OPERATOR",
        category: "UNPLANNED",
        reason: { code: "UNPL-MECH-GRIP" },
      },
    });
    const [stop] = await stopsOfPalletiser();
    expect(stop).toMatchObject({ note: "Gripper lost vacuum", isMicroStop: false });
    const audits = await db.prisma.downtimeEventAudit.findMany({
      where: { eventId: stop!.id },
      orderBy: { id: "asc" },
    });
    expect(audits.map((audit) => audit.action)).toEqual(["OPENED", "CLOSED"]);
  });

  it("a stop overlapping another of the same equipment is refused as ManualStopOverlaps naming it, and nothing is written", async () => {
    const [existing] = await stopsOfPalletiser();
    const before = await db.prisma.downtimeEvent.count();
    for (const span of [
      { startedAt: at(5), endedAt: at(11) },
      { startedAt: at(21), endedAt: at(30) },
      { startedAt: at(12), endedAt: at(15) },
      { startedAt: at(0), endedAt: at(40) },
      { startedAt: at(15) },
    ]) {
      const answer = await record(tokens.operator, span);
      expect(answer.data?.recordManualStop).toMatchObject({
        __typename: "ManualStopOverlaps",
        code: "CONFLICT",
        overlappingEventId: existing!.id,
      });
    }
    expect(await db.prisma.downtimeEvent.count()).toBe(before);
    // Touching is not overlapping: spans are half-open.
    const touching = await record(tokens.operator, { startedAt: at(22), endedAt: at(25) });
    expect(touching.data?.recordManualStop).toMatchObject({ __typename: "MutationRecordManualStopSuccess" });
  });

  it("bad spans, an unknown reason and equipment read from a PLC are typed refusals that write nothing", async () => {
    const before = await db.prisma.downtimeEvent.count();
    const refusals = [
      await record(tokens.operator, { startedAt: at(50), endedAt: at(45) }),
      await record(tokens.operator, { startedAt: new Date(Date.now() + 3_600_000).toISOString() }),
      await record(tokens.operator, { startedAt: at(50), endedAt: new Date(Date.now() + 3_600_000).toISOString() }),
      await record(tokens.operator, {
        startedAt: new Date(Date.now() - 30 * 86_400_000).toISOString(),
        endedAt: at(0),
      }),
      await record(tokens.operator, { startedAt: at(50), endedAt: at(55), reasonCodeId: palletiser.id }),
      await call(tokens.operator, RECORD, {
        input: { equipmentId: bagger.id, reasonCodeId: reasonId, startedAt: at(50), endedAt: at(55) },
      }),
    ].map((answer) => {
      const result = answer.data?.recordManualStop as { __typename: string; code: string; field?: string };
      return [result.__typename, result.code, result.field ?? null];
    });
    expect(refusals).toEqual([
      ["InputInvalid", "BAD_USER_INPUT", "endedAt"],
      ["InputInvalid", "BAD_USER_INPUT", "startedAt"],
      ["InputInvalid", "BAD_USER_INPUT", "endedAt"],
      ["InputInvalid", "BAD_USER_INPUT", "startedAt"],
      ["NotFound", "NOT_FOUND", null],
      ["EquipmentHasPlc", "INVALID_STATE_TRANSITION", null],
    ]);
    expect(await db.prisma.downtimeEvent.count()).toBe(before);
  });

  it("a viewer may not record a stop: FORBIDDEN, and nothing is written", async () => {
    const before = await db.prisma.downtimeEvent.count();
    const answer = await record(tokens.viewer, { startedAt: at(70), endedAt: at(75) });
    expect(answer.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await db.prisma.downtimeEvent.count()).toBe(before);
  });

  it("the palletiser's hour counts its hand-entered stops as breakdowns: 15 of 60 minutes down is availability 0.75", async () => {
    const [hour] = await recomputeOeeRecords(db.prisma, {
      equipmentId: palletiser.id,
      from: new Date(t0),
      to: new Date(t0 + HOUR_MS),
      bucket: "HOUR",
    });
    expect(hour).toMatchObject({ breakdownSeconds: 15 * 60, plannedProductionSeconds: 3600, availability: 0.75 });
    const stored = await db.prisma.oeeRecord.findFirstOrThrow({
      where: { equipmentId: palletiser.id, bucket: "HOUR", bucketStart: new Date(t0) },
    });
    expect(stored.availability).toBeCloseTo(0.75, 6);
  });

  it("a supervisor records a stop still going on, which blocks any stop after its start until it is ended, cannot end before it started, and ends once", async () => {
    const later = await record(tokens.supervisor, { startedAt: at(120), endedAt: at(130) });
    expect(later.data?.recordManualStop).toMatchObject({ data: { source: "SUPERVISOR" } });
    const open = await record(tokens.supervisor, { startedAt: at(100) });
    // An open stop runs on without an end, so one starting before a recorded later stop overlaps it.
    expect(open.data?.recordManualStop).toMatchObject({ __typename: "ManualStopOverlaps" });
    const openEarlier = await record(tokens.supervisor, { startedAt: at(140) });
    const { id } = (openEarlier.data!.recordManualStop as { data: { id: string; endedAt: string | null } }).data;
    expect((await db.prisma.downtimeEvent.findUniqueOrThrow({ where: { id } })).endedAt).toBeNull();

    const backwards = await call(tokens.supervisor, END, { id, endedAt: at(139) });
    expect(backwards.data?.endManualStop).toMatchObject({ __typename: "InputInvalid", code: "BAD_USER_INPUT" });
    const ended = await call(tokens.supervisor, END, { id, endedAt: at(150) });
    expect(ended.data?.endManualStop).toMatchObject({ data: { id, endedAt: at(150) } });
    const again = await call(tokens.supervisor, END, { id, endedAt: at(155) });
    expect(again.data?.endManualStop).toMatchObject({ __typename: "ManualStopNotOpen" });
    expect((await db.prisma.downtimeEvent.findUniqueOrThrow({ where: { id } })).endedAt?.toISOString()).toBe(at(150));
  });
});
