// Operator jobs: the Job type, the caller's and a line's jobs, the workflow mutations (assign,
// accept, start, complete, cancel) returning the job or a typed refusal from jobs/job-errors.ts,
// and jobUpdated: every committed transition published through Redis so any instance serves it.
import type { JobAssignment, JobStatus } from "@ms5/db";
import {
  ApiError,
  defineLoader,
  ExpectedError,
  InputInvalid,
  NotFound,
  perViewer,
  type SubgraphContext,
} from "@ms5/kit/subgraph";
import { builder, type Context, uuidArgument } from "../builder.ts";
import { ChecklistRequired, InvalidJobTransition, JobRuleBroken, NotYourJob } from "../jobs/job-errors.ts";
import { JOB_RULE_NAMES, JOB_RULES, type JobRuleBreach } from "../jobs/job-rules.ts";
import { acceptJob, assignJob, cancelJob, completeJob, startJob } from "../jobs/job-workflow.ts";
import type { LiveEvent } from "../live-events/index.ts";
import { EquipmentRef, LineRef, lineById } from "./plant.ts";

/** A list of jobs returns at most this many. @default 200 */
export const MAX_JOBS_LISTED = 200;

const JOB_STATUSES = [
  "ASSIGNED",
  "ACCEPTED",
  "IN_PROGRESS",
  "COMPLETED",
  "CANCELLED",
] as const satisfies readonly JobStatus[];

export const JobStatusEnum = builder.enumType("JobStatus", { values: JOB_STATUSES });

/** The person calling: jobs are assigned by and to users, so a service account cannot act on them. */
export function userActorOf(context: SubgraphContext): { userId: string } {
  if (context.identity.kind !== "user") {
    throw new ApiError("FORBIDDEN", "Only a signed-in person can do this, not a service account.");
  }
  return { userId: context.identity.userId };
}

builder.objectType(InvalidJobTransition, {
  name: "InvalidJobTransition",
  description: "The job is not in a state that allows this step; nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({
    jobId: t.exposeID("jobId"),
    from: t.field({ type: JobStatusEnum, resolve: (error) => error.from }),
    to: t.field({ type: JobStatusEnum, resolve: (error) => error.to }),
  }),
});

builder.objectType(NotYourJob, {
  name: "NotYourJob",
  description: "Only the assignee accepts, starts and completes a job.",
  interfaces: [ExpectedError],
  fields: (t) => ({ jobId: t.exposeID("jobId") }),
});

builder.objectType(ChecklistRequired, {
  name: "ChecklistRequired",
  description: "The job cannot start before each applicable pre-start checklist is signed (and passed) for it.",
  interfaces: [ExpectedError],
  fields: (t) => ({
    jobId: t.exposeID("jobId"),
    templateIds: t.exposeIDList("templateIds", { description: "The checklist templates still to sign." }),
  }),
});

export const JobRuleEnum = builder.enumType("JobRule", {
  description: "A rule assigning a job must meet; a manager may override broken ones with a reason.",
  values: Object.fromEntries(JOB_RULE_NAMES.map((rule) => [rule, { description: JOB_RULES[rule] }])),
});

const JobRuleBreachRef = builder.objectRef<JobRuleBreach>("JobRuleBreach").implement({
  description: "One job rule an assignment breaks, and the row that breaks it where there is one.",
  fields: (t) => ({
    rule: t.field({ type: JobRuleEnum, resolve: (breach) => breach.rule }),
    message: t.exposeString("message"),
    conflictingJobId: t.id({ nullable: true, resolve: (breach) => breach.conflictingJobId ?? null }),
    maintenanceWorkOrderId: t.id({ nullable: true, resolve: (breach) => breach.maintenanceWorkOrderId ?? null }),
    shiftInstanceId: t.id({ nullable: true, resolve: (breach) => breach.shiftInstanceId ?? null }),
  }),
});

builder.objectType(JobRuleBroken, {
  name: "JobRuleBroken",
  description:
    "The assignment breaks job rules; nothing changed. `rule` is the first broken, `breaches` all of them. Assign again with `overrideReason` to override them (audited).",
  interfaces: [ExpectedError],
  fields: (t) => ({
    rule: t.field({ type: JobRuleEnum, resolve: (error) => error.rule }),
    breaches: t.field({ type: [JobRuleBreachRef], resolve: (error) => [...error.breaches] }),
  }),
});

export const JobRef = builder.prismaObject("JobAssignment", {
  name: "Job",
  description: "Work given to an operator on a line or piece of equipment.",
  authScopes: { permission: "job:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    title: t.exposeString("title"),
    description: t.exposeString("description", { nullable: true }),
    status: t.field({ type: JobStatusEnum, resolve: (job) => job.status }),
    line: t.relation("line", { type: LineRef }),
    equipment: t.relation("equipment", { type: EquipmentRef, nullable: true }),
    workOrderId: t.exposeID("workOrderId", { nullable: true }),
    assigneeId: t.exposeID("assigneeId"),
    assignedById: t.exposeID("assignedById"),
    plannedQuantity: t.exposeInt("plannedQuantity", { nullable: true }),
    actualGoodQuantity: t.exposeInt("actualGoodQuantity", { nullable: true }),
    actualRejectQuantity: t.exposeInt("actualRejectQuantity", { nullable: true }),
    startsAt: t.expose("startsAt", {
      type: "DateTime",
      nullable: true,
      description: "The planned start; with dueAt, the window no other open job of the assignee may overlap.",
    }),
    dueAt: t.expose("dueAt", { type: "DateTime", nullable: true }),
    assignedAt: t.expose("assignedAt", { type: "DateTime" }),
    acceptedAt: t.expose("acceptedAt", { type: "DateTime", nullable: true }),
    startedAt: t.expose("startedAt", { type: "DateTime", nullable: true }),
    completedAt: t.expose("completedAt", { type: "DateTime", nullable: true }),
    cancelledAt: t.expose("cancelledAt", { type: "DateTime", nullable: true }),
    cancelReason: t.exposeString("cancelReason", { nullable: true }),
  }),
});

const jobById = defineLoader<string, JobAssignment | null>(async (ids, { prisma }) => {
  const rows = await prisma.jobAssignment.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});
// An entity so other subgraphs add fields to it (quality: the job's checks, defects and scrap).
builder.asEntity(JobRef, {
  key: builder.selection<{ id: string }>("id"),
  resolveReference: ({ id }, context) => context.loaders.of(jobById).load(id),
});

/**
 * Tells every instance's jobUpdated subscribers about a committed transition. Runs after the commit
 * and never fails the mutation: the job changed whether or not the event reaches anyone.
 */
async function publishJobUpdated(context: Context, job: JobAssignment): Promise<JobAssignment> {
  const hub = context.liveEvents;
  await hub?.publish({
    kind: "job",
    lineId: job.lineId,
    jobId: job.id,
    assigneeId: job.assigneeId,
    status: job.status,
    at: new Date().toISOString(),
  });
  return job;
}

/** Keeps the events `keep` accepts; returning it ends the inner iterator at once, even mid-wait. */
function filteredEvents(
  inner: AsyncIterableIterator<LiveEvent>,
  keep: (event: LiveEvent) => boolean,
): AsyncIterableIterator<LiveEvent> {
  const iterator: AsyncIterableIterator<LiveEvent> = {
    async next() {
      for (;;) {
        const result = await inner.next();
        if (result.done || keep(result.value)) return result;
      }
    },
    return: () => inner.return?.() ?? Promise.resolve({ value: undefined, done: true }),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

builder.subscriptionFields((t) => ({
  jobUpdated: t.field({
    type: JobRef,
    description:
      "A job of the line each time it is assigned or moves to another status (read fresh from the database).",
    authScopes: { permission: "job:read" },
    directives: perViewer("assignedToMe"),
    args: {
      lineId: t.arg.id({ required: true }),
      assignedToMe: t.arg.boolean({ defaultValue: false, description: "Only jobs assigned to the caller." }),
    },
    subscribe: async (_root, args, context) => {
      const lineId = uuidArgument(args.lineId, "lineId");
      const mine = args.assignedToMe ? userActorOf(context).userId : undefined;
      const hub = context.liveEvents;
      if (!hub) throw new Error("live events are not running on this instance");
      if (!(await context.loaders.of(lineById).load(lineId))) {
        throw new ApiError("NOT_FOUND", `There is no line ${lineId}.`);
      }
      const events = await hub.events(lineId, ["job"]);
      return filteredEvents(events, (event) => event.kind === "job" && (!mine || event.assigneeId === mine));
    },
    resolve: async (event: LiveEvent, _args, context) => {
      const job = event.kind === "job" ? await context.loaders.of(jobById).load(event.jobId) : null;
      if (!job) throw new ApiError("NOT_FOUND", "The job of this event no longer exists.");
      return job;
    },
  }),
}));

builder.queryFields((t) => ({
  myJobs: t.prismaField({
    listSize: { assumedSize: MAX_JOBS_LISTED },
    type: [JobRef],
    description: "The caller's jobs, soonest due first; all open ones when no status is given.",
    authScopes: { permission: "job:read" },
    args: { status: t.arg({ type: [JobStatusEnum], required: false }) },
    resolve: (query, _root, args, context) => {
      const { userId } = userActorOf(context);
      return context.prisma.jobAssignment.findMany({
        ...query,
        where: {
          assigneeId: userId,
          status: { in: args.status ?? ["ASSIGNED", "ACCEPTED", "IN_PROGRESS"] },
        },
        orderBy: [{ dueAt: { sort: "asc", nulls: "last" } }, { assignedAt: "asc" }],
        take: MAX_JOBS_LISTED,
      });
    },
  }),
  jobs: t.prismaField({
    listSize: { assumedSize: MAX_JOBS_LISTED },
    type: [JobRef],
    description: `A line's jobs, newest first (at most ${MAX_JOBS_LISTED}).`,
    authScopes: { permission: "job:read" },
    args: {
      lineId: t.arg.id({ required: true }),
      status: t.arg({ type: JobStatusEnum, required: false }),
    },
    resolve: (query, _root, args, context) =>
      context.prisma.jobAssignment.findMany({
        ...query,
        where: { lineId: uuidArgument(args.lineId, "lineId"), ...(args.status ? { status: args.status } : {}) },
        orderBy: { assignedAt: "desc" },
        take: MAX_JOBS_LISTED,
      }),
  }),
}));

const AssignJobInput = builder.inputType("AssignJobInput", {
  fields: (t) => ({
    title: t.string({ required: true }),
    description: t.string(),
    lineId: t.id({ required: true }),
    equipmentId: t.id(),
    workOrderId: t.id(),
    assigneeId: t.id({ required: true }),
    plannedQuantity: t.int(),
    startsAt: t.field({
      type: "DateTime",
      description: "The planned start, before dueAt: the job's window is from startsAt to dueAt.",
    }),
    dueAt: t.field({ type: "DateTime" }),
    idempotencyKey: t.string({ description: "A retried assignment with the same key returns the job it made." }),
    overrideReason: t.string({
      description: "Assigns even though job rules are broken; the reason and the rules overridden are audited.",
    }),
  }),
});

const transitionErrors = [NotFound, InputInvalid, NotYourJob, InvalidJobTransition];
const optionalId = (value: string | number | null | undefined, name: string) =>
  value === null || value === undefined ? null : uuidArgument(value, name);

builder.mutationFields((t) => ({
  assignJob: t.field({
    type: JobRef,
    description:
      "Gives a job to an operator, if the job rules hold (JobRule) or a manager overrides them with a reason.",
    authScopes: { permission: "job:assign" },
    errors: { types: [NotFound, InputInvalid, JobRuleBroken] },
    args: { input: t.arg({ type: AssignJobInput, required: true }) },
    resolve: (_root, { input }, context) =>
      assignJob(context.prisma, userActorOf(context), {
        ...input,
        lineId: uuidArgument(input.lineId, "lineId"),
        equipmentId: optionalId(input.equipmentId, "equipmentId"),
        workOrderId: optionalId(input.workOrderId, "workOrderId"),
        assigneeId: uuidArgument(input.assigneeId, "assigneeId"),
      }).then((job) => publishJobUpdated(context, job)),
  }),
  acceptJob: t.field({
    type: JobRef,
    description: "The assignee accepts an assigned job.",
    authScopes: { permission: "job:execute" },
    errors: { types: transitionErrors },
    args: { jobId: t.arg.id({ required: true }), idempotencyKey: t.arg.string() },
    resolve: (_root, args, context) =>
      acceptJob(context.prisma, userActorOf(context), {
        jobId: uuidArgument(args.jobId, "jobId"),
        idempotencyKey: args.idempotencyKey,
      }).then((job) => publishJobUpdated(context, job)),
  }),
  startJob: t.field({
    type: JobRef,
    description: "The assignee starts an accepted job, once its pre-start checklist is signed.",
    authScopes: { permission: "job:execute" },
    errors: { types: [...transitionErrors, ChecklistRequired] },
    args: { jobId: t.arg.id({ required: true }), idempotencyKey: t.arg.string() },
    resolve: (_root, args, context) =>
      startJob(context.prisma, userActorOf(context), {
        jobId: uuidArgument(args.jobId, "jobId"),
        idempotencyKey: args.idempotencyKey,
      }).then((job) => publishJobUpdated(context, job)),
  }),
  completeJob: t.field({
    type: JobRef,
    description: "The assignee completes a job in progress with the quantities made.",
    authScopes: { permission: "job:execute" },
    errors: { types: transitionErrors },
    args: {
      jobId: t.arg.id({ required: true }),
      actualGoodQuantity: t.arg.int({ required: true }),
      actualRejectQuantity: t.arg.int(),
      idempotencyKey: t.arg.string(),
    },
    resolve: (_root, args, context) =>
      completeJob(context.prisma, userActorOf(context), {
        jobId: uuidArgument(args.jobId, "jobId"),
        actualGoodQuantity: args.actualGoodQuantity,
        actualRejectQuantity: args.actualRejectQuantity,
        idempotencyKey: args.idempotencyKey,
      }).then((job) => publishJobUpdated(context, job)),
  }),
  cancelJob: t.field({
    type: JobRef,
    description: "A manager cancels a job that has not finished, with a reason.",
    authScopes: { permission: "job:cancel" },
    errors: { types: transitionErrors },
    args: {
      jobId: t.arg.id({ required: true }),
      reason: t.arg.string({ required: true }),
      idempotencyKey: t.arg.string(),
    },
    resolve: (_root, args, context) =>
      cancelJob(context.prisma, userActorOf(context), {
        jobId: uuidArgument(args.jobId, "jobId"),
        reason: args.reason,
        idempotencyKey: args.idempotencyKey,
      }).then((job) => publishJobUpdated(context, job)),
  }),
}));
