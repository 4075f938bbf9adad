// The shift report: per line OEE with A, P and Q; production by hour against target; the downtime
// Pareto; the top PLC faults; andons with MTTA and MTTR; the quality summary ("no quality data" until
// the quality subgraph exists); and the shift's handover notes.
import { andonStatistics } from "@ms5/andon/statistics";
import type { PrismaClient } from "@ms5/db";
import { downtimePareto } from "../analytics/downtime-pareto.ts";
import { faultPareto } from "../analytics/fault-pareto.ts";
import { oeeAnalytics } from "../analytics/oee-analytics.ts";
import { productionByHour } from "../analytics/production-by-hour.ts";
import { localTimeText, minutesText, percentText, type ReportSection, stopTotalText } from "./report-content.ts";
import type { ReportScope } from "./report-scope.ts";

export const NO_QUALITY_DATA = "No quality data: quality checks are not recorded yet.";
export const TOP_FAULTS = 5;

export async function oeeFigureSections(
  prisma: PrismaClient,
  scope: ReportScope,
  lineId: string,
): Promise<ReportSection> {
  const [oee] = await oeeAnalytics(prisma, { from: scope.from, to: scope.to, groupBy: ["LINE"], lineIds: [lineId] });
  const r = oee?.result;
  return {
    kind: "figures",
    items: [
      { label: "Availability", value: percentText(r?.availability ?? 0) },
      { label: "Performance", value: percentText(r?.performance ?? 0) },
      { label: "Quality", value: percentText(r?.quality ?? 0) },
      { label: "OEE", value: percentText(r?.oee ?? 0) },
      { label: "Good", value: String(r?.goodCount ?? 0) },
      { label: "Reject", value: String(r?.rejectCount ?? 0) },
    ],
  };
}

export async function andonSection(
  prisma: PrismaClient,
  scope: ReportScope,
  lineId: string,
  by: "TYPE" | "PRIORITY",
): Promise<ReportSection> {
  const groups = await andonStatistics(prisma, { from: scope.from, to: scope.to, by, lineId });
  return {
    kind: "table",
    title: `Andons by ${by.toLowerCase()}`,
    columns: [by === "TYPE" ? "Type" : "Priority", "Count", "Open", "MTTA", "MTTR"],
    rows: groups.map((g) => [
      g.key ?? "none",
      String(g.count),
      String(g.open),
      minutesText(g.mttaSeconds),
      minutesText(g.mttrSeconds),
    ]),
    empty: "No andons",
  };
}

export async function shiftSummarySections(prisma: PrismaClient, scope: ReportScope): Promise<ReportSection[]> {
  const sections: ReportSection[] = [];
  const range = { from: scope.from, to: scope.to };
  for (const line of scope.lines) {
    const [figures, hours, pareto, faults, andons, notes] = await Promise.all([
      oeeFigureSections(prisma, scope, line.id),
      productionByHour(prisma, { ...range, lineIds: [line.id] }),
      downtimePareto(prisma, { ...range, by: "REASON", lineIds: [line.id] }),
      faultPareto(prisma, { ...range, lineIds: [line.id] }),
      andonSection(prisma, scope, line.id, "TYPE"),
      prisma.shiftHandoverNote.findMany({
        where: { lineId: line.id, shiftInstance: { startsAt: { lt: scope.to }, endsAt: { gt: scope.from } } },
        include: { author: true },
        orderBy: { createdAt: "asc" },
      }),
    ]);
    sections.push(
      { kind: "heading", text: line.name },
      figures,
      {
        kind: "bars",
        title: "Production by hour against target",
        rows: hours.map((hour) => ({
          label: localTimeText(hour.hourStart, scope.timezone),
          value: hour.goodCount,
          target: hour.targetQuantity,
          text: `${hour.goodCount} / ${hour.targetQuantity ?? "no target"}`,
        })),
        empty: "No production recorded",
      },
      {
        kind: "bars",
        title: "Downtime by reason",
        rows: pareto.slice(0, 10).map((row) => ({
          label: row.label,
          value: row.totalSeconds,
          text: stopTotalText(row.totalSeconds, row.count),
        })),
        empty: "No downtime",
      },
      {
        kind: "table",
        title: "Top faults",
        columns: ["Fault", "Count", "First-out", "Standing"],
        rows: faults
          .slice(0, TOP_FAULTS)
          .map((f) => [
            `${f.faultCode} ${f.text}`,
            String(f.count),
            String(f.firstOutCount),
            minutesText(f.totalSeconds),
          ]),
        empty: "No faults",
      },
      andons,
      { kind: "text", title: "Quality", paragraphs: [], empty: NO_QUALITY_DATA },
      {
        kind: "text",
        title: "Handover notes",
        paragraphs: notes.map((n) => `${n.author.firstName} ${n.author.lastName}: ${n.body}`),
        empty: "No handover notes",
      },
    );
  }
  return sections;
}
