// The templates over a range: OEE over a range (per line and day), daily production KPIs, downtime
// analysis (by reason, category and equipment), andons, maintenance, and the quality summary. Each
// reads the analytics functions the API resolves with.

import { equipmentReliability } from "@ms5/andon/maintenance";
import { andonStatistics } from "@ms5/andon/statistics";
import type { PrismaClient } from "@ms5/db";
import { dailyKpiRows, dailyKpisOf } from "../analytics/daily-kpis.ts";
import { type DowntimeParetoDimension, downtimePareto } from "../analytics/downtime-pareto.ts";
import { oeeAnalytics } from "../analytics/oee-analytics.ts";
import { hoursText, minutesText, percentText, type ReportSection, stopTotalText } from "./report-content.ts";
import type { ReportScope } from "./report-scope.ts";
import { andonSection, NO_QUALITY_DATA, oeeFigureSections } from "./shift-summary.ts";

export async function oeeTrendSections(prisma: PrismaClient, scope: ReportScope): Promise<ReportSection[]> {
  const sections: ReportSection[] = [];
  for (const line of scope.lines) {
    const [figures, [whole], days] = await Promise.all([
      oeeFigureSections(prisma, scope, line.id),
      oeeAnalytics(prisma, { from: scope.from, to: scope.to, groupBy: ["LINE"], lineIds: [line.id] }),
      oeeAnalytics(prisma, { from: scope.from, to: scope.to, groupBy: ["LINE", "DAY"], lineIds: [line.id] }),
    ]);
    const r = whole?.result;
    sections.push(
      { kind: "heading", text: line.name },
      figures,
      {
        kind: "figures",
        title: "Six big losses",
        items: [
          { label: "Breakdowns", value: minutesText(r?.breakdownSeconds ?? 0) },
          { label: "Setup and adjustment", value: minutesText(r?.setupAdjustmentSeconds ?? 0) },
          { label: "Small stops", value: minutesText(r?.smallStopSeconds ?? 0) },
          { label: "Reduced speed", value: minutesText(r?.reducedSpeedSeconds ?? 0) },
          { label: "Startup rejects", value: String(r?.startupRejectCount ?? 0) },
          { label: "Production rejects", value: String(r?.productionRejectCount ?? 0) },
        ],
      },
      {
        kind: "bars",
        title: "OEE by day",
        rows: days.map((d) => ({ label: d.key.day ?? "", value: d.result.oee, text: percentText(d.result.oee) })),
        empty: "No OEE recorded",
      },
      {
        kind: "table",
        title: "Availability, performance and quality by day",
        columns: ["Day", "Availability", "Performance", "Quality", "OEE"],
        rows: days.map((d) => [
          d.key.day ?? "",
          percentText(d.result.availability),
          percentText(d.result.performance),
          percentText(d.result.quality),
          percentText(d.result.oee),
        ]),
        empty: "No OEE recorded",
      },
    );
  }
  return sections;
}

export async function dailyProductionSections(prisma: PrismaClient, scope: ReportScope): Promise<ReportSection[]> {
  const sections: ReportSection[] = [];
  for (const line of scope.lines) {
    const rows = await dailyKpiRows(prisma, { from: scope.from, to: scope.to, lineIds: [line.id] });
    const kpis = await Promise.all(rows.map((row) => dailyKpisOf(prisma, row)));
    sections.push(
      { kind: "heading", text: line.name },
      {
        kind: "bars",
        title: "Good units against target by day",
        rows: kpis.map((k) => ({
          label: k.day,
          value: k.actualQuantity,
          target: k.targetQuantity,
          text: `${k.actualQuantity} / ${k.targetQuantity ?? "no target"}`,
        })),
        empty: "No production recorded",
      },
      {
        kind: "table",
        title: "Daily production",
        columns: ["Day", "Good", "Reject", "Scrap", "Target", "First pass", "MTBF", "MTTR", "MTTA"],
        rows: kpis.map((k) => [
          k.day,
          String(k.goodCount),
          String(k.rejectCount),
          String(k.scrapCount),
          k.targetQuantity === null ? "n/a" : String(k.targetQuantity),
          percentText(k.firstPassYield),
          hoursText(k.mtbfSeconds),
          minutesText(k.mttrSeconds),
          minutesText(k.mttaSeconds),
        ]),
        empty: "No days in the range",
      },
    );
  }
  return sections;
}

const PARETO_TITLES: Record<DowntimeParetoDimension, string> = {
  REASON: "Stops by reason",
  CATEGORY: "Stops by category",
  EQUIPMENT: "Stops by equipment",
};

export async function downtimeAnalysisSections(prisma: PrismaClient, scope: ReportScope): Promise<ReportSection[]> {
  const lineIds = scope.lines.map((l) => l.id);
  const sections: ReportSection[] = [{ kind: "heading", text: scope.lines.map((l) => l.name).join(", ") }];
  for (const by of ["REASON", "CATEGORY", "EQUIPMENT"] as const) {
    const rows = await downtimePareto(prisma, { from: scope.from, to: scope.to, by, lineIds });
    if (by === "REASON") {
      sections.push({
        kind: "bars",
        title: "Downtime Pareto by reason",
        rows: rows.slice(0, 15).map((row) => ({
          label: row.label,
          value: row.totalSeconds,
          text: stopTotalText(row.totalSeconds, row.count),
        })),
        empty: "No downtime",
      });
    }
    sections.push({
      kind: "table",
      title: PARETO_TITLES[by],
      columns: [
        by === "REASON" ? "Reason" : by === "CATEGORY" ? "Category" : "Equipment",
        "Stops",
        "Total",
        "Mean",
        "Share",
      ],
      rows: rows.map((row) => [
        row.label,
        String(row.count),
        minutesText(row.totalSeconds),
        minutesText(row.meanSeconds),
        percentText(row.share),
      ]),
      empty: "No downtime",
    });
  }
  return sections;
}

export async function andonSummarySections(prisma: PrismaClient, scope: ReportScope): Promise<ReportSection[]> {
  const sections: ReportSection[] = [];
  for (const line of scope.lines) {
    const [[all], byType, byPriority] = await Promise.all([
      andonStatistics(prisma, { from: scope.from, to: scope.to, by: "LINE", lineId: line.id }),
      andonSection(prisma, scope, line.id, "TYPE"),
      andonSection(prisma, scope, line.id, "PRIORITY"),
    ]);
    sections.push(
      { kind: "heading", text: line.name },
      {
        kind: "figures",
        items: [
          { label: "Andons", value: String(all?.count ?? 0) },
          { label: "Still open", value: String(all?.open ?? 0) },
          { label: "MTTA", value: minutesText(all?.mttaSeconds ?? null) },
          { label: "MTTR", value: minutesText(all?.mttrSeconds ?? null) },
        ],
      },
      byType,
      byPriority,
    );
  }
  return sections;
}

export async function maintenanceSummarySections(prisma: PrismaClient, scope: ReportScope): Promise<ReportSection[]> {
  const sections: ReportSection[] = [];
  for (const line of scope.lines) {
    const equipment = await prisma.equipment.findMany({ where: { lineId: line.id }, orderBy: { name: "asc" } });
    const [reliability, orders] = await Promise.all([
      equipment.length > 0
        ? equipmentReliability(
            prisma,
            equipment.map((e) => e.id),
            scope.from,
            scope.to,
          )
        : [],
      prisma.maintenanceWorkOrder.groupBy({
        by: ["equipmentId"],
        where: { equipmentId: { in: equipment.map((e) => e.id) }, createdAt: { gte: scope.from, lt: scope.to } },
        _count: { _all: true },
      }),
    ]);
    const opened = new Map(orders.map((o) => [o.equipmentId, o._count._all]));
    const byId = new Map(reliability.map((r) => [r.equipmentId, r]));
    sections.push(
      { kind: "heading", text: line.name },
      {
        kind: "table",
        title: "Work orders, MTBF and MTTR per equipment",
        columns: ["Equipment", "Work orders", "Failures", "Repairs", "MTBF", "MTTR"],
        rows: equipment.map((e) => {
          const r = byId.get(e.id);
          return [
            e.name,
            String(opened.get(e.id) ?? 0),
            String(r?.failureCount ?? 0),
            String(r?.repairCount ?? 0),
            hoursText(r?.mtbfSeconds ?? null),
            minutesText(r?.mttrSeconds ?? null),
          ];
        }),
        empty: "No equipment",
      },
    );
  }
  return sections;
}

export async function qualitySummarySections(prisma: PrismaClient, scope: ReportScope): Promise<ReportSection[]> {
  const sections: ReportSection[] = [{ kind: "text", title: "Quality checks", paragraphs: [], empty: NO_QUALITY_DATA }];
  for (const line of scope.lines) {
    const [oee] = await oeeAnalytics(prisma, { from: scope.from, to: scope.to, groupBy: ["LINE"], lineIds: [line.id] });
    sections.push(
      { kind: "heading", text: line.name },
      {
        kind: "figures",
        title: "Counted rejects",
        items: [
          { label: "Good", value: String(oee?.result.goodCount ?? 0) },
          { label: "Reject", value: String(oee?.result.rejectCount ?? 0) },
          { label: "Quality", value: percentText(oee?.result.quality ?? 0) },
        ],
      },
    );
  }
  return sections;
}
