// Bad input to the downtime API as a client sends it, through the real gateway: each attempt is a
// typed error with a documented code, and the database is exactly as it was. Complements the
// subgraph-level refusals (production-subgraph.test.ts, schema/downtime-history.test.ts) with the
// cases they leave out: retired reasons, a role without the permission, wrong state at the edge,
// bad ranges and subscriptions to lines that do not exist.
import { randomUUID } from "node:crypto";
import { createLogger } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, type SigningKeyRing } from "@ms5/kit/auth";
import { testRedisPrefix } from "@ms5/kit/testing";
import { openSeededTestPlant, type SeededTestPlant } from "@ms5/production/testing";
import { ERROR_CODES } from "@ms5/schema";
import { gatewaySubscriptionClient } from "@ms5/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { BAGGER, BAGGING_LINE } from "./emulated-bagging-line.ts";
import { type FloorGateway, floorToken, gatewayCall, startFloorGateway } from "./floor-gateway.ts";

const logger = createLogger({ service: "downtime-bad-input-test", level: "silent" });
const MINUTE = 60_000;

const CONFIRM = `mutation ($id: ID!, $reason: ID!) {
  confirmDowntimeReason(downtimeEventId: $id, reasonCodeId: $reason) { __typename ... on ExpectedError { code } }
}`;
const SPLIT = `mutation ($id: ID!, $at: DateTime!) {
  splitDowntimeEvent(downtimeEventId: $id, at: $at, note: "split it") { __typename ... on ExpectedError { code } }
}`;
const MERGE = `mutation ($ids: [ID!]!) {
  mergeDowntimeEvents(downtimeEventIds: $ids, note: "one stop") { __typename ... on ExpectedError { code } }
}`;
const RECLASSIFY = `mutation ($id: ID!, $reason: ID!) {
  reclassifyDowntimeEvent(downtimeEventId: $id, reasonCodeId: $reason, note: "really") {
    __typename ... on ExpectedError { code }
  }
}`;
const EVENTS = `query ($lineId: ID!, $from: DateTime!, $to: DateTime!) {
  downtimeEvents(lineId: $lineId, from: $from, to: $to) { id }
}`;

describe("bad input to the downtime API through the gateway", () => {
  const testRun = inject("testRun");
  const keyPrefix = `${testRedisPrefix(testRun.runId)}bad-input-${randomUUID().slice(0, 8)}:`;
  let plant: SeededTestPlant;
  let keys: SigningKeyRing;
  let floor: FloorGateway;
  let tokens: { operator: string; supervisor: string; inspector: string };
  let lineId: string;
  let closedStop: string;
  let openStop: string;
  let retiredReason: string;
  let activeReason: string;

  /** Everything these mutations may touch. */
  async function snapshot() {
    const prisma = plant.db.prisma;
    const [events, audits, lineage, records] = await Promise.all([
      prisma.downtimeEvent.findMany({ orderBy: { id: "asc" } }),
      prisma.downtimeEventAudit.findMany({ orderBy: { id: "asc" } }),
      prisma.downtimeLineage.findMany({ orderBy: { id: "asc" } }),
      prisma.oeeRecord.findMany({ orderBy: { id: "asc" } }),
    ]);
    return { events, audits, lineage, records };
  }

  beforeAll(async () => {
    const now = Date.now();
    plant = await openSeededTestPlant(testRun, new Date(now));
    const prisma = plant.db.prisma;
    keys = await createSigningKeyRing([await generateSigningKey()]);
    tokens = {
      operator: await floorToken(keys, prisma, "operator", ["OPERATOR"]),
      supervisor: await floorToken(keys, prisma, "smanager", ["SHIFT_MANAGER"]),
      inspector: await floorToken(keys, prisma, "inspector", ["QUALITY_INSPECTOR"]),
    };
    const bagger = await prisma.equipment.findUniqueOrThrow({ where: { code: BAGGER.code } });
    lineId = bagger.lineId;
    const stop = (startedAt: number, endedAt: number | null) =>
      prisma.downtimeEvent.create({
        data: {
          equipmentId: bagger.id,
          lineId,
          startedAt: new Date(startedAt),
          endedAt: endedAt === null ? null : new Date(endedAt),
          category: "UNPLANNED",
          source: "PLC",
        },
      });
    closedStop = (await stop(now - 30 * MINUTE, now - 20 * MINUTE)).id;
    openStop = (await stop(now - 5 * MINUTE, null)).id;
    const retired = await prisma.reasonCode.update({ where: { code: "UNPL-MECH-FILM" }, data: { active: false } });
    retiredReason = retired.id;
    activeReason = (await prisma.reasonCode.findUniqueOrThrow({ where: { code: "UNPL-MECH-JAW" } })).id;
    floor = await startFloorGateway({
      prisma,
      redis: plant.redis,
      logger,
      keys,
      keyPrefix,
      consumerName: `bad-input-${randomUUID()}`,
    });
  });

  afterAll(async () => {
    await floor?.close();
    plant?.redis.destroy();
    await plant?.db.drop();
  });

  it("answers every bad mutation with a typed error and a documented code, and changes nothing", async () => {
    const before = await snapshot();
    const attempts: [string, Promise<{ data?: Record<string, unknown> | null; errors?: unknown[] }>, string][] = [
      [
        "a retired reason",
        gatewayCall(floor.url, tokens.operator, CONFIRM, { id: closedStop, reason: retiredReason }),
        "NotFound",
      ],
      [
        "an unknown stop",
        gatewayCall(floor.url, tokens.operator, CONFIRM, { id: randomUUID(), reason: activeReason }),
        "NotFound",
      ],
      [
        "splitting a stop still under way",
        gatewayCall(floor.url, tokens.supervisor, SPLIT, {
          id: openStop,
          at: new Date(Date.now() - 2 * MINUTE).toISOString(),
        }),
        "DowntimeEventStillOpen",
      ],
      [
        "merging a stop with one still under way",
        gatewayCall(floor.url, tokens.supervisor, MERGE, { ids: [closedStop, openStop] }),
        "DowntimeEventStillOpen",
      ],
      [
        "reclassifying as a retired reason",
        gatewayCall(floor.url, tokens.supervisor, RECLASSIFY, { id: closedStop, reason: retiredReason }),
        "NotFound",
      ],
      [
        "reclassifying an unknown stop",
        gatewayCall(floor.url, tokens.supervisor, RECLASSIFY, { id: randomUUID(), reason: activeReason }),
        "NotFound",
      ],
    ];
    for (const [what, attempt, typename] of attempts) {
      const body = await attempt;
      expect(body.errors, what).toBeUndefined();
      const result = Object.values(body.data ?? {})[0] as { __typename: string; code: string };
      expect(result.__typename, what).toBe(typename);
      expect(Object.keys(ERROR_CODES), what).toContain(result.code);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a quality inspector confirming a reason and an operator reclassifying with FORBIDDEN, changing nothing", async () => {
    const before = await snapshot();
    const confirm = await gatewayCall(floor.url, tokens.inspector, CONFIRM, { id: closedStop, reason: activeReason });
    expect(confirm.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const reclassify = await gatewayCall(floor.url, tokens.operator, RECLASSIFY, {
      id: closedStop,
      reason: activeReason,
    });
    expect(reclassify.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await snapshot()).toEqual(before);
  });

  it("answers a reversed or malformed range and a malformed id with BAD_USER_INPUT", async () => {
    const now = Date.now();
    const reversed = await gatewayCall(floor.url, tokens.operator, EVENTS, {
      lineId,
      from: new Date(now).toISOString(),
      to: new Date(now - MINUTE).toISOString(),
    });
    expect(reversed.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const malformed = await gatewayCall(floor.url, tokens.operator, EVENTS, {
      lineId: "line-1",
      from: new Date(now - MINUTE).toISOString(),
      to: new Date(now).toISOString(),
    });
    expect(malformed.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("ends a subscription to a line that does not exist with NOT_FOUND, and to a malformed one with BAD_USER_INPUT", async () => {
    const client = gatewaySubscriptionClient(floor.wsUrl, tokens.operator);
    try {
      const outcome = (id: string) =>
        new Promise<unknown>((resolve) => {
          client.subscribe(
            {
              query: "subscription ($lineId: ID!) { downtimeStarted(lineId: $lineId) { id } }",
              variables: { lineId: id },
            },
            { next: (payload) => resolve(payload), error: (error) => resolve(error), complete: () => {} },
          );
        });
      const unknown = (await outcome(randomUUID())) as { errors?: { extensions?: { code?: string } }[] }[];
      const malformed = (await outcome(BAGGING_LINE)) as { errors?: { extensions?: { code?: string } }[] }[];
      expect(JSON.stringify(unknown)).toContain("NOT_FOUND");
      expect(JSON.stringify(malformed)).toContain("BAD_USER_INPUT");
    } finally {
      await client.dispose();
    }
  });
});
