// The operator job workflow: a manager assigns, the assignee accepts, starts (after the pre-start
// checklist) and completes with quantities; a manager cancels with a reason. Every transition is a
// conditional update on the expected status, so of two concurrent transitions only one applies, and
// is recorded in the audit log with its idempotency key, so a tablet replaying it offline gets the
// job back and changes nothing.

import type { JobAssignment, JobStatus, Prisma, PrismaClient } from "@ms5/db";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { permissionsOf, type Role } from "@ms5/schema";
import { ChecklistRequired, InvalidJobTransition, JobRuleBroken, NotYourJob } from "./job-errors.ts";
import { jobRuleBreaches } from "./job-rules.ts";
import { outstandingPreStartTemplates } from "./pre-start-checklists.ts";

/** The person acting: jobs are assigned by and to users, never service accounts. */
export interface JobActor {
  userId: string;
}

export type JobTransitionName = "accept" | "start" | "complete" | "cancel";

/** The audit-log entity type of jobs; an entry's action is `job.<transition>`. */
export const JOB_AUDIT_ENTITY = "JobAssignment";

/** Which statuses each target status may be reached from. */
export const JOB_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  ASSIGNED: [],
  ACCEPTED: ["ASSIGNED"],
  IN_PROGRESS: ["ACCEPTED"],
  COMPLETED: ["IN_PROGRESS"],
  CANCELLED: ["ASSIGNED", "ACCEPTED", "IN_PROGRESS"],
};

export function isAllowedJobTransition(from: JobStatus, to: JobStatus): boolean {
  return JOB_TRANSITIONS[to].includes(from);
}

export interface AssignJobInput {
  title: string;
  description?: string | null;
  lineId: string;
  equipmentId?: string | null;
  workOrderId?: string | null;
  assigneeId: string;
  plannedQuantity?: number | null;
  /** With dueAt, the job's window: [startsAt, dueAt). */
  startsAt?: Date | null;
  dueAt?: Date | null;
  idempotencyKey?: string | null;
  /**
   * Assigns despite broken job rules; the reason and the rules overridden go to the audit log. The
   * caller may assign jobs (`job:assign`), which only managers and admins may, so any caller here
   * may override.
   */
  overrideReason?: string | null;
}

/** An override reason is at most this long. @default 500 */
export const MAX_OVERRIDE_REASON_LENGTH = 500;

interface TransitionOptions {
  idempotencyKey?: string | null;
}

/** Holds a transaction-scoped lock on a key, so two replays of one idempotency key run one after the other. */
async function lockIdempotencyKey(tx: Prisma.TransactionClient, key: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`job:${key}`}, 0))`;
}

async function auditedJobIdFor(
  tx: Prisma.TransactionClient,
  action: string,
  key: string,
  jobId?: string,
): Promise<string | undefined> {
  const entry = await tx.auditLog.findFirst({
    where: {
      entityType: JOB_AUDIT_ENTITY,
      action,
      ...(jobId ? { entityId: jobId } : {}),
      after: { path: ["idempotencyKey"], equals: key },
    },
    select: { entityId: true },
  });
  return entry?.entityId;
}

function requireKey(key: string | null | undefined): string | undefined {
  if (key === null || key === undefined) return undefined;
  if (key.trim().length === 0 || key.length > 200) {
    throw new InputInvalid("idempotencyKey", "An idempotency key is 1 to 200 characters.");
  }
  return key;
}

/** Assigns a job to an operator (`job:assign`). The same idempotency key returns the job it made. */
export async function assignJob(prisma: PrismaClient, actor: JobActor, input: AssignJobInput): Promise<JobAssignment> {
  const key = requireKey(input.idempotencyKey);
  const title = input.title.trim();
  if (title.length === 0) throw new InputInvalid("title", "A job needs a title.");
  if (input.plannedQuantity !== null && input.plannedQuantity !== undefined) {
    if (!Number.isInteger(input.plannedQuantity) || input.plannedQuantity <= 0) {
      throw new InputInvalid("plannedQuantity", "The planned quantity is a whole number above zero.");
    }
  }
  if (input.dueAt && Number.isNaN(input.dueAt.getTime()))
    throw new InputInvalid("dueAt", "The due time is not a date.");
  const startsAt = input.startsAt ?? null;
  if (startsAt) {
    if (Number.isNaN(startsAt.getTime())) throw new InputInvalid("startsAt", "The start is not a date.");
    if (!input.dueAt) throw new InputInvalid("startsAt", "A planned start needs a due time to end the window.");
    if (startsAt >= input.dueAt) throw new InputInvalid("startsAt", "The planned start must be before the due time.");
  }
  let overrideReason: string | null = null;
  if (input.overrideReason !== null && input.overrideReason !== undefined) {
    overrideReason = input.overrideReason.trim();
    if (overrideReason.length === 0 || overrideReason.length > MAX_OVERRIDE_REASON_LENGTH) {
      throw new InputInvalid(
        "overrideReason",
        `An override needs a reason of 1 to ${MAX_OVERRIDE_REASON_LENGTH} characters.`,
      );
    }
  }

  return prisma.$transaction(async (tx) => {
    if (key) {
      await lockIdempotencyKey(tx, key);
      const jobId = await auditedJobIdFor(tx, "job.assign", key);
      if (jobId) return tx.jobAssignment.findUniqueOrThrow({ where: { id: jobId } });
    }
    const line = await tx.line.findUnique({ where: { id: input.lineId }, select: { id: true } });
    if (!line) throw new NotFound("line", input.lineId);
    if (input.equipmentId) {
      const equipment = await tx.equipment.findUnique({ where: { id: input.equipmentId }, select: { lineId: true } });
      if (!equipment) throw new NotFound("equipment", input.equipmentId);
      if (equipment.lineId !== line.id) throw new InputInvalid("equipmentId", "The equipment is not on that line.");
    }
    if (input.workOrderId) {
      const workOrder = await tx.workOrder.findUnique({ where: { id: input.workOrderId }, select: { lineId: true } });
      if (!workOrder) throw new NotFound("work order", input.workOrderId);
      if (workOrder.lineId !== line.id) throw new InputInvalid("workOrderId", "The work order is for another line.");
    }
    const assignee = await tx.user.findUnique({
      where: { id: input.assigneeId },
      select: { active: true, roles: true },
    });
    if (!assignee) throw new NotFound("user", input.assigneeId);
    if (!assignee.active || !permissionsOf(assignee.roles as Role[]).has("job:execute")) {
      throw new InputInvalid("assigneeId", "Jobs go to active users who may execute them (operators).");
    }
    // Two assignments to one person run one after the other, so neither misses the other's window.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`job-assignee:${input.assigneeId}`}, 0))`;
    const breaches = await jobRuleBreaches(
      tx,
      {
        lineId: line.id,
        equipmentId: input.equipmentId ?? null,
        assigneeId: input.assigneeId,
        startsAt,
        dueAt: input.dueAt ?? null,
      },
      new Date(),
    );
    if (breaches.length > 0 && overrideReason === null) throw new JobRuleBroken(breaches);

    const job = await tx.jobAssignment.create({
      data: {
        title,
        description: input.description ?? null,
        lineId: line.id,
        equipmentId: input.equipmentId ?? null,
        workOrderId: input.workOrderId ?? null,
        assigneeId: input.assigneeId,
        assignedById: actor.userId,
        plannedQuantity: input.plannedQuantity ?? null,
        startsAt,
        dueAt: input.dueAt ?? null,
      },
    });
    await tx.auditLog.create({
      data: {
        actorUserId: actor.userId,
        action: "job.assign",
        entityType: JOB_AUDIT_ENTITY,
        entityId: job.id,
        after: {
          status: job.status,
          assigneeId: job.assigneeId,
          idempotencyKey: key ?? null,
          ...(overrideReason === null
            ? {}
            : {
                overrideReason,
                overriddenRules: breaches.map((breach) => ({ rule: breach.rule, message: breach.message })),
              }),
        },
      },
    });
    return job;
  });
}

interface TransitionSpec {
  name: JobTransitionName;
  to: JobStatus;
  /** Accept, start and complete are the assignee's alone. */
  assigneeOnly: boolean;
  data: (now: Date) => Prisma.JobAssignmentUpdateManyMutationInput;
  /** Checks beyond the state machine, inside the transaction (the pre-start checklist). */
  guard?: (tx: Prisma.TransactionClient, job: JobAssignment) => Promise<void>;
  /** What the audit entry records besides the statuses. */
  detail?: Record<string, string | number | null>;
}

async function transitionJob(
  prisma: PrismaClient,
  actor: JobActor,
  jobId: string,
  options: TransitionOptions,
  spec: TransitionSpec,
): Promise<JobAssignment> {
  const key = requireKey(options.idempotencyKey);
  const action = `job.${spec.name}`;
  return prisma.$transaction(async (tx) => {
    // Replays of one key run one after the other, so a replay reads the job after the first one
    // committed and returns it as it now is, never as it was before.
    if (key) await lockIdempotencyKey(tx, key);
    const job = await tx.jobAssignment.findUnique({ where: { id: jobId } });
    if (!job) throw new NotFound("job", jobId);
    if (spec.assigneeOnly && job.assigneeId !== actor.userId) throw new NotYourJob(jobId);
    if (key && (await auditedJobIdFor(tx, action, key, jobId))) return job;
    if (!isAllowedJobTransition(job.status, spec.to)) throw new InvalidJobTransition(jobId, job.status, spec.to);
    await spec.guard?.(tx, job);

    const { count } = await tx.jobAssignment.updateMany({
      where: { id: jobId, status: job.status },
      data: { ...spec.data(new Date()), status: spec.to },
    });
    const current = await tx.jobAssignment.findUniqueOrThrow({ where: { id: jobId } });
    if (count === 0) {
      // Another transition committed between our read and our update (row lock, then re-check).
      if (key && (await auditedJobIdFor(tx, action, key, jobId))) return current;
      throw new InvalidJobTransition(jobId, current.status, spec.to);
    }
    await tx.auditLog.create({
      data: {
        actorUserId: actor.userId,
        action,
        entityType: JOB_AUDIT_ENTITY,
        entityId: jobId,
        before: { status: job.status },
        after: { status: spec.to, idempotencyKey: key ?? null, ...spec.detail },
      },
    });
    return current;
  });
}

/** The assignee accepts an ASSIGNED job (`job:execute`). */
export function acceptJob(
  prisma: PrismaClient,
  actor: JobActor,
  input: { jobId: string } & TransitionOptions,
): Promise<JobAssignment> {
  return transitionJob(prisma, actor, input.jobId, input, {
    name: "accept",
    to: "ACCEPTED",
    assigneeOnly: true,
    data: (now) => ({ acceptedAt: now }),
  });
}

/** The assignee starts an ACCEPTED job once every applicable pre-start checklist is signed and passed. */
export function startJob(
  prisma: PrismaClient,
  actor: JobActor,
  input: { jobId: string } & TransitionOptions,
): Promise<JobAssignment> {
  return transitionJob(prisma, actor, input.jobId, input, {
    name: "start",
    to: "IN_PROGRESS",
    assigneeOnly: true,
    data: (now) => ({ startedAt: now }),
    guard: async (tx, job) => {
      const outstanding = await outstandingPreStartTemplates(tx, job);
      if (outstanding.length > 0) throw new ChecklistRequired(job.id, outstanding);
    },
  });
}

/** The assignee completes an IN_PROGRESS job with the good and rejected quantities made. */
export function completeJob(
  prisma: PrismaClient,
  actor: JobActor,
  input: { jobId: string; actualGoodQuantity: number; actualRejectQuantity?: number | null } & TransitionOptions,
): Promise<JobAssignment> {
  const good = input.actualGoodQuantity;
  const reject = input.actualRejectQuantity ?? 0;
  if (!Number.isInteger(good) || good < 0) {
    return Promise.reject(new InputInvalid("actualGoodQuantity", "The good quantity is a whole number, zero or more."));
  }
  if (!Number.isInteger(reject) || reject < 0) {
    return Promise.reject(
      new InputInvalid("actualRejectQuantity", "The reject quantity is a whole number, zero or more."),
    );
  }
  return transitionJob(prisma, actor, input.jobId, input, {
    name: "complete",
    to: "COMPLETED",
    assigneeOnly: true,
    data: (now) => ({ completedAt: now, actualGoodQuantity: good, actualRejectQuantity: reject }),
    detail: { actualGoodQuantity: good, actualRejectQuantity: reject },
  });
}

/**
 * Cancels a job that has not finished, with a reason. The permission (`job:cancel`, managers) is
 * the guard: an operator cannot cancel the job given to them.
 */
export function cancelJob(
  prisma: PrismaClient,
  actor: JobActor,
  input: { jobId: string; reason: string } & TransitionOptions,
): Promise<JobAssignment> {
  const reason = input.reason.trim();
  if (reason.length === 0) return Promise.reject(new InputInvalid("reason", "Say why the job is cancelled."));
  return transitionJob(prisma, actor, input.jobId, input, {
    name: "cancel",
    to: "CANCELLED",
    assigneeOnly: false,
    data: (now) => ({ cancelledAt: now, cancelReason: reason }),
    detail: { reason },
  });
}
