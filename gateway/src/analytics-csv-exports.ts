// The analytics queries the gateway exports as CSV: the query (with a Relay page of `first`/`after`),
// the arguments a download URL may give, and the columns each row becomes. The rows are whatever
// the query returns to the caller, so the export is as authorized as the query itself.

export interface CsvExport {
  /** The connection field the query returns. */
  field: string;
  query: string;
  /** URL search parameters that are lists (comma-separated). */
  listArguments: readonly string[];
  /** Those that must be given. */
  requiredArguments: readonly string[];
  columns: readonly { header: string; value: (node: Record<string, unknown>) => unknown }[];
}

const PAGE = "$first: Int, $after: String";
const get = (path: string) => (node: Record<string, unknown>) =>
  path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown> | null)?.[key], node);
const column = (header: string, path = header) => ({ header, value: get(path) });

export const CSV_EXPORTS: Readonly<Record<string, CsvExport>> = {
  oeeAnalytics: {
    field: "oeeAnalytics",
    query: `query ($from: DateTime!, $to: DateTime!, $groupBy: [OeeGrouping!]!, $lineIds: [ID!], $equipmentIds: [ID!], ${PAGE}) {
      oeeAnalytics(from: $from, to: $to, groupBy: $groupBy, lineIds: $lineIds, equipmentIds: $equipmentIds, first: $first, after: $after) {
        edges { node { lineId equipmentId shiftName day week productTypeId bucketCount
          figures { availability performance quality oee plannedProductionSeconds runSeconds totalCount goodCount rejectCount
            losses { breakdownSeconds setupAdjustmentSeconds smallStopSeconds reducedSpeedSeconds startupRejectSeconds productionRejectSeconds } } } }
        pageInfo { hasNextPage endCursor } } }`,
    listArguments: ["groupBy", "lineIds", "equipmentIds"],
    requiredArguments: ["from", "to", "groupBy"],
    columns: [
      column("lineId"),
      column("equipmentId"),
      column("shiftName"),
      column("day"),
      column("week"),
      column("productTypeId"),
      column("bucketCount"),
      ...[
        "availability",
        "performance",
        "quality",
        "oee",
        "plannedProductionSeconds",
        "runSeconds",
        "totalCount",
        "goodCount",
        "rejectCount",
      ].map((name) => column(name, `figures.${name}`)),
      ...[
        "breakdownSeconds",
        "setupAdjustmentSeconds",
        "smallStopSeconds",
        "reducedSpeedSeconds",
        "startupRejectSeconds",
        "productionRejectSeconds",
      ].map((name) => column(name, `figures.losses.${name}`)),
    ],
  },
  dailyProductionKpis: {
    field: "dailyProductionKpis",
    query: `query ($from: DateTime!, $to: DateTime!, $lineIds: [ID!], ${PAGE}) {
      dailyProductionKpis(from: $from, to: $to, lineIds: $lineIds, first: $first, after: $after) {
        edges { node { lineId day goodCount rejectCount scrapCount targetQuantity actualQuantity firstPassYield mtbfSeconds mttrSeconds mttaSeconds } }
        pageInfo { hasNextPage endCursor } } }`,
    listArguments: ["lineIds"],
    requiredArguments: ["from", "to"],
    columns: [
      "lineId",
      "day",
      "goodCount",
      "rejectCount",
      "scrapCount",
      "targetQuantity",
      "actualQuantity",
      "firstPassYield",
      "mtbfSeconds",
      "mttrSeconds",
      "mttaSeconds",
    ].map((name) => column(name)),
  },
  downtimePareto: {
    field: "downtimePareto",
    query: `query ($from: DateTime!, $to: DateTime!, $by: DowntimeParetoDimension!, $lineIds: [ID!], ${PAGE}) {
      downtimePareto(from: $from, to: $to, by: $by, lineIds: $lineIds, first: $first, after: $after) {
        edges { node { rank key label count totalSeconds meanSeconds share } }
        pageInfo { hasNextPage endCursor } } }`,
    listArguments: ["lineIds"],
    requiredArguments: ["from", "to", "by"],
    columns: ["rank", "key", "label", "count", "totalSeconds", "meanSeconds", "share"].map((name) => column(name)),
  },
  productionByHour: {
    field: "productionByHour",
    query: `query ($from: DateTime!, $to: DateTime!, $lineIds: [ID!], ${PAGE}) {
      productionByHour(from: $from, to: $to, lineIds: $lineIds, first: $first, after: $after) {
        edges { node { lineId hourStart goodCount rejectCount targetQuantity } }
        pageInfo { hasNextPage endCursor } } }`,
    listArguments: ["lineIds"],
    requiredArguments: ["from", "to"],
    columns: ["lineId", "hourStart", "goodCount", "rejectCount", "targetQuantity"].map((name) => column(name)),
  },
  faultPareto: {
    field: "faultPareto",
    query: `query ($from: DateTime!, $to: DateTime!, $lineIds: [ID!], ${PAGE}) {
      faultPareto(from: $from, to: $to, lineIds: $lineIds, first: $first, after: $after) {
        edges { node { rank faultCode text count firstOutCount totalSeconds } }
        pageInfo { hasNextPage endCursor } } }`,
    listArguments: ["lineIds"],
    requiredArguments: ["from", "to"],
    columns: ["rank", "faultCode", "text", "count", "firstOutCount", "totalSeconds"].map((name) => column(name)),
  },
};

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a leading =+-@ is defused. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  // A cell starting with these runs as a formula in a spreadsheet (CSV injection).
  if (/^[=+\-@\t\r]/.test(text) && typeof value === "string") text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}
