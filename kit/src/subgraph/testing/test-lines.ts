// The rows every test subgraph reads: one site, one area and two lines, like the demo plant's.
import { randomUUID } from "node:crypto";
import type { Line, PrismaClient } from "@ms5/db";

/** Two lines in one area of one site; codes are unique, so several tests can share a database. */
export async function insertTestLines(prisma: PrismaClient): Promise<{ bagging: Line; loading: Line }> {
  const unique = randomUUID().slice(0, 8);
  const site = await prisma.site.create({ data: { code: `RM-${unique}`, name: "Riverside Mill" } });
  const area = await prisma.area.create({ data: { siteId: site.id, code: "PACK", name: "Packing" } });
  const bagging = await prisma.line.create({
    data: { areaId: area.id, code: `bl1-${unique}`, name: "Bagging Line 1" },
  });
  const loading = await prisma.line.create({
    data: { areaId: area.id, code: `ll1-${unique}`, name: "Loading Line 1" },
  });
  return { bagging, loading };
}
