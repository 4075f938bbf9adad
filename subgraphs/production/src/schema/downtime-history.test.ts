// Splitting, merging and reclassifying past stops through the signed production subgraph, as the
// gateway calls it: permissions guard the edits, refusals come back as typed results, and the
// history query shows the lineage both ways.
import { randomUUID } from "node:crypto";
import type { TestDatabase } from "@ms5/db/test-database";
import { createLogger, type RedisClient } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, issueAccessToken, type SigningKeyRing } from "@ms5/kit/auth";
import type { Role } from "@ms5/schema";
import { STREAM_SCHEMA_VERSION } from "@ms5/schema";
import { parseStreamEntry } from "@ms5/schema/stream-entries";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyTelemetryEntry } from "../line-state/apply-telemetry-entry.ts";
import { recomputeOeeRecords } from "../oee-records/recompute-oee-records.ts";
import { createProductionSubgraph, type ProductionSubgraph } from "../production-subgraph.ts";
import { openSeededTestPlant, signedGraphQLCaller } from "../testing/production-test-plant.ts";

const GATEWAY_SECRET = "downtime-history-test-gateway-secret-0123456789";
const logger = createLogger({ service: "production-test", level: "silent" });
const HOUR_MS = 3_600_000;

interface GraphQLBody {
  data?: Record<string, Record<string, unknown>> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

describe("downtime history through GraphQL", () => {
  const testRun = inject("testRun");
  // Three hours ago, on the hour: every edited stop lies wholly in the past.
  const t0 = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 3 * HOUR_MS;
  const at = (seconds: number) => new Date(t0 + seconds * 1000);
  let db: TestDatabase;
  let redis: RedisClient;
  let keys: SigningKeyRing;
  let subgraph: ProductionSubgraph;
  let tokens: { supervisor: string; operator: string; viewer: string };
  let supervisorId: string;
  let bagger: { id: string; lineId: string };

  const call = signedGraphQLCaller<GraphQLBody>(() => subgraph.server.url, GATEWAY_SECRET);

  async function snapshot() {
    const [events, audits, lineage, records] = await Promise.all([
      db.prisma.downtimeEvent.findMany({ orderBy: { id: "asc" } }),
      db.prisma.downtimeEventAudit.findMany({ orderBy: { id: "asc" } }),
      db.prisma.downtimeLineage.findMany({ orderBy: { id: "asc" } }),
      db.prisma.oeeRecord.findMany({ orderBy: { id: "asc" } }),
    ]);
    return { events, audits, lineage, records };
  }
  const stopStartingAt = (seconds: number) =>
    db.prisma.downtimeEvent.findFirstOrThrow({
      where: { equipmentId: bagger.id, startedAt: at(seconds), supersededAt: null },
    });

  const SPLIT = `mutation ($id: ID!, $at: DateTime!, $reasons: DowntimeSplitReasonsInput, $note: String!) {
    splitDowntimeEvent(downtimeEventId: $id, at: $at, reasons: $reasons, note: $note) {
      __typename
      ... on ExpectedError { code message }
      ... on SplitInstantOutsideEvent { startedAt endedAt }
      ... on MutationSplitDowntimeEventSuccess {
        data { operationId superseded { id supersededAt } first { id startedAt endedAt isMicroStop reason { code } } second { id startedAt endedAt } }
      }
    }
  }`;
  const MERGE = `mutation ($ids: [ID!]!, $note: String!) {
    mergeDowntimeEvents(downtimeEventIds: $ids, note: $note) {
      __typename
      ... on ExpectedError { code message }
      ... on MergeGapTooLong { gapSeconds maxGapSeconds }
      ... on MutationMergeDowntimeEventsSuccess { data { merged { id startedAt endedAt } superseded { id } } }
    }
  }`;
  const RECLASSIFY = `mutation ($id: ID!, $reason: ID!, $note: String!) {
    reclassifyDowntimeEvent(downtimeEventId: $id, reasonCodeId: $reason, note: $note) {
      __typename
      ... on ExpectedError { code message }
    }
  }`;
  const HISTORY = `query ($id: ID!) {
    downtimeEventHistory(downtimeEventId: $id) {
      __typename
      ... on ExpectedError { code }
      ... on QueryDowntimeEventHistorySuccess {
        data {
          event { id supersededAt }
          audits { action actor { userId name } note before after }
          producedBy { operation operationId reason performedBy { userId } source { id } result { id } }
          replacedBy { operation operationId reason performedBy { userId name } source { id } result { id } }
        }
      }
    }
  }`;

  beforeAll(async () => {
    ({ db, redis } = await openSeededTestPlant(testRun, new Date(t0)));
    keys = await createSigningKeyRing([await generateSigningKey()]);
    const tokenFor = async (username: string, roles: Role[]) => {
      const user = await db.prisma.user.findUniqueOrThrow({ where: { username } });
      return {
        id: user.id,
        token: (await issueAccessToken(keys, { kind: "user", userId: user.id, name: username, roles })).token,
      };
    };
    const supervisor = await tokenFor("smanager", ["SHIFT_MANAGER"]);
    supervisorId = supervisor.id;
    tokens = {
      supervisor: supervisor.token,
      operator: (await tokenFor("operator", ["OPERATOR"])).token,
      viewer: (await tokenFor("viewer", ["VIEWER"])).token,
    };
    bagger = await db.prisma.equipment.findUniqueOrThrow({
      where: { code: "BAGGER-1" },
      select: { id: true, lineId: true },
    });
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

    // A 20-minute jam from 00:10, then a 3-minute stop at 00:40 and another at 00:50, seven minutes apart.
    let seq = 0;
    const telemetry = (seconds: number, state: "RUNNING" | "DOWN") =>
      applyTelemetryEntry(
        db.prisma,
        parseStreamEntry("telemetry", {
          v: STREAM_SCHEMA_VERSION,
          plc: "PLC-BAG1",
          seq: String(++seq),
          equipment: "BAGGER-1",
          line: "bagging-1",
          ts: String(t0 + seconds * 1000),
          type: "state",
          state,
          stateCode: state === "RUNNING" ? "1" : "3",
          ...(state === "DOWN" ? { firstOutFaultCode: "BG-004", firstOutFaultBit: "4" } : {}),
        }),
        { stream: "test", id: `${t0}-${seq}`, group: "production" },
        { ...bagger, isConstraint: true, microStopThresholdSeconds: 120 },
      );
    await telemetry(0, "RUNNING");
    await telemetry(600, "DOWN");
    await telemetry(1800, "RUNNING");
    await telemetry(2400, "DOWN");
    await telemetry(2580, "RUNNING");
    await telemetry(3000, "DOWN");
    await telemetry(3180, "RUNNING");
    await recomputeOeeRecords(db.prisma, { equipmentId: bagger.id, from: at(0), to: at(3600), bucket: "HOUR" });
  });
  afterAll(async () => {
    await subgraph?.close();
    redis?.destroy();
    await db?.drop();
  });

  it("refuses an operator splitting, merging or reclassifying a past stop with FORBIDDEN, and changes nothing", async () => {
    const jam = await stopStartingAt(600);
    const later = await stopStartingAt(2400);
    const minor = await db.prisma.reasonCode.findUniqueOrThrow({ where: { code: "UNPL-MINOR" } });
    const before = await snapshot();
    const attempts = [
      await call(tokens.operator, SPLIT, { id: jam.id, at: at(900).toISOString(), note: "mine now" }),
      await call(tokens.operator, MERGE, { ids: [jam.id, later.id], note: "mine now" }),
      await call(tokens.operator, RECLASSIFY, { id: jam.id, reason: minor.id, note: "mine now" }),
    ];
    for (const body of attempts) expect(body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await snapshot()).toEqual(before);
  });

  it("answers malformed ids with BAD_USER_INPUT and a split instant outside the stop with SplitInstantOutsideEvent, changing nothing", async () => {
    const jam = await stopStartingAt(600);
    const before = await snapshot();
    const malformed = await call(tokens.supervisor, SPLIT, { id: "42", at: at(900).toISOString(), note: "why" });
    expect(malformed.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const badMerge = await call(tokens.supervisor, MERGE, { ids: [jam.id, "nope"], note: "why" });
    expect(badMerge.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const outside = await call(tokens.supervisor, SPLIT, { id: jam.id, at: at(1800).toISOString(), note: "why" });
    expect(outside.data?.splitDowntimeEvent).toMatchObject({
      __typename: "SplitInstantOutsideEvent",
      code: "BAD_USER_INPUT",
      startedAt: at(600).toISOString(),
      endedAt: at(1800).toISOString(),
    });
    const unknown = await call(tokens.supervisor, SPLIT, { id: randomUUID(), at: at(900).toISOString(), note: "why" });
    expect(unknown.data?.splitDowntimeEvent).toMatchObject({ __typename: "NotFound", code: "NOT_FOUND" });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses merging stops seven minutes apart with MergeGapTooLong, changing nothing", async () => {
    const [first, second] = [await stopStartingAt(2400), await stopStartingAt(3000)];
    const before = await snapshot();
    const body = await call(tokens.supervisor, MERGE, { ids: [first.id, second.id], note: "one stop?" });
    expect(body.data?.mergeDowntimeEvents).toMatchObject({
      __typename: "MergeGapTooLong",
      code: "BAD_USER_INPUT",
      gapSeconds: 420,
      maxGapSeconds: 300,
    });
    expect(await snapshot()).toEqual(before);
  });

  it("lets a supervisor split a stop, and its history shows the lineage both ways with who, when and why", async () => {
    const jam = await stopStartingAt(600);
    const minor = await db.prisma.reasonCode.findUniqueOrThrow({ where: { code: "UNPL-MINOR" } });
    const body = await call(tokens.supervisor, SPLIT, {
      id: jam.id,
      at: at(660).toISOString(),
      reasons: { first: minor.id },
      note: "The first minute was a film wrap.",
    });
    expect(body.errors).toBeUndefined();
    const split = (body.data!.splitDowntimeEvent as { data: Record<string, Record<string, unknown>> }).data;
    expect(split.superseded).toMatchObject({ id: jam.id });
    expect(split.first).toMatchObject({
      startedAt: at(600).toISOString(),
      endedAt: at(660).toISOString(),
      isMicroStop: true,
      reason: { code: "UNPL-MINOR" },
    });
    expect(split.second).toMatchObject({ startedAt: at(660).toISOString(), endedAt: at(1800).toISOString() });

    const original = await call(tokens.viewer, HISTORY, { id: jam.id });
    const history = (original.data!.downtimeEventHistory as { data: Record<string, unknown> }).data as {
      event: { supersededAt: string | null };
      audits: { action: string; actor: { userId: string } | null; note: string | null }[];
      producedBy: unknown[];
      replacedBy: { operation: string; reason: string; performedBy: { userId: string }; result: { id: string } }[];
    };
    expect(history.event.supersededAt).not.toBeNull();
    expect(history.producedBy).toEqual([]);
    expect(history.replacedBy.map((link) => link.result.id).sort()).toEqual(
      [split.first!.id as string, split.second!.id as string].sort(),
    );
    expect(history.replacedBy[0]).toMatchObject({
      operation: "SPLIT",
      reason: "The first minute was a film wrap.",
      performedBy: { userId: supervisorId },
    });
    expect(history.audits.at(-1)).toMatchObject({ action: "SPLIT", actor: { userId: supervisorId } });

    const part = await call(tokens.viewer, HISTORY, { id: split.second!.id });
    expect(part.data?.downtimeEventHistory).toMatchObject({
      data: {
        producedBy: [{ operation: "SPLIT", source: { id: jam.id }, performedBy: { userId: supervisorId } }],
        replacedBy: [],
      },
    });
    const missing = await call(tokens.viewer, HISTORY, { id: randomUUID() });
    expect(missing.data?.downtimeEventHistory).toMatchObject({ __typename: "NotFound" });
  });
});
