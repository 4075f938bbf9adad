// jobStatistics: the manager's view of how jobs went, per operator, line and shift (jobs/job-statistics.ts).
import { builder, uuidArgument } from "../builder.ts";
import {
  JOB_STATISTICS_DEFAULTS,
  type JobStatisticsDimension,
  type JobStatisticsRow,
  jobStatistics,
} from "../jobs/job-statistics.ts";
import { LineRef, lineById } from "./plant.ts";
import { ShiftRef, shiftById } from "./shift.ts";
import { UserRef, userById } from "./user-admin.ts";

const DIMENSIONS = ["OPERATOR", "LINE", "SHIFT"] as const satisfies readonly JobStatisticsDimension[];

const JobStatisticsDimensionEnum = builder.enumType("JobStatisticsDimension", {
  description: "What a row of job statistics stands for; dimensions left out are summed over.",
  values: DIMENSIONS,
});

const JobStatisticsRowRef = builder.objectRef<JobStatisticsRow>("JobStatisticsRow").implement({
  description: "Jobs assigned in the period for one operator / line / shift (those grouped by); the others are null.",
  fields: (t) => ({
    operatorId: t.id({ nullable: true, resolve: (row) => row.operatorId }),
    operator: t.field({
      type: UserRef,
      nullable: true,
      authScopes: { permission: "user:read" },
      resolve: (row, _args, context) => (row.operatorId ? context.loaders.of(userById).load(row.operatorId) : null),
    }),
    line: t.field({
      type: LineRef,
      nullable: true,
      resolve: (row, _args, context) => (row.lineId ? context.loaders.of(lineById).load(row.lineId) : null),
    }),
    shift: t.field({
      type: ShiftRef,
      nullable: true,
      description: "The shift the job's due time (or, without one, its assignment) fell in; null: none.",
      resolve: (row, _args, context) => (row.shiftId ? context.loaders.of(shiftById).load(row.shiftId) : null),
    }),
    assigned: t.exposeInt("assigned"),
    accepted: t.exposeInt("accepted", { description: "Of those assigned, how many were accepted (ever)." }),
    completed: t.exposeInt("completed"),
    completedOnTime: t.exposeInt("completedOnTime", {
      description: "Completed by the due time; a job without a due time counts when completed at all.",
    }),
    meanTimeToAcceptSeconds: t.exposeFloat("meanTimeToAcceptSeconds", {
      nullable: true,
      description: "Mean seconds from assignment to acceptance over the accepted jobs.",
    }),
    meanTimeToCompleteSeconds: t.exposeFloat("meanTimeToCompleteSeconds", {
      nullable: true,
      description: "Mean seconds from assignment to completion over the completed jobs.",
    }),
    plannedQuantity: t.exposeInt("plannedQuantity", {
      description: "The planned quantity of the completed jobs that had one.",
    }),
    goodQuantity: t.exposeInt("goodQuantity", { description: "The good quantity made on those same jobs." }),
    quantityAgainstPlanned: t.exposeFloat("quantityAgainstPlanned", {
      nullable: true,
      description: "goodQuantity / plannedQuantity; null when no planned job was completed.",
    }),
  }),
});

builder.queryFields((t) => ({
  jobStatistics: t.field({
    type: [JobStatisticsRowRef],
    // Rows are operators x lines x shifts that had jobs: a plant's few hundred at most.
    listSize: { assumedSize: 500 },
    description: `How the jobs assigned in [from, to) went (at most ${JOB_STATISTICS_DEFAULTS.maxRangeDays} days), one row per combination of the dimensions grouped by.`,
    authScopes: { permission: "job:assign" },
    args: {
      from: t.arg({ type: "DateTime", required: true }),
      to: t.arg({ type: "DateTime", required: true }),
      lineId: t.arg.id(),
      groupBy: t.arg({ type: [JobStatisticsDimensionEnum], defaultValue: [...DIMENSIONS] }),
    },
    // Bad input (a reversed or too long range) is a BAD_USER_INPUT error, as on every statistics query.
    resolve: (_root, args, context) =>
      jobStatistics(context.prisma, {
        from: args.from,
        to: args.to,
        lineId: args.lineId === null || args.lineId === undefined ? null : uuidArgument(args.lineId, "lineId"),
        groupBy: args.groupBy ?? DIMENSIONS,
      }),
  }),
}));
