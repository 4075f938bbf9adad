// Which pre-start checklist templates apply to a piece of equipment (or, for a job without
// equipment, to its line), and which of them a job has not yet signed off.
import type { ChecklistTemplate, Prisma, PrismaClient } from "@ms5/db";

type Db = PrismaClient | Prisma.TransactionClient;

export interface ChecklistScope {
  /** null for a job on a whole line: then only the line's templates apply. */
  equipmentId: string | null;
  lineId: string;
}

/**
 * The active templates of `kind` for the scope: the equipment's own and its line's (equipmentId
 * null). When several versions of one template are active, only the highest applies.
 */
export async function applicableChecklistTemplates(
  prisma: Db,
  scope: ChecklistScope,
  kind: ChecklistTemplate["kind"] = "PRE_START",
): Promise<ChecklistTemplate[]> {
  const rows = await prisma.checklistTemplate.findMany({
    where: {
      active: true,
      kind,
      OR: [
        ...(scope.equipmentId ? [{ equipmentId: scope.equipmentId }] : []),
        { equipmentId: null, lineId: scope.lineId },
      ],
    },
    orderBy: [{ name: "asc" }, { version: "desc" }],
  });
  const latest = new Map<string, ChecklistTemplate>();
  for (const row of rows) if (!latest.has(row.name)) latest.set(row.name, row);
  return [...latest.values()];
}

/**
 * The ids of applicable PRE_START templates without a SIGNED completion for the job that also
 * passed (every checkbox ticked, every number within limits): a failed check is signed for the
 * record, but it does not clear the job to start.
 */
export async function outstandingPreStartTemplates(
  prisma: Db,
  job: { id: string; lineId: string; equipmentId: string | null },
): Promise<string[]> {
  const templates = await applicableChecklistTemplates(prisma, { equipmentId: job.equipmentId, lineId: job.lineId });
  if (templates.length === 0) return [];
  const signed = await prisma.checklistCompletion.findMany({
    where: { jobId: job.id, status: "SIGNED", passed: true, templateId: { in: templates.map((t) => t.id) } },
    select: { templateId: true },
  });
  const done = new Set(signed.map((row) => row.templateId));
  return templates.filter((t) => !done.has(t.id)).map((t) => t.id);
}
