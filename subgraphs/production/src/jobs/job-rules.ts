// The rules a job assignment must meet (issue 21): the operator is certified for the equipment, is on
// the shift the job falls in, and is not double-booked, and the equipment is not being repaired.
// Each broken rule is reported on its own so a manager sees every reason and may override them all
// with one stated reason.
import type { Prisma } from "@ms5/db";

/** The rules, as the API names them in `JobRuleBroken.rule` and `breaches[].rule`. */
export const JOB_RULES = {
  CERTIFICATION: "The operator holds a certification, valid through the job, for its equipment or equipment kind",
  SHIFT_ASSIGNMENT: "The operator is assigned to the shift of the job's due time (the shift on duty when it has none)",
  JOB_IN_PROGRESS_ELSEWHERE: "The operator has no job in progress on other equipment or another line",
  OVERLAPPING_WINDOW: "The job's window does not overlap another open job of the operator",
  EQUIPMENT_UNDER_MAINTENANCE: "The equipment has no maintenance work order in progress",
} as const;
export type JobRule = keyof typeof JOB_RULES;
export const JOB_RULE_NAMES = Object.keys(JOB_RULES) as JobRule[];

/** One rule the assignment breaks, with the row that breaks it where there is one. */
export interface JobRuleBreach {
  rule: JobRule;
  message: string;
  /** The other job (in progress elsewhere, or whose window overlaps). */
  conflictingJobId?: string;
  /** The maintenance work order in progress on the equipment. */
  maintenanceWorkOrderId?: string;
  /** The shift instance the job falls in, when there is one. */
  shiftInstanceId?: string;
}

/** What the rules look at of the job being assigned. */
export interface JobUnderRules {
  lineId: string;
  equipmentId: string | null;
  assigneeId: string;
  startsAt: Date | null;
  dueAt: Date | null;
}

const OPEN_STATUSES = ["ASSIGNED", "ACCEPTED", "IN_PROGRESS"] as const;

/**
 * Whether two windows share time. Windows are half-open and a job without a planned start is the
 * instant of its due time, so back-to-back jobs do not overlap and two jobs due at one instant do
 * not either (neither claims any time); a due instant strictly inside another job's window does.
 */
export function windowsOverlap(a: { start: Date; end: Date }, b: { start: Date; end: Date }): boolean {
  return a.start < b.end && b.start < a.end;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 16).replace("T", " ");
}

/** Every rule the job breaks, in the order of JOB_RULES; empty when it may be assigned. */
export async function jobRuleBreaches(
  tx: Prisma.TransactionClient,
  job: JobUnderRules,
  now: Date,
): Promise<JobRuleBreach[]> {
  const breaches: JobRuleBreach[] = [];
  // The time the job is judged at: when it is due, or now for a job without a due time.
  const at = job.dueAt ?? now;
  const from = job.startsAt ?? at;

  if (job.equipmentId) {
    const equipment = await tx.equipment.findUniqueOrThrow({
      where: { id: job.equipmentId },
      select: { id: true, kind: true, name: true },
    });
    const qualifying = await tx.certification.findMany({
      where: {
        userId: job.assigneeId,
        OR: [{ equipmentId: equipment.id }, { equipmentKind: equipment.kind }],
      },
      orderBy: { expiresAt: { sort: "desc", nulls: "first" } },
    });
    const valid = qualifying.find((cert) => cert.issuedAt <= from && (cert.expiresAt === null || cert.expiresAt > at));
    if (!valid) {
      const latest = qualifying[0];
      breaches.push({
        rule: "CERTIFICATION",
        message: latest
          ? latest.issuedAt > from
            ? `The certification "${latest.name}" for ${equipment.name} is only valid from ${day(latest.issuedAt)}.`
            : `The certification "${latest.name}" for ${equipment.name} expired on ${day(latest.expiresAt!)}, before the job is due.`
          : `The operator holds no certification for ${equipment.name} (${equipment.kind}).`,
      });
    }
  }

  const line = await tx.line.findUniqueOrThrow({
    where: { id: job.lineId },
    select: { area: { select: { siteId: true } } },
  });
  const shiftInstances = await tx.shiftInstance.findMany({
    where: {
      startsAt: { lte: at },
      endsAt: { gt: at },
      shift: { pattern: { siteId: line.area.siteId, active: true } },
    },
    select: { id: true, assignments: { where: { userId: job.assigneeId }, select: { lineId: true } } },
    orderBy: { startsAt: "desc" },
  });
  const onShift = shiftInstances.some((instance) =>
    instance.assignments.some((assignment) => assignment.lineId === null || assignment.lineId === job.lineId),
  );
  if (!onShift) {
    const shiftInstanceId = shiftInstances[0]?.id;
    breaches.push({
      rule: "SHIFT_ASSIGNMENT",
      message:
        shiftInstanceId === undefined
          ? `No shift of the site is on at ${day(at)}, so nobody is rostered then.`
          : `The operator is not assigned to the shift on at ${day(at)} (on this line or the whole site).`,
      ...(shiftInstanceId === undefined ? {} : { shiftInstanceId }),
    });
  }

  // Elsewhere: another line, or another machine of this line; a whole-line job and a job on one of
  // the line's machines are the same place.
  const inProgress = await tx.jobAssignment.findMany({
    where: { assigneeId: job.assigneeId, status: "IN_PROGRESS" },
    select: { id: true, title: true, lineId: true, equipmentId: true },
    orderBy: { startedAt: "desc" },
  });
  const elsewhere = inProgress.find(
    (other) =>
      other.lineId !== job.lineId ||
      (job.equipmentId !== null && other.equipmentId !== null && other.equipmentId !== job.equipmentId),
  );
  if (elsewhere) {
    breaches.push({
      rule: "JOB_IN_PROGRESS_ELSEWHERE",
      message: `The operator is working on "${elsewhere.title}" elsewhere.`,
      conflictingJobId: elsewhere.id,
    });
  }

  if (job.dueAt) {
    const window = { start: from, end: job.dueAt };
    const candidates = await tx.jobAssignment.findMany({
      where: {
        assigneeId: job.assigneeId,
        status: { in: [...OPEN_STATUSES] },
        dueAt: { gt: window.start },
        OR: [{ startsAt: { lt: window.end } }, { startsAt: null, dueAt: { lt: window.end } }],
      },
      select: { id: true, title: true, startsAt: true, dueAt: true },
      orderBy: { dueAt: "asc" },
    });
    const overlapping = candidates.find((other) =>
      windowsOverlap(window, { start: other.startsAt ?? other.dueAt!, end: other.dueAt! }),
    );
    if (overlapping) {
      breaches.push({
        rule: "OVERLAPPING_WINDOW",
        message: `The job's window overlaps "${overlapping.title}" (due ${day(overlapping.dueAt!)}).`,
        conflictingJobId: overlapping.id,
      });
    }
  }

  if (job.equipmentId) {
    const repair = await tx.maintenanceWorkOrder.findFirst({
      where: { equipmentId: job.equipmentId, status: "IN_PROGRESS" },
      select: { id: true, number: true, title: true },
      orderBy: { createdAt: "desc" },
    });
    if (repair) {
      breaches.push({
        rule: "EQUIPMENT_UNDER_MAINTENANCE",
        message: `The equipment is under maintenance work order ${repair.number} (${repair.title}).`,
        maintenanceWorkOrderId: repair.id,
      });
    }
  }
  return breaches;
}
