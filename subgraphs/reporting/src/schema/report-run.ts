// Report runs: generateReport queues a run and returns it at once (rendering happens off the
// request path) and wakes the runners; a queued or running run can be cancelled; runs are listed
// newest first; reportRunUpdated follows one run's progress. Who may read a run: every holder of
// report:read (the plant has no per-line read permission, so a run's scope, its lines, is readable by
// all of them): the subscription is @plantWide.
import type { ReportRun } from "@ms5/db";
import { ApiError, defineLoader, PLANT_WIDE_FEED } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { checkedReportRequest } from "../report-runs/report-parameters.ts";
import type { ReportRunEvent } from "../report-runs/report-run-events.ts";
import { ReportTemplateRef } from "./report-template.ts";

const ReportRunStatusEnum = builder.enumType("ReportRunStatus", {
  values: ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] as const,
});

export const ReportRunRef = builder.prismaObject("ReportRun", {
  authScopes: { permission: "report:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    status: t.expose("status", { type: ReportRunStatusEnum }),
    progress: t.exposeFloat("progress", { description: "0 to 1." }),
    queuedAt: t.expose("queuedAt", { type: "DateTime" }),
    startedAt: t.expose("startedAt", { type: "DateTime", nullable: true }),
    finishedAt: t.expose("finishedAt", { type: "DateTime", nullable: true }),
    failureReason: t.exposeString("error", { nullable: true }),
    contentType: t.exposeString("contentType", { nullable: true }),
    fileSizeBytes: t.exposeInt("fileSizeBytes", { nullable: true }),
    fileSha256: t.exposeString("fileSha256", { nullable: true }),
    parameters: t.string({
      description: "The run's parameters as JSON.",
      resolve: (run) => JSON.stringify(run.parameters),
    }),
    template: t.relation("template", { type: ReportTemplateRef }),
  }),
});

const GenerateReportInput = builder.inputType("GenerateReportInput", {
  fields: (t) => ({
    templateKey: t.string({ required: true }),
    from: t.field({ type: "DateTime", required: true }),
    to: t.field({ type: "DateTime", required: true }),
    lineIds: t.idList(),
  }),
});

builder.queryFields((t) => ({
  reportRun: t.prismaField({
    type: ReportRunRef,
    nullable: true,
    authScopes: { permission: "report:read" },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, { prisma }) =>
      prisma.reportRun.findUnique({ ...query, where: { id: uuidArgument(args.id, "id") } }),
  }),
  reportRuns: t.prismaField({
    type: [ReportRunRef],
    description: "The latest runs, newest first.",
    authScopes: { permission: "report:read" },
    args: { last: t.arg.int({ description: "At most 100; 20 when absent." }) },
    resolve: (query, _root, args, { prisma }) => {
      const take = args.last ?? 20;
      if (!Number.isInteger(take) || take < 1 || take > 100)
        throw new ApiError("BAD_USER_INPUT", "last must be 1 to 100.");
      return prisma.reportRun.findMany({ ...query, orderBy: { queuedAt: "desc" }, take });
    },
  }),
}));

builder.mutationFields((t) => ({
  generateReport: t.prismaField({
    type: ReportRunRef,
    description: "Queues a run of a template and returns it at once; follow it with reportRun or reportRunUpdated.",
    authScopes: { permission: "report:run" },
    args: { input: t.arg({ type: GenerateReportInput, required: true }) },
    resolve: async (query, _root, { input }, { prisma, identity, reportRunEvents }) => {
      const lineIds = input.lineIds?.map((id) => uuidArgument(id, "lineIds")) ?? null;
      const { template, parameters } = await checkedReportRequest(prisma, { ...input, lineIds });
      const requestedById = identity.kind === "user" ? identity.userId : null;
      const run = await prisma.reportRun.create({
        ...query,
        data: { templateId: template.id, parameters: { ...parameters }, requestedById },
      });
      const events = reportRunEvents;
      await events?.publish("report-run-updated", run.id);
      await events?.publish("report-run-queued", run.id);
      return run;
    },
  }),
  cancelReportRun: t.prismaField({
    type: ReportRunRef,
    description: "Cancels a queued or running run; a finished run is refused with INVALID_STATE_TRANSITION.",
    authScopes: { permission: "report:run" },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, { prisma, reportRunEvents }) => {
      const id = uuidArgument(args.id, "id");
      const cancelled = await prisma.reportRun.updateMany({
        where: { id, status: { in: ["QUEUED", "RUNNING"] } },
        data: { status: "CANCELLED", finishedAt: new Date() },
      });
      const run = await prisma.reportRun.findUnique({ ...query, where: { id } });
      if (!run) throw new ApiError("NOT_FOUND", `There is no report run ${id}.`);
      if (cancelled.count === 0) {
        throw new ApiError(
          "INVALID_STATE_TRANSITION",
          `The report run is ${run.status.toLowerCase()}; it can no longer be cancelled.`,
        );
      }
      await reportRunEvents?.publish("report-run-updated", id);
      return run;
    },
  }),
}));

const reportRunById = defineLoader<string, ReportRun | null>(async (ids, { prisma }) => {
  const rows = await prisma.reportRun.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

builder.subscriptionFields((t) => ({
  reportRunUpdated: t.field({
    type: ReportRunRef,
    description: "A run each time it changes: queued, taken, its progress, its end (succeeded, failed or cancelled).",
    authScopes: { permission: "report:read" },
    directives: PLANT_WIDE_FEED,
    args: { id: t.arg.id({ required: true }) },
    subscribe: async (_root, args, { prisma, reportRunEvents }) => {
      const id = uuidArgument(args.id, "id");
      const events = reportRunEvents;
      if (!events) throw new Error("report run events are not running on this instance");
      if (!(await prisma.reportRun.findUnique({ where: { id }, select: { id: true } }))) {
        throw new ApiError("NOT_FOUND", `There is no report run ${id}.`);
      }
      return events.updatesOf(id);
    },
    resolve: async (event: ReportRunEvent, _args, context) => {
      const run = await context.loaders.of(reportRunById).load(event.runId);
      if (!run) throw new ApiError("NOT_FOUND", "The report run of this event no longer exists.");
      return run;
    },
  }),
}));
