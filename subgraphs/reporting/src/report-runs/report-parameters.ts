// What a report run (or a schedule) asks for, checked once before anything is queued: a known
// active template, a range in order and within the limit, lines that exist.
import type { PrismaClient, ReportTemplate } from "@ms5/db";
import { ApiError } from "@ms5/kit/subgraph";
import { checkedRange } from "../analytics/analytics-range.ts";

export interface ReportParameters {
  from: string;
  to: string;
  /** Empty: every active line. */
  lineIds: string[];
}

export interface ReportRequest {
  templateKey: string;
  from: Date;
  to: Date;
  lineIds?: readonly string[] | null;
}

export async function checkedReportRequest(
  prisma: PrismaClient,
  request: ReportRequest,
): Promise<{ template: ReportTemplate; parameters: ReportParameters }> {
  const range = checkedRange(request.from, request.to);
  const template = await prisma.reportTemplate.findUnique({ where: { key: request.templateKey } });
  if (!template?.active) {
    throw new ApiError("BAD_USER_INPUT", `There is no active report template "${request.templateKey}".`);
  }
  const lineIds = [...new Set(request.lineIds ?? [])];
  if (lineIds.length > 0) {
    const found = await prisma.line.count({ where: { id: { in: lineIds } } });
    if (found !== lineIds.length) throw new ApiError("BAD_USER_INPUT", "lineIds names a line that does not exist.");
  }
  return { template, parameters: { from: range.from.toISOString(), to: range.to.toISOString(), lineIds } };
}
