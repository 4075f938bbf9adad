// Fault analysis over the production schema, in-process against a seeded plant with a hand-made hour
// of faults and stops on Bagger 1: the timeline, the statistics (checked against numbers worked out
// by hand below), a stop opened to its fault sequence, and refusals that read nothing.
import { createLogger } from "@ms5/kit";
import { createSubgraphContext } from "@ms5/kit/subgraph";
import { permissionsOf, type Role } from "@ms5/schema";
import { graphql } from "graphql";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openSeededTestPlant, type SeededTestPlant } from "../testing/production-test-plant.ts";
import { schema } from "./index.ts";

const logger = createLogger({ service: "fault-events-test", level: "silent" });
type Body = {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; extensions: Record<string, unknown> }[];
};

/** 08:00 UTC on a day long before the seed's data: the hour below is all there is. */
const T0 = Date.parse("2026-01-05T08:00:00.000Z");
const at = (minutes: number, seconds = 0) => new Date(T0 + minutes * 60_000 + seconds * 1000);

describe("fault analysis", () => {
  let plant: SeededTestPlant;
  let baggerId: string;
  let lineId: string;
  let firstStopId: string;

  beforeAll(async () => {
    plant = await openSeededTestPlant(inject("testRun"), new Date());
    const bagger = await plant.db.prisma.equipment.findFirstOrThrow({ where: { code: "BAGGER-1" } });
    baggerId = bagger.id;
    lineId = bagger.lineId;
    const fault = (code: string, bitIndex: number, rising: Date, falling: Date | null, isFirstOut: boolean) => ({
      equipmentId: baggerId,
      faultCode: code,
      bitIndex,
      risingAt: rising,
      fallingAt: falling,
      isFirstOut,
    });
    // BG-004 (jaw) starts two stops and rises a third time at 08:50 without a stop, still set at 09:00;
    // BG-010 rises once inside the first stop (it followed) and once on its own at 08:40.
    await plant.db.prisma.faultEvent.createMany({
      data: [
        fault("BG-004", 3, at(10), at(12), true),
        fault("BG-010", 9, at(11), at(11, 30), false),
        fault("BG-004", 3, at(30), at(31), true),
        fault("BG-010", 9, at(40), at(40, 10), false),
        fault("BG-004", 3, at(50), null, true),
      ],
    });
    const stop = (startedAt: Date, endedAt: Date) => ({
      equipmentId: baggerId,
      lineId,
      startedAt,
      endedAt,
      category: "UNPLANNED" as const,
      firstOutFaultCode: "BG-004",
    });
    const first = await plant.db.prisma.downtimeEvent.create({ data: stop(at(10, 1), at(15)) });
    firstStopId = first.id;
    await plant.db.prisma.downtimeEvent.create({ data: stop(at(30), at(32)) });
  });
  afterAll(async () => {
    plant?.redis.destroy();
    await plant?.db.drop();
  });

  async function run(roles: Role[], source: string, variableValues: Record<string, unknown> = {}) {
    const user = await plant.db.prisma.user.findUniqueOrThrow({ where: { username: "engineer" } });
    const contextValue = createSubgraphContext({
      identity: { kind: "user", userId: user.id, name: "engineer", roles, permissions: permissionsOf(roles) },
      prisma: plant.db.prisma,
      redis: undefined as never,
      logger,
      correlationId: "fault-events-test",
    });
    // Variables travel as JSON: dates as ISO text, as a client sends them.
    const variables = JSON.parse(JSON.stringify(variableValues));
    return (await graphql({ schema, source, variableValues: variables, contextValue })) as Body;
  }

  const STATISTICS = `query ($equipmentId: ID, $lineId: ID, $from: DateTime!, $to: DateTime!, $orderBy: FaultStatisticsOrder, $first: Int) {
    faultStatistics(equipmentId: $equipmentId, lineId: $lineId, from: $from, to: $to, orderBy: $orderBy, first: $first) {
      faultCode text occurrences activeSeconds firstOutStops lostSeconds followingOccurrences meanTimeBetweenSeconds
      equipment { code } } }`;

  it("counts each fault's risings, active time, stops started, time lost, stops followed and mean time between, by hand", async () => {
    const body = await run(["ENGINEER"], STATISTICS, { equipmentId: baggerId, from: at(0), to: at(60) });
    expect(body.errors).toBeUndefined();
    expect(body.data!.faultStatistics).toEqual([
      {
        faultCode: "BG-004",
        text: expect.any(String),
        // risings at :10, :30, :50; set 120 s + 60 s + 600 s (still set at the range's end, 09:00)
        occurrences: 3,
        activeSeconds: 780,
        // stops 08:10:01-08:15:00 (299 s) and 08:30-08:32 (120 s)
        firstOutStops: 2,
        lostSeconds: 419,
        followingOccurrences: 0,
        // (08:50 - 08:10) / 2
        meanTimeBetweenSeconds: 1200,
        equipment: { code: "BAGGER-1" },
      },
      {
        faultCode: "BG-010",
        text: expect.any(String),
        occurrences: 2,
        activeSeconds: 40,
        firstOutStops: 0,
        lostSeconds: 0,
        // 08:11 is inside the stop BG-004 started; 08:40 is not inside any stop
        followingOccurrences: 1,
        meanTimeBetweenSeconds: 1740,
        equipment: { code: "BAGGER-1" },
      },
    ]);
  });

  it("clips faults and stops to the range and orders the Pareto by lost time when asked", async () => {
    const body = await run(["VIEWER"], STATISTICS, {
      lineId,
      from: at(12),
      to: at(60),
      orderBy: "LOST_TIME",
      first: 1,
    });
    expect(body.errors).toBeUndefined();
    // From 08:12: BG-004 rose at :30 and :50 (60 s + 600 s); the first stop counts from 08:12 to 08:15.
    expect(body.data!.faultStatistics).toEqual([
      expect.objectContaining({
        faultCode: "BG-004",
        occurrences: 2,
        activeSeconds: 660,
        firstOutStops: 2,
        lostSeconds: 300,
      }),
    ]);
  });

  it("pages a machine's fault timeline oldest first with cursors that neither skip nor repeat", async () => {
    const page = (after?: string) =>
      run(
        ["OPERATOR"],
        `query ($id: ID!, $from: DateTime!, $to: DateTime!, $after: String) {
          faultEvents(equipmentId: $id, from: $from, to: $to, first: 2, after: $after) {
            edges { cursor node { faultCode risingAt fallingAt durationSeconds isFirstOut } } pageInfo { hasNextPage endCursor } } }`,
        { id: baggerId, from: at(0), to: at(60), after },
      );
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 5; pages += 1) {
      const body = await page(after);
      expect(body.errors).toBeUndefined();
      const connection = body.data!.faultEvents as {
        edges: { node: { faultCode: string; risingAt: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
      seen.push(...connection.edges.map((edge) => `${edge.node.risingAt} ${edge.node.faultCode}`));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor ?? undefined;
    }
    expect(seen).toEqual([
      `${at(10).toISOString()} BG-004`,
      `${at(11).toISOString()} BG-010`,
      `${at(30).toISOString()} BG-004`,
      `${at(40).toISOString()} BG-010`,
      `${at(50).toISOString()} BG-004`,
    ]);
  });

  it("opens a stop to the faults set when it began and those that rose while it stood, first-out first", async () => {
    const body = await run(
      ["OPERATOR"],
      `query ($from: DateTime!, $to: DateTime!, $lineId: ID!) {
        downtimeEvents(lineId: $lineId, from: $from, to: $to) { id faultSequence { faultCode isFirstOut risingAt } } }`,
      { lineId, from: at(0), to: at(60) },
    );
    expect(body.errors).toBeUndefined();
    const stops = body.data!.downtimeEvents as {
      id: string;
      faultSequence: { faultCode: string; isFirstOut: boolean }[];
    }[];
    expect(stops.find((stop) => stop.id === firstStopId)!.faultSequence).toEqual([
      { faultCode: "BG-004", isFirstOut: true, risingAt: at(10).toISOString() },
      { faultCode: "BG-010", isFirstOut: false, risingAt: at(11).toISOString() },
    ]);
  });

  it.each([
    ["a reversed range", { equipmentId: "$bagger", from: at(60), to: at(0) }, "BAD_USER_INPUT"],
    ["a range over 366 days", { equipmentId: "$bagger", from: at(0), to: at(60 * 24 * 400) }, "BAD_USER_INPUT"],
    [
      "a line and an equipment at once",
      { equipmentId: "$bagger", lineId: "$line", from: at(0), to: at(60) },
      "BAD_USER_INPUT",
    ],
    [
      "an unknown equipment",
      { equipmentId: "00000000-0000-4000-8000-000000000000", from: at(0), to: at(60) },
      "NOT_FOUND",
    ],
    ["an equipment id that is no id", { equipmentId: "bagger-1", from: at(0), to: at(60) }, "BAD_USER_INPUT"],
    ["a page of no rows", { equipmentId: "$bagger", from: at(0), to: at(60), first: 0 }, "BAD_USER_INPUT"],
  ])("refuses %s with %s", async (_case, variables, code) => {
    const resolved = Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [
        name,
        value === "$bagger" ? baggerId : value === "$line" ? lineId : value,
      ]),
    );
    const body = await run(["ENGINEER"], STATISTICS, resolved);
    expect(body.data?.faultStatistics ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions.code).toBe(code);
  });

  it("refuses fault events and statistics to a caller without downtime:read", async () => {
    const body = await run([], STATISTICS, { equipmentId: baggerId, from: at(0), to: at(60) });
    expect(body.data?.faultStatistics ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
  });
});
