// oeeAnalytics: OEE, A, P, Q and the six big losses over a range, grouped by any of line,
// equipment, shift, day, week and product type, from the persisted SHIFT and DAY buckets.

import { ApiError, type PageInfo } from "@ms5/kit/subgraph";
import type { OeeResult } from "@ms5/production/oee";
import { checkedRange } from "../analytics/analytics-range.ts";
import { OEE_GROUPINGS, type OeeGroup, oeeAnalytics } from "../analytics/oee-analytics.ts";
import type { Context } from "../builder.ts";
import { builder, uuidArgument } from "../builder.ts";
import {
  CONNECTION_LIST_SIZE,
  connectionRef,
  decodeCursor,
  PageInfoRef,
  pageOf,
  pageSizeOf,
} from "./relay-connection.ts";

export const OeeGroupingEnum = builder.enumType("OeeGrouping", {
  description: "What an OEE figure is grouped by; a grouping of several dimensions gives one row per combination.",
  values: OEE_GROUPINGS,
});

export const OeeLossTimesRef = builder.objectRef<OeeResult>("OeeLossTimes").implement({
  description:
    "The six big losses in seconds; with fully productive time they add up to planned production time (reduced speed is 0 when performance is above 1).",
  fields: (t) => ({
    breakdownSeconds: t.exposeFloat("breakdownSeconds"),
    setupAdjustmentSeconds: t.exposeFloat("setupAdjustmentSeconds"),
    smallStopSeconds: t.exposeFloat("smallStopSeconds"),
    reducedSpeedSeconds: t.float({ resolve: (result) => Math.max(0, result.reducedSpeedSeconds) }),
    startupRejectSeconds: t.exposeFloat("startupRejectSeconds"),
    productionRejectSeconds: t.exposeFloat("productionRejectSeconds"),
  }),
});

export const OeeFiguresRef = builder.objectRef<OeeResult>("OeeFigures").implement({
  description: "OEE of some buckets combined: times and counts summed, ratios derived from the sums.",
  fields: (t) => ({
    availability: t.exposeFloat("availability", { description: "Run time / planned production time." }),
    performance: t.exposeFloat("performance", { description: "Ideal cycle time x total count / run time." }),
    quality: t.exposeFloat("quality", { description: "Good / total, weighed by ideal cycle time." }),
    oee: t.exposeFloat("oee", { description: "Availability x performance x quality." }),
    plannedProductionSeconds: t.exposeFloat("plannedProductionSeconds"),
    runSeconds: t.exposeFloat("runSeconds"),
    fullyProductiveSeconds: t.exposeFloat("fullyProductiveSeconds"),
    totalCount: t.exposeInt("totalCount"),
    goodCount: t.exposeInt("goodCount"),
    rejectCount: t.exposeInt("rejectCount"),
    losses: t.field({ type: OeeLossTimesRef, resolve: (result) => result }),
  }),
});

const OeeAnalyticsRowRef = builder.objectRef<OeeGroup>("OeeAnalyticsRow").implement({
  description: "One group of an OEE analysis; the key fields not grouped by are null.",
  fields: (t) => ({
    lineId: t.id({ nullable: true, resolve: (group) => group.key.lineId }),
    equipmentId: t.id({ nullable: true, resolve: (group) => group.key.equipmentId }),
    shiftInstanceId: t.id({ nullable: true, resolve: (group) => group.key.shiftInstanceId }),
    shiftName: t.string({ nullable: true, resolve: (group) => group.key.shiftName }),
    day: t.string({
      nullable: true,
      description: "YYYY-MM-DD in the site's time zone.",
      resolve: (group) => group.key.day,
    }),
    week: t.string({
      nullable: true,
      description: "ISO week (YYYY-Www) in the site's time zone.",
      resolve: (group) => group.key.week,
    }),
    productTypeId: t.id({ nullable: true, resolve: (group) => group.key.productTypeId }),
    bucketCount: t.exposeInt("bucketCount", { description: "How many SHIFT or DAY buckets were combined." }),
    figures: t.field({ type: OeeFiguresRef, resolve: (group) => group.result }),
  }),
});

const OeeAnalyticsConnectionRef = connectionRef("OeeAnalytics", OeeAnalyticsRowRef);

/** UUID list arguments, each checked; null when absent. */
export function idListArgument(values: readonly (string | number)[] | null | undefined, name: string): string[] | null {
  if (values === null || values === undefined) return null;
  if (values.length > 100) throw new ApiError("BAD_USER_INPUT", `${name} may name at most 100 ids.`);
  return values.map((value) => uuidArgument(value, name));
}

/** The arguments both shapes of an OEE analysis take. */
interface OeeAnalyticsArguments {
  from: Date;
  to: Date;
  groupBy: readonly (typeof OEE_GROUPINGS)[number][];
  lineIds?: readonly (string | number)[] | null;
  equipmentIds?: readonly (string | number)[] | null;
  first?: number | null;
  after?: string | null;
}

/** One page of an OEE analysis, whichever shape serves it: the same groups, figures and cursors. */
async function oeeAnalysisPage(args: OeeAnalyticsArguments, { prisma }: Context) {
  const range = checkedRange(args.from, args.to);
  const groups = await oeeAnalytics(prisma, {
    ...range,
    groupBy: args.groupBy,
    lineIds: idListArgument(args.lineIds, "lineIds"),
    equipmentIds: idListArgument(args.equipmentIds, "equipmentIds"),
    page: {
      first: pageSizeOf(args.first),
      after: args.after ? decodeCursor("oeeAnalytics", args.after) : undefined,
    },
  });
  return pageOf("oeeAnalytics", groups, (group) => group.sortKey, args);
}

/** A page as columns: the groups and the page's place in the list. */
interface OeeAnalyticsTable {
  rows: OeeGroup[];
  pageInfo: PageInfo;
}

// Every column is one list over the page's rows. graphql-js and the gateway's result shaping then
// walk a handful of lists of scalars instead of an object per row and field: a page of 500 rows
// through the gateway cost ~60 ms of CPU as edges and nodes (BENCHMARKS.md "Reporting").
const OeeAnalyticsTableRef = builder.objectRef<OeeAnalyticsTable>("OeeAnalyticsTable").implement({
  description:
    "A page of an OEE analysis as columns: row i is element i of every column, in the connection's order (the same groups, figures and cursors as `oeeAnalytics`). For BI clients and large pages; a key column not grouped by holds nulls.",
  fields: (t) => {
    const key = (name: keyof OeeGroup["key"], type: "ID" | "String", description?: string) =>
      t.field({
        type: [type],
        nullable: { list: false, items: true },
        ...(description ? { description } : {}),
        resolve: ({ rows }) => rows.map((row) => row.key[name]),
      });
    const float = (pick: (result: OeeResult) => number, description?: string) =>
      t.field({
        type: ["Float"],
        ...(description ? { description } : {}),
        resolve: ({ rows }) => rows.map((row) => pick(row.result)),
      });
    const int = (pick: (group: OeeGroup) => number, description?: string) =>
      t.field({
        type: ["Int"],
        ...(description ? { description } : {}),
        resolve: ({ rows }) => rows.map(pick),
      });
    return {
      rowCount: t.int({ resolve: ({ rows }) => rows.length }),
      lineId: key("lineId", "ID"),
      equipmentId: key("equipmentId", "ID"),
      shiftInstanceId: key("shiftInstanceId", "ID"),
      shiftName: key("shiftName", "String"),
      day: key("day", "String", "YYYY-MM-DD in the site's time zone."),
      week: key("week", "String", "ISO week (YYYY-Www) in the site's time zone."),
      productTypeId: key("productTypeId", "ID"),
      bucketCount: int((group) => group.bucketCount, "How many SHIFT or DAY buckets were combined."),
      availability: float((r) => r.availability, "Run time / planned production time."),
      performance: float((r) => r.performance, "Ideal cycle time x total count / run time."),
      quality: float((r) => r.quality, "Good / total, weighed by ideal cycle time."),
      oee: float((r) => r.oee, "Availability x performance x quality."),
      plannedProductionSeconds: float((r) => r.plannedProductionSeconds),
      runSeconds: float((r) => r.runSeconds),
      fullyProductiveSeconds: float((r) => r.fullyProductiveSeconds),
      totalCount: int((group) => group.result.totalCount),
      goodCount: int((group) => group.result.goodCount),
      rejectCount: int((group) => group.result.rejectCount),
      breakdownSeconds: float((r) => r.breakdownSeconds),
      setupAdjustmentSeconds: float((r) => r.setupAdjustmentSeconds),
      smallStopSeconds: float((r) => r.smallStopSeconds),
      reducedSpeedSeconds: float((r) => Math.max(0, r.reducedSpeedSeconds), "0 when performance is above 1."),
      startupRejectSeconds: float((r) => r.startupRejectSeconds),
      productionRejectSeconds: float((r) => r.productionRejectSeconds),
      pageInfo: t.field({ type: PageInfoRef, resolve: ({ pageInfo }) => pageInfo }),
    };
  },
});

builder.queryFields((t) => {
  const args = {
    from: t.arg({ type: "DateTime", required: true }),
    to: t.arg({ type: "DateTime", required: true }),
    groupBy: t.arg({ type: [OeeGroupingEnum], required: true }),
    lineIds: t.arg.idList(),
    equipmentIds: t.arg.idList(),
    first: t.arg.int(),
    after: t.arg.string(),
  };
  return {
    oeeAnalytics: t.field({
      type: OeeAnalyticsConnectionRef,
      listSize: CONNECTION_LIST_SIZE,
      description:
        "OEE with A, P, Q and the six big losses over [from, to), grouped by `groupBy` (empty: one row for everything), from the persisted SHIFT and DAY buckets that start in the range.",
      authScopes: { permission: "report:read" },
      args,
      resolve: async (_root, args, context) => {
        const { page, connection } = await oeeAnalysisPage(args, context);
        return connection(page) as never;
      },
    }),
    oeeAnalyticsTable: t.field({
      type: OeeAnalyticsTableRef,
      description:
        "`oeeAnalytics` as columns: the same arguments, rows, figures and cursors, one list per field instead of an object per row.",
      authScopes: { permission: "report:read" },
      args,
      resolve: async (_root, args, context) => {
        const { page, pageInfo } = await oeeAnalysisPage(args, context);
        return { rows: page, pageInfo: pageInfo() };
      },
    }),
  };
});
