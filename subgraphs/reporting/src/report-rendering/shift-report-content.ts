// What a shift report shows, gathered through the same functions the analytics API resolves with
// (oeeAnalytics, downtimePareto), so a figure in the PDF equals the API's for the same scope; and
// how a figure is written, shared by the document and the tests that read the PDF back.
import type { PrismaClient } from "@ms5/db";
import { downtimePareto } from "../analytics/downtime-pareto.ts";
import { oeeAnalytics } from "../analytics/oee-analytics.ts";
import type { ReportParameters } from "../report-runs/report-parameters.ts";

export interface ShiftReportLine {
  lineName: string;
  availability: number;
  performance: number;
  quality: number;
  oee: number;
  goodCount: number;
  rejectCount: number;
  pareto: { label: string; count: number; totalSeconds: number }[];
}

export interface ShiftReportContent {
  title: string;
  siteName: string;
  timezone: string;
  from: string;
  to: string;
  lines: ShiftReportLine[];
}

/** A ratio as the report prints it: "93.8%". */
export function percentText(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

export async function shiftReportContent(
  prisma: PrismaClient,
  title: string,
  parameters: ReportParameters,
): Promise<ShiftReportContent> {
  const from = new Date(parameters.from);
  const to = new Date(parameters.to);
  const lines = await prisma.line.findMany({
    where: parameters.lineIds.length > 0 ? { id: { in: parameters.lineIds } } : { active: true },
    include: { area: { include: { site: true } } },
    orderBy: { name: "asc" },
  });
  const site = lines[0]?.area.site;
  const content: ShiftReportContent = {
    title,
    siteName: site?.name ?? "",
    timezone: site?.timezone ?? "UTC",
    from: parameters.from,
    to: parameters.to,
    lines: [],
  };
  for (const line of lines) {
    const [oee] = await oeeAnalytics(prisma, { from, to, groupBy: ["LINE"], lineIds: [line.id] });
    const pareto = await downtimePareto(prisma, { from, to, by: "REASON", lineIds: [line.id] });
    content.lines.push({
      lineName: line.name,
      availability: oee?.result.availability ?? 0,
      performance: oee?.result.performance ?? 0,
      quality: oee?.result.quality ?? 0,
      oee: oee?.result.oee ?? 0,
      goodCount: oee?.result.goodCount ?? 0,
      rejectCount: oee?.result.rejectCount ?? 0,
      pareto: pareto
        .slice(0, 10)
        .map((row) => ({ label: row.label, count: row.count, totalSeconds: row.totalSeconds })),
    });
  }
  return content;
}
