// The content of a run of any template: its kind picks the sections, the scope is shared.
import type { PrismaClient, ReportKind } from "@ms5/db";
import type { ReportParameters } from "../report-runs/report-parameters.ts";
import {
  andonSummarySections,
  dailyProductionSections,
  downtimeAnalysisSections,
  maintenanceSummarySections,
  oeeTrendSections,
  qualitySummarySections,
} from "./range-templates.ts";
import type { ReportContent, ReportSection } from "./report-content.ts";
import { type ReportScope, reportScopeOf } from "./report-scope.ts";
import { shiftSummarySections } from "./shift-summary.ts";

const SECTIONS_OF: Record<ReportKind, (prisma: PrismaClient, scope: ReportScope) => Promise<ReportSection[]>> = {
  SHIFT_SUMMARY: shiftSummarySections,
  DAILY_PRODUCTION: dailyProductionSections,
  OEE_TREND: oeeTrendSections,
  DOWNTIME_PARETO: downtimeAnalysisSections,
  ANDON_SUMMARY: andonSummarySections,
  QUALITY_SUMMARY: qualitySummarySections,
  MAINTENANCE_SUMMARY: maintenanceSummarySections,
};

export async function reportContentOf(
  prisma: PrismaClient,
  template: { name: string; kind: ReportKind },
  parameters: ReportParameters,
): Promise<ReportContent> {
  const scope = await reportScopeOf(prisma, parameters);
  return {
    title: template.name,
    siteName: scope.siteName,
    timezone: scope.timezone,
    rangeText: scope.rangeText,
    sections: await SECTIONS_OF[template.kind](prisma, scope),
  };
}
