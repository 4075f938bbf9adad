// The scope every template reads: the range, the lines (those named, else every active line, by
// name) and the site's name and zone for the header of each page.
import type { PrismaClient } from "@ms5/db";
import type { ReportParameters } from "../report-runs/report-parameters.ts";
import { rangeTextOf } from "./report-content.ts";

export interface ReportScope {
  from: Date;
  to: Date;
  lines: { id: string; name: string; code: string }[];
  siteName: string;
  timezone: string;
  rangeText: string;
}

export async function reportScopeOf(prisma: PrismaClient, parameters: ReportParameters): Promise<ReportScope> {
  const from = new Date(parameters.from);
  const to = new Date(parameters.to);
  const lines = await prisma.line.findMany({
    where: parameters.lineIds.length > 0 ? { id: { in: parameters.lineIds } } : { active: true },
    include: { area: { include: { site: true } } },
    orderBy: { name: "asc" },
  });
  const site =
    lines[0]?.area.site ?? (await prisma.site.findFirst({ where: { active: true }, orderBy: { createdAt: "asc" } }));
  const timezone = site?.timezone ?? "UTC";
  return {
    from,
    to,
    lines: lines.map((l) => ({ id: l.id, name: l.name, code: l.code })),
    siteName: site?.name ?? "",
    timezone,
    rangeText: rangeTextOf(from, to, timezone),
  };
}
