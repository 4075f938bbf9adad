// The production subgraph served on a real port against real PostgreSQL and Redis, called as the
// gateway calls it: the plant with live state, confirming a stop's reason with its audit trail and
// OEE recompute, refusals that change nothing, OEE trends, and the committed SDL.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { TestDatabase } from "@ms5/db/test-database";
import { createLogger, type RedisClient } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, issueAccessToken, type SigningKeyRing } from "@ms5/kit/auth";
import { printSubgraphSdl } from "@ms5/kit/subgraph";
import { testRedisPrefix } from "@ms5/kit/testing";
import type { Role } from "@ms5/schema";
import { deadLetterStreamKey, STREAM_SCHEMA_VERSION, streamKey } from "@ms5/schema";
import { parseStreamEntry } from "@ms5/schema/stream-entries";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyTelemetryEntry } from "./line-state/apply-telemetry-entry.ts";
import { createProductionSubgraph, PRODUCTION_SDL_PATH, type ProductionSubgraph } from "./production-subgraph.ts";
import { schema } from "./schema/index.ts";
import { openSeededTestPlant, plcStateFields, signedGraphQLCaller } from "./testing/production-test-plant.ts";

const GATEWAY_SECRET = "production-test-gateway-secret-0123456789abcdef";
const logger = createLogger({ service: "production-test", level: "silent" });
const HOUR_MS = 3_600_000;

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

describe("the production subgraph", () => {
  const testRun = inject("testRun");
  const { runId } = testRun;
  const keyPrefix = `${testRedisPrefix(runId)}production-subgraph:`;
  // Two hours ago, on the hour: the stop's hour bucket lies wholly in the past.
  const t0 = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 2 * HOUR_MS;
  let db: TestDatabase;
  let redis: RedisClient;
  let keys: SigningKeyRing;
  let subgraph: ProductionSubgraph;
  let tokens: { viewer: string; operator: string };
  let operatorId: string;
  let bagger: { id: string; lineId: string };

  async function tokenFor(userId: string, roles: Role[], name: string): Promise<string> {
    return (await issueAccessToken(keys, { kind: "user", userId, name, roles })).token;
  }

  const call = signedGraphQLCaller<GraphQLBody>(() => subgraph.server.url, GATEWAY_SECRET);

  let seq = 0;
  async function telemetry(atSeconds: number, fields: Record<string, string>) {
    seq++;
    const entry = parseStreamEntry("telemetry", {
      v: STREAM_SCHEMA_VERSION,
      plc: "PLC-BAG1",
      seq: String(seq),
      equipment: "BAGGER-1",
      line: "bagging-1",
      ts: String(t0 + atSeconds * 1000),
      ...fields,
    });
    await applyTelemetryEntry(
      db.prisma,
      entry,
      { stream: streamKey("bagging-1", "telemetry", keyPrefix), id: `${t0}-${seq}`, group: "production" },
      { ...bagger, isConstraint: true, microStopThresholdSeconds: 120 },
    );
  }

  /** Everything confirming a reason may touch, to show a refused call changed nothing. */
  async function snapshot() {
    const [events, audits, records] = await Promise.all([
      db.prisma.downtimeEvent.findMany({ orderBy: { id: "asc" } }),
      db.prisma.downtimeEventAudit.findMany({ orderBy: { id: "asc" } }),
      db.prisma.oeeRecord.findMany({ orderBy: { id: "asc" } }),
    ]);
    return { events, audits, records };
  }

  const CONFIRM = `mutation ($id: ID!, $reason: ID!, $key: String) {
    confirmDowntimeReason(downtimeEventId: $id, reasonCodeId: $reason, idempotencyKey: $key) {
      __typename
      ... on ExpectedError { code message }
      ... on MutationConfirmDowntimeReasonSuccess {
        data { id reason { code } suggestedReason { code } confirmedBy { userId name } confirmedAt }
      }
    }
  }`;

  beforeAll(async () => {
    ({ db, redis } = await openSeededTestPlant(testRun, new Date(t0)));
    keys = await createSigningKeyRing([await generateSigningKey()]);
    const operator = await db.prisma.user.findUniqueOrThrow({ where: { username: "operator" } });
    const viewer = await db.prisma.user.findUniqueOrThrow({ where: { username: "viewer" } });
    operatorId = operator.id;
    tokens = {
      operator: await tokenFor(operator.id, ["OPERATOR"], "Operator One"),
      viewer: await tokenFor(viewer.id, ["VIEWER"], "Viewer One"),
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
      telemetry: { consumerName: `test-${randomUUID()}`, keyPrefix, settings: { blockMs: 100 } },
    });
    // A jaw jam: running, down for five minutes with first-out fault BG-004, running again.
    await telemetry(0, plcStateFields("RUNNING", { stateCode: "1" }));
    await telemetry(
      600,
      plcStateFields("DOWN", { stateCode: "3", firstOutFaultCode: "BG-004", firstOutFaultBit: "4" }),
    );
    await telemetry(900, plcStateFields("RUNNING", { stateCode: "1" }));
  });

  afterAll(async () => {
    await subgraph?.close();
    redis?.destroy();
    await db?.drop();
  });

  it("shows a viewer the lines, a page at a time, with their live state and their equipment's", async () => {
    const query = `query ($after: String) {
      lines(first: 2, after: $after) {
        edges { cursor node { code liveState { state since } equipment { code liveState { state commsOk } } } }
        pageInfo { hasNextPage endCursor }
      }
    }`;
    const first = await call(tokens.viewer, query);
    expect(first.errors).toBeUndefined();
    const page = first.data?.lines as {
      edges: { node: { code: string; liveState: { state: string; since: string } | null; equipment: unknown[] } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string };
    };
    expect(page.edges.map((edge) => edge.node.code)).toEqual(["bagging-1", "bagging-2"]);
    expect(page.edges[0]?.node.liveState).toEqual({ state: "RUNNING", since: new Date(t0 + 900_000).toISOString() });
    expect(page.edges[0]?.node.equipment).toContainEqual({
      code: "BAGGER-1",
      liveState: { state: "RUNNING", commsOk: true },
    });
    expect(page.pageInfo.hasNextPage).toBe(true);

    const second = await call(tokens.viewer, query, { after: page.pageInfo.endCursor });
    const rest = second.data?.lines as { edges: { node: { code: string } }[]; pageInfo: { hasNextPage: boolean } };
    expect(rest.edges.map((edge) => edge.node.code)).toEqual(["loading-1"]);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it("refuses a malformed line id as BAD_USER_INPUT", async () => {
    const body = await call(tokens.viewer, `{ line(id: "not-a-uuid") { id } }`);
    expect(body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("lists the unconfirmed stop with the reason suggested from its first-out fault", async () => {
    const body = await call(
      tokens.viewer,
      `query ($line: ID!, $from: DateTime!, $to: DateTime!) {
        downtimeEvents(lineId: $line, from: $from, to: $to, unconfirmedOnly: true) {
          durationSeconds category isMicroStop source firstOutFaultCode suggestedReason { code } reason { code }
        }
      }`,
      { line: bagger.lineId, from: new Date(t0).toISOString(), to: new Date(t0 + HOUR_MS).toISOString() },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.downtimeEvents).toEqual([
      {
        durationSeconds: 300,
        category: "UNPLANNED",
        isMicroStop: false,
        source: "PLC",
        firstOutFaultCode: "BG-004",
        suggestedReason: { code: "UNPL-MECH-JAW" },
        reason: null,
      },
    ]);
  });

  it("answers an unknown reason id with NotFound and changes nothing", async () => {
    const stop = await db.prisma.downtimeEvent.findFirstOrThrow({ where: { equipmentId: bagger.id } });
    const before = await snapshot();
    const body = await call(tokens.operator, CONFIRM, { id: stop.id, reason: randomUUID() });
    expect(body.errors).toBeUndefined();
    expect(body.data?.confirmDowntimeReason).toMatchObject({ __typename: "NotFound", code: "NOT_FOUND" });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a viewer confirming a reason with FORBIDDEN and changes nothing", async () => {
    const stop = await db.prisma.downtimeEvent.findFirstOrThrow({ where: { equipmentId: bagger.id } });
    const jaw = await db.prisma.reasonCode.findUniqueOrThrow({ where: { code: "UNPL-MECH-JAW" } });
    const before = await snapshot();
    const body = await call(tokens.viewer, CONFIRM, { id: stop.id, reason: jaw.id });
    expect(body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(body.data?.confirmDowntimeReason ?? null).toBeNull();
    expect(await snapshot()).toEqual(before);
  });

  it("answers an unknown downtime event with NotFound, and a malformed id with BAD_USER_INPUT", async () => {
    const jaw = await db.prisma.reasonCode.findUniqueOrThrow({ where: { code: "UNPL-MECH-JAW" } });
    const unknown = await call(tokens.operator, CONFIRM, { id: randomUUID(), reason: jaw.id });
    expect(unknown.data?.confirmDowntimeReason).toMatchObject({ __typename: "NotFound" });
    const malformed = await call(tokens.operator, CONFIRM, { id: "42", reason: jaw.id });
    expect(malformed.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("lets an operator confirm the suggested reason: the audit trail records it and the hour's OEE is recomputed", async () => {
    const stop = await db.prisma.downtimeEvent.findFirstOrThrow({ where: { equipmentId: bagger.id } });
    const jaw = await db.prisma.reasonCode.findUniqueOrThrow({ where: { code: "UNPL-MECH-JAW" } });
    const body = await call(tokens.operator, CONFIRM, { id: stop.id, reason: jaw.id, key: "tablet-1:confirm-1" });
    expect(body.errors).toBeUndefined();
    expect(body.data?.confirmDowntimeReason).toMatchObject({
      __typename: "MutationConfirmDowntimeReasonSuccess",
      data: {
        id: stop.id,
        reason: { code: "UNPL-MECH-JAW" },
        suggestedReason: { code: "UNPL-MECH-JAW" },
        confirmedBy: { userId: operatorId },
      },
    });
    const audits = await db.prisma.downtimeEventAudit.findMany({ where: { eventId: stop.id, actorId: operatorId } });
    expect(audits.map((audit) => audit.action)).toEqual(["REASON_CONFIRMED"]);
    const hour = await db.prisma.oeeRecord.findUniqueOrThrow({
      where: {
        subjectKey_bucket_bucketStart: {
          subjectKey: `LINE:${bagger.lineId}:*`,
          bucket: "HOUR",
          bucketStart: new Date(t0),
        },
      },
    });
    // Planned 3,600 s; down 300 s from 10:00 to 15:00 past the hour, as a breakdown.
    expect(hour.breakdownSeconds).toBe(300);
    expect(hour.availability).toBeCloseTo(3_300 / 3_600, 6);

    // The tablet retries the same call: nothing new is written.
    const retried = await call(tokens.operator, CONFIRM, { id: stop.id, reason: jaw.id, key: "tablet-1:confirm-1" });
    expect(retried.data?.confirmDowntimeReason).toMatchObject({ __typename: "MutationConfirmDowntimeReasonSuccess" });
    expect(await db.prisma.downtimeEventAudit.count({ where: { eventId: stop.id, actorId: operatorId } })).toBe(1);
  });

  it("reclassifying the stop as a setup adjustment moves its loss in the recomputed hour", async () => {
    const stop = await db.prisma.downtimeEvent.findFirstOrThrow({ where: { equipmentId: bagger.id } });
    const adjust = await db.prisma.reasonCode.findUniqueOrThrow({ where: { code: "CHG-ADJUST" } });
    const body = await call(tokens.operator, CONFIRM, { id: stop.id, reason: adjust.id });
    expect(body.data?.confirmDowntimeReason).toMatchObject({ data: { reason: { code: "CHG-ADJUST" } } });
    const audits = await db.prisma.downtimeEventAudit.findMany({
      where: { eventId: stop.id, actorId: operatorId },
      orderBy: { id: "asc" },
    });
    expect(audits.map((audit) => audit.action)).toEqual(["REASON_CONFIRMED", "RECLASSIFIED"]);

    const trend = await call(
      tokens.viewer,
      `query ($line: ID!, $from: DateTime!, $to: DateTime!) {
        oeeTrend(lineId: $line, bucket: HOUR, from: $from, to: $to) {
          bucketStart availability oee plannedProductionSeconds
          losses { breakdownSeconds setupAdjustmentSeconds smallStopSeconds }
        }
      }`,
      { line: bagger.lineId, from: new Date(t0).toISOString(), to: new Date(t0 + HOUR_MS).toISOString() },
    );
    expect(trend.errors).toBeUndefined();
    expect(trend.data?.oeeTrend).toEqual([
      expect.objectContaining({
        bucketStart: new Date(t0).toISOString(),
        plannedProductionSeconds: 3_600,
        losses: { breakdownSeconds: 0, setupAdjustmentSeconds: 300, smallStopSeconds: 0 },
      }),
    ]);
  });

  it("answers a superseded stop with INVALID_STATE_TRANSITION and changes nothing", async () => {
    const stop = await db.prisma.downtimeEvent.findFirstOrThrow({ where: { equipmentId: bagger.id } });
    const jaw = await db.prisma.reasonCode.findUniqueOrThrow({ where: { code: "UNPL-MECH-JAW" } });
    await db.prisma.downtimeEvent.update({ where: { id: stop.id }, data: { supersededAt: new Date() } });
    try {
      const before = await snapshot();
      const body = await call(tokens.operator, CONFIRM, { id: stop.id, reason: jaw.id });
      expect(body.data?.confirmDowntimeReason).toMatchObject({
        __typename: "DowntimeEventSuperseded",
        code: "INVALID_STATE_TRANSITION",
      });
      expect(await snapshot()).toEqual(before);
    } finally {
      await db.prisma.downtimeEvent.update({ where: { id: stop.id }, data: { supersededAt: null } });
    }
  });

  it("stays healthy with a warning while a dead letter waits, and counts it in /metrics", async () => {
    const base = subgraph.server.url.replace(/\/graphql$/, "");
    const healthy = await (await fetch(`${base}/health`)).json();
    expect(healthy).toMatchObject({ status: "ok", checks: { streams: { ok: true } }, warnings: [] });

    await redis.xAdd(streamKey("bagging-1", "telemetry", keyPrefix), "*", {
      v: STREAM_SCHEMA_VERSION,
      type: "counts",
      plc: "PLC-BAG1",
      seq: "1",
      equipment: "BAGGER-404",
      line: "bagging-1",
      ts: String(t0),
      goodDelta: "1",
      rejectDelta: "0",
    });
    const deadLetters = deadLetterStreamKey("production", keyPrefix);
    for (let i = 0; i < 400 && (await redis.xLen(deadLetters)) === 0; i++) await new Promise((r) => setTimeout(r, 25));

    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    const report = (await response.json()) as { status: string; warnings: string[] };
    expect(report.status).toBe("ok");
    expect(report.warnings).toEqual([expect.stringContaining("1 dead letter(s)")]);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('ms5_stream_dead_letters{group="production",service="production"} 1');
    expect(metrics).toContain("ms5_stream_entries_trimmed_before_ack");
  });

  it("serves the reason tree from its roots", async () => {
    const body = await call(
      tokens.viewer,
      "{ reasonCodes { code parent { code } children { code children { code sixBigLoss parent { code } } } } }",
    );
    expect(body.errors).toBeUndefined();
    type Node = { code: string; parent?: { code: string } | null; sixBigLoss?: string; children?: Node[] };
    const roots = body.data?.reasonCodes as Node[];
    expect(roots.every((root) => root.parent === null)).toBe(true);
    const leaves = roots.flatMap((root) => root.children ?? []).flatMap((branch) => branch.children ?? []);
    expect(leaves).toContainEqual({ code: "UNPL-MECH-JAW", sixBigLoss: "BREAKDOWN", parent: { code: "UNPL-MECH" } });
  });
});

describe("the production subgraph's SDL", () => {
  it("is committed, declares Line and Equipment as entities, and is not stale", async () => {
    const committed = await readFile(PRODUCTION_SDL_PATH, "utf8").catch(() => "");
    expect(committed).toMatch(/type Line\s+@key\(fields: "id"\)/);
    expect(committed).toMatch(/type Equipment\s+@key\(fields: "id"\)/);
    // Stale when the schema changed without `pnpm --filter @ms5/production print-sdl`.
    expect(printSubgraphSdl(schema)).toBe(committed);
  });
});
