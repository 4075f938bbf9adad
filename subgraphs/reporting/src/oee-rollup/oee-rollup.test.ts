// The OEE rollup and the analytics API over it, against real PostgreSQL with the demo plant: a
// morning shift of Bagger 1 (Bagging Line 1's constraint) with a half-hour breakdown, rolled from
// HOUR buckets into its SHIFT and DAY buckets, read back through oeeAnalytics; a late count and bad
// input.
import type { PrismaClient } from "@ms5/db";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { oeeAnalytics } from "../analytics/oee-analytics.ts";
import { openReportingTestPlant, type ReportingTestPlant } from "../testing/reporting-test-plant.ts";

// Wednesday 9 December 2026, 15:00 at Riverside Mill (Africa/Johannesburg, UTC+2).
const NOW = new Date("2026-12-09T13:00:00Z");
const SHIFT_START = new Date("2026-12-09T04:00:00Z"); // Morning, 06:00 local
const SHIFT_END = new Date("2026-12-09T12:00:00Z");
const at = (iso: string) => new Date(`2026-12-09T${iso}Z`);

const OEE_ANALYTICS = `query ($from: DateTime!, $to: DateTime!, $groupBy: [OeeGrouping!]!, $lineIds: [ID!], $first: Int, $after: String) {
  oeeAnalytics(from: $from, to: $to, groupBy: $groupBy, lineIds: $lineIds, first: $first, after: $after) {
    edges { cursor node { lineId shiftName shiftInstanceId day week bucketCount
      figures { availability performance quality oee plannedProductionSeconds runSeconds goodCount rejectCount totalCount
        losses { breakdownSeconds } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Row {
  lineId: string | null;
  shiftName: string | null;
  shiftInstanceId: string | null;
  day: string | null;
  week: string | null;
  bucketCount: number;
  figures: {
    availability: number;
    performance: number;
    quality: number;
    oee: number;
    plannedProductionSeconds: number;
    runSeconds: number;
    goodCount: number;
    rejectCount: number;
    totalCount: number;
    losses: { breakdownSeconds: number };
  };
}
type Page = {
  oeeAnalytics: { edges: { cursor: string; node: Row }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
};

let plant: ReportingTestPlant;
let prisma: PrismaClient;
let token: string;
let lineId: string;
let baggerId: string;
let clock = NOW;

async function insertMorningShift() {
  await prisma.equipmentStateChange.createMany({
    data: [
      { equipmentId: baggerId, state: "RUNNING", startedAt: SHIFT_START, endedAt: at("06:00:00") },
      { equipmentId: baggerId, state: "DOWN", startedAt: at("06:00:00"), endedAt: at("06:30:00") },
      { equipmentId: baggerId, state: "RUNNING", startedAt: at("06:30:00"), endedAt: null },
    ],
  });
  await prisma.productionCount.createMany({
    data: Array.from({ length: 8 }, (_, hour) => ({
      equipmentId: baggerId,
      lineId,
      recordedAt: new Date(SHIFT_START.getTime() + hour * 3_600_000 + 1_800_000),
      goodDelta: 1000,
      rejectDelta: 10,
    })),
  });
}

async function morningRow(): Promise<Row> {
  const response = await plant.call<Page>(token, OEE_ANALYTICS, {
    from: at("00:00:00").toISOString(),
    to: at("23:00:00").toISOString(),
    groupBy: ["LINE", "SHIFT"],
    lineIds: [lineId],
  });
  expect(response.errors).toBeUndefined();
  const row = response.data!.oeeAnalytics.edges.map((edge) => edge.node).find((node) => node.shiftName === "Morning");
  if (!row) throw new Error("no Morning row");
  return row;
}

beforeAll(async () => {
  plant = await openReportingTestPlant(inject("testRun"), NOW, { rollup: { now: () => clock }, runner: false });
  // The loop runs on its own timer; the test drives passes itself.
  await plant.subgraph.rollup.stop();
  prisma = plant.db.prisma;
  token = await plant.tokenOf("pmanager");
  lineId = (await prisma.line.findUniqueOrThrow({ where: { code: "bagging-1" } })).id;
  baggerId = (await prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } })).id;
  await prisma.oeeRecord.deleteMany({});
  await prisma.oeeRollupMark.deleteMany({});
  await insertMorningShift();
  await plant.subgraph.rollup.runPass();
}, 120_000);

afterAll(async () => {
  await plant?.close();
});

describe("the OEE rollup", () => {
  it("rolls the constraint's HOUR buckets into the line's SHIFT bucket with the shift's own figures", async () => {
    const shift = await prisma.oeeRecord.findUniqueOrThrow({
      where: {
        subjectKey_bucket_bucketStart: { subjectKey: `LINE:${lineId}:*`, bucket: "SHIFT", bucketStart: SHIFT_START },
      },
    });
    expect(shift.bucketEnd).toEqual(SHIFT_END);
    expect(shift.shiftInstanceId).not.toBeNull();
    expect(shift.plannedProductionSeconds).toBe(8 * 3600);
    expect(shift.runSeconds).toBe(8 * 3600 - 1800);
    expect(shift.breakdownSeconds).toBe(1800);
    expect(shift.availability).toBeCloseTo(0.9375, 10);
    expect(shift.goodCount).toBe(8000);
    expect(shift.rejectCount).toBe(80);
    expect(shift.oee).toBeCloseTo(shift.availability * shift.performance * shift.quality, 10);
  });

  it("rolls them into the site-local DAY bucket, which runs from local midnight (22:00 UTC the day before)", async () => {
    const day = await prisma.oeeRecord.findUniqueOrThrow({
      where: {
        subjectKey_bucket_bucketStart: {
          subjectKey: `LINE:${lineId}:*`,
          bucket: "DAY",
          bucketStart: new Date("2026-12-08T22:00:00Z"),
        },
      },
    });
    expect(day.bucketEnd).toEqual(new Date("2026-12-09T22:00:00Z"));
    // States start at 04:00 UTC and run until now (13:00 UTC): nine hours planned, the breakdown lost.
    expect(day.plannedProductionSeconds).toBe(9 * 3600);
    expect(day.runSeconds).toBe(9 * 3600 - 1800);
    expect(day.goodCount).toBe(8000);
  });

  it("recomputes the closed hour, the shift and the day when a count for a past hour arrives late", async () => {
    await prisma.productionCount.create({
      data: { equipmentId: baggerId, lineId, recordedAt: at("05:15:00"), goodDelta: 500, rejectDelta: 0 },
    });
    clock = new Date(NOW.getTime() + 10 * 60_000);
    const pass = await plant.subgraph.rollup.runPass();
    expect(pass.lateCountHours).toBe(1);
    const row = await morningRow();
    expect(row.figures.goodCount).toBe(8500);
    expect(row.figures.rejectCount).toBe(80);
  });
});

describe("oeeAnalytics", () => {
  it("answers a line × shift grouping with the SHIFT bucket's figures", async () => {
    const row = await morningRow();
    const shift = await prisma.oeeRecord.findUniqueOrThrow({
      where: {
        subjectKey_bucket_bucketStart: { subjectKey: `LINE:${lineId}:*`, bucket: "SHIFT", bucketStart: SHIFT_START },
      },
    });
    expect(row.lineId).toBe(lineId);
    expect(row.shiftInstanceId).toBe(shift.shiftInstanceId);
    expect(row.bucketCount).toBe(1);
    expect(row.figures.availability).toBeCloseTo(shift.availability, 12);
    expect(row.figures.performance).toBeCloseTo(shift.performance, 12);
    expect(row.figures.quality).toBeCloseTo(shift.quality, 12);
    expect(row.figures.oee).toBeCloseTo(shift.oee, 12);
    expect(row.figures.losses.breakdownSeconds).toBe(1800);
  });

  it("pages a line × day grouping with cursors, oldest day first, never repeating a day", async () => {
    const variables = {
      from: "2026-12-06T22:00:00Z",
      to: "2026-12-09T22:00:00Z",
      groupBy: ["LINE", "DAY"],
      lineIds: [lineId],
      first: 1,
    };
    const days: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 5; page++) {
      const response = await plant.call<Page>(token, OEE_ANALYTICS, { ...variables, ...(after ? { after } : {}) });
      expect(response.errors).toBeUndefined();
      const connection = response.data!.oeeAnalytics;
      days.push(...connection.edges.map((edge) => edge.node.day!));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(days).toEqual(["2026-12-07", "2026-12-08", "2026-12-09"]);
  });

  it("reads a line × day page by keyset with the same groups and figures as the whole range, cut", async () => {
    const query = {
      from: new Date("2026-12-06T22:00:00Z"),
      to: new Date("2026-12-09T22:00:00Z"),
      groupBy: ["LINE", "DAY"] as const,
      lineIds: null,
    };
    const whole = await oeeAnalytics(prisma, query);
    expect(whole.length).toBeGreaterThan(2);
    const firstPage = await oeeAnalytics(prisma, { ...query, page: { first: 2 } });
    expect(firstPage).toEqual(whole.slice(0, 3));
    const secondPage = await oeeAnalytics(prisma, { ...query, page: { first: 2, after: whole[1]!.sortKey } });
    expect(secondPage).toEqual(whole.slice(2, 5));
  });

  it("serves oeeAnalyticsTable with the same rows, figures and cursors as the oeeAnalytics connection, as columns", async () => {
    const variables = {
      from: "2026-12-06T22:00:00Z",
      to: "2026-12-09T22:00:00Z",
      groupBy: ["LINE", "DAY"],
      first: 2,
    };
    const TABLE = `query ($from: DateTime!, $to: DateTime!, $groupBy: [OeeGrouping!]!, $first: Int, $after: String) {
      oeeAnalyticsTable(from: $from, to: $to, groupBy: $groupBy, first: $first, after: $after) {
        rowCount lineId shiftName shiftInstanceId day week bucketCount availability performance quality oee
        plannedProductionSeconds runSeconds goodCount rejectCount totalCount breakdownSeconds
        pageInfo { hasNextPage endCursor } } }`;
    type Table = {
      oeeAnalyticsTable: Record<string, unknown[]> & {
        rowCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const page = { ...variables, ...(after ? { after } : {}) };
      const [connection, table] = await Promise.all([
        plant.call<Page>(token, OEE_ANALYTICS, page),
        plant.call<Table>(token, TABLE, page),
      ]);
      expect(connection.errors).toBeUndefined();
      expect(table.errors).toBeUndefined();
      const { edges, pageInfo } = connection.data!.oeeAnalytics;
      const columns = table.data!.oeeAnalyticsTable;
      expect(columns.rowCount).toBe(edges.length);
      const rows = edges.map((_, i) => ({
        lineId: columns.lineId![i],
        shiftName: columns.shiftName![i],
        shiftInstanceId: columns.shiftInstanceId![i],
        day: columns.day![i],
        week: columns.week![i],
        bucketCount: columns.bucketCount![i],
        figures: {
          availability: columns.availability![i],
          performance: columns.performance![i],
          quality: columns.quality![i],
          oee: columns.oee![i],
          plannedProductionSeconds: columns.plannedProductionSeconds![i],
          runSeconds: columns.runSeconds![i],
          goodCount: columns.goodCount![i],
          rejectCount: columns.rejectCount![i],
          totalCount: columns.totalCount![i],
          losses: { breakdownSeconds: columns.breakdownSeconds![i] },
        },
      }));
      expect(rows).toEqual(edges.map((edge) => edge.node));
      expect(columns.pageInfo).toEqual({ hasNextPage: pageInfo.hasNextPage, endCursor: pageInfo.endCursor });
      pages++;
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(pages).toBeGreaterThan(1);
  });

  it("refuses an end before its start with BAD_USER_INPUT", async () => {
    const response = await plant.call(token, OEE_ANALYTICS, {
      from: "2026-12-09T00:00:00Z",
      to: "2026-12-08T00:00:00Z",
      groupBy: ["LINE"],
    });
    expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(response.data?.oeeAnalytics ?? null).toBeNull();
  });

  it("refuses a ten-year range with BAD_USER_INPUT", async () => {
    const response = await plant.call(token, OEE_ANALYTICS, {
      from: "2016-12-09T00:00:00Z",
      to: "2026-12-09T00:00:00Z",
      groupBy: ["DAY"],
    });
    expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("generateReport", () => {
  const GENERATE = `mutation ($input: GenerateReportInput!) { generateReport(input: $input) { id status } }`;

  it("refuses an unknown template with BAD_USER_INPUT and queues nothing", async () => {
    const before = await prisma.reportRun.count();
    const response = await plant.call(token, GENERATE, {
      input: { templateKey: "no-such-template", from: SHIFT_START.toISOString(), to: SHIFT_END.toISOString() },
    });
    expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await prisma.reportRun.count()).toBe(before);
  });

  it("queues a run of a seeded template and returns it at once", async () => {
    const response = await plant.call<{ generateReport: { id: string; status: string } }>(token, GENERATE, {
      input: {
        templateKey: "shift-summary",
        from: SHIFT_START.toISOString(),
        to: SHIFT_END.toISOString(),
        lineIds: [lineId],
      },
    });
    expect(response.errors).toBeUndefined();
    expect(response.data?.generateReport.status).toBe("QUEUED");
    const run = await prisma.reportRun.findUniqueOrThrow({ where: { id: response.data!.generateReport.id } });
    expect(run.parameters).toMatchObject({ lineIds: [lineId], from: SHIFT_START.toISOString() });
  });
});
