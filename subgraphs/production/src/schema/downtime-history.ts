// Editing past stops (split, merge, reclassify) for supervisors, and the audit trail and lineage of
// a stop. The domain logic is in downtime-history/; this file only declares the GraphQL surface.
import type { DowntimeEvent, DowntimeEventAudit, DowntimeLineage } from "@ms5/db";
import { ApiError, ExpectedError, NotFound, type SubgraphContext } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import {
  type DowntimeEventHistory,
  DowntimeEventStillOpen,
  DowntimeEventSuperseded,
  DowntimeEventsOfDifferentEquipment,
  downtimeEventHistory,
  type MergeDowntimeResult,
  MergeGapTooLong,
  MergeSpanContainsOtherEvent,
  mergeDowntimeEvents,
  reclassifyDowntimeEvent,
  type SplitDowntimeResult,
  SplitInstantOutsideEvent,
  splitDowntimeEvent,
  TooFewEventsToMerge,
} from "../downtime-history/index.ts";
import { publishDowntimeEdited } from "../live-events/downtime-edited.ts";
import {
  DowntimeCategoryEnum,
  DowntimeEventRef,
  type DowntimePerson,
  downtimeEventById,
  downtimePersonById,
} from "./downtime.ts";

// --- Loaders ------------------------------------------------------------------------------------

async function loadEvent(context: SubgraphContext, id: string): Promise<DowntimeEvent> {
  const event = await context.loaders.of(downtimeEventById).load(id);
  if (!event) throw new Error(`downtime event ${id} named by the history vanished`);
  return event;
}

// --- Types --------------------------------------------------------------------------------------

const DowntimeAuditActionEnum = builder.enumType("DowntimeAuditAction", {
  values: [
    "OPENED",
    "CLOSED",
    "REASON_SUGGESTED",
    "REASON_CONFIRMED",
    "RECLASSIFIED",
    "SPLIT",
    "MERGED",
    "NOTE_ADDED",
  ] as const,
});

const DowntimeLineageOperationEnum = builder.enumType("DowntimeLineageOperation", {
  values: ["SPLIT", "MERGE"] as const,
});

const DowntimeHistoryActorRef = builder.objectRef<DowntimePerson>("DowntimeHistoryActor").implement({
  description: "The person who edited a stop's history.",
  fields: (t) => ({
    userId: t.exposeID("userId"),
    name: t.exposeString("name"),
  }),
});

const DowntimeAuditEntryRef = builder.objectRef<DowntimeEventAudit>("DowntimeAuditEntry").implement({
  description: "One append-only row of a stop's audit trail.",
  fields: (t) => ({
    id: t.id({ resolve: (row) => row.id.toString() }),
    action: t.expose("action", { type: DowntimeAuditActionEnum }),
    at: t.expose("at", { type: "DateTime" }),
    note: t.exposeString("note", { nullable: true }),
    before: t.string({
      nullable: true,
      description: "The stop's fields before the change, as JSON text.",
      resolve: (row) => (row.before === null ? null : JSON.stringify(row.before)),
    }),
    after: t.string({
      nullable: true,
      description: "The stop's fields after the change, as JSON text.",
      resolve: (row) => (row.after === null ? null : JSON.stringify(row.after)),
    }),
    actor: t.field({
      type: DowntimeHistoryActorRef,
      nullable: true,
      description: "Null for the PLC and service accounts.",
      resolve: (row, _args, context) => (row.actorId ? context.loaders.of(downtimePersonById).load(row.actorId) : null),
    }),
  }),
});

const DowntimeLineageLinkRef = builder.objectRef<DowntimeLineage>("DowntimeLineageLink").implement({
  description: "One edge of a split or merge: the source event it consumed and the result event it produced.",
  fields: (t) => ({
    operationId: t.exposeID("operationId", { description: "Shared by every edge of one split or merge." }),
    operation: t.expose("operation", { type: DowntimeLineageOperationEnum }),
    performedAt: t.expose("performedAt", { type: "DateTime" }),
    reason: t.exposeString("reason", { nullable: true, description: "The supervisor's note: why." }),
    performedBy: t.field({
      type: DowntimeHistoryActorRef,
      resolve: async (row, _args, context) => {
        const actor = await context.loaders.of(downtimePersonById).load(row.performedById);
        if (!actor) throw new Error(`user ${row.performedById} of lineage ${row.id} vanished`);
        return actor;
      },
    }),
    source: t.field({
      type: DowntimeEventRef,
      resolve: (row, _args, context) => loadEvent(context, row.sourceEventId),
    }),
    result: t.field({
      type: DowntimeEventRef,
      resolve: (row, _args, context) => loadEvent(context, row.resultEventId),
    }),
  }),
});

const DowntimeEventHistoryRef = builder.objectRef<DowntimeEventHistory>("DowntimeEventHistory").implement({
  description: "A stop's audit trail, and the splits and merges it came from and went into.",
  fields: (t) => ({
    event: t.field({ type: DowntimeEventRef, resolve: (history) => history.event }),
    audits: t.field({ type: [DowntimeAuditEntryRef], description: "Oldest first.", resolve: (h) => h.audits }),
    producedBy: t.field({
      type: [DowntimeLineageLinkRef],
      description: "The split or merge that produced this stop, one link per source; empty for a stop from the PLC.",
      resolve: (history) => history.producedBy,
    }),
    replacedBy: t.field({
      type: [DowntimeLineageLinkRef],
      description: "The split or merge that superseded this stop, one link per result; empty while it is current.",
      resolve: (history) => history.replacedBy,
    }),
  }),
});

const DowntimeSplitRef = builder.objectRef<SplitDowntimeResult>("DowntimeSplit").implement({
  description: "A stop split in two: the superseded original and the parts before and after the instant.",
  fields: (t) => ({
    operationId: t.exposeID("operationId"),
    superseded: t.field({ type: DowntimeEventRef, resolve: (split) => split.superseded }),
    first: t.field({ type: DowntimeEventRef, resolve: (split) => split.first }),
    second: t.field({ type: DowntimeEventRef, resolve: (split) => split.second }),
  }),
});

const DowntimeMergeRef = builder.objectRef<MergeDowntimeResult>("DowntimeMerge").implement({
  description: "Stops merged into one: the superseded sources, oldest first, and the merged stop.",
  fields: (t) => ({
    operationId: t.exposeID("operationId"),
    superseded: t.field({ type: [DowntimeEventRef], resolve: (merge) => merge.superseded }),
    merged: t.field({ type: DowntimeEventRef, resolve: (merge) => merge.merged }),
  }),
});

const SplitReasonsInput = builder.inputType("DowntimeSplitReasonsInput", {
  description: "A reason per part; a part without one keeps the original's reason.",
  fields: (t) => ({
    first: t.id({ description: "The reason of [start, at)." }),
    second: t.id({ description: "The reason of [at, end)." }),
  }),
});

// --- Expected outcomes --------------------------------------------------------------------------

builder.objectType(DowntimeEventStillOpen, {
  name: "DowntimeEventStillOpen",
  interfaces: [ExpectedError],
  fields: (t) => ({
    downtimeEventId: t.exposeID("downtimeEventId"),
    startedAt: t.expose("startedAt", { type: "DateTime" }),
  }),
});
builder.objectType(SplitInstantOutsideEvent, {
  name: "SplitInstantOutsideEvent",
  interfaces: [ExpectedError],
  fields: (t) => ({
    downtimeEventId: t.exposeID("downtimeEventId"),
    at: t.expose("at", { type: "DateTime" }),
    startedAt: t.expose("startedAt", { type: "DateTime" }),
    endedAt: t.expose("endedAt", { type: "DateTime" }),
  }),
});
builder.objectType(TooFewEventsToMerge, {
  name: "TooFewEventsToMerge",
  interfaces: [ExpectedError],
  fields: (t) => ({ count: t.exposeInt("count") }),
});
builder.objectType(DowntimeEventsOfDifferentEquipment, {
  name: "DowntimeEventsOfDifferentEquipment",
  interfaces: [ExpectedError],
  fields: (t) => ({ equipmentIds: t.exposeIDList("equipmentIds") }),
});
builder.objectType(MergeGapTooLong, {
  name: "MergeGapTooLong",
  interfaces: [ExpectedError],
  fields: (t) => ({
    gapStartedAt: t.expose("gapStartedAt", { type: "DateTime" }),
    gapSeconds: t.exposeFloat("gapSeconds"),
    maxGapSeconds: t.exposeFloat("maxGapSeconds"),
  }),
});
builder.objectType(MergeSpanContainsOtherEvent, {
  name: "MergeSpanContainsOtherEvent",
  interfaces: [ExpectedError],
  fields: (t) => ({ otherDowntimeEventId: t.exposeID("otherDowntimeEventId") }),
});

// --- Queries and mutations ----------------------------------------------------------------------

/** Lineage rows name a person; a service account has no user row to point at. */
function performerOf(context: SubgraphContext): string {
  if (context.identity.kind !== "user") {
    throw new ApiError("FORBIDDEN", "Only a person may edit downtime history: the audit trail names who did it.");
  }
  return context.identity.userId;
}

const EDITED_EVENT_ERRORS = [NotFound, DowntimeEventSuperseded, DowntimeEventStillOpen, NotFound];

builder.queryFields((t) => ({
  downtimeEventHistory: t.field({
    type: DowntimeEventHistoryRef,
    description:
      "A stop's audit trail and lineage: what it was split or merged from and into, who did it, when and why.",
    authScopes: { permission: "downtime:read" },
    errors: { types: [NotFound] },
    args: { downtimeEventId: t.arg.id({ required: true }) },
    resolve: (_root, args, { prisma }) =>
      downtimeEventHistory(prisma, uuidArgument(args.downtimeEventId, "downtimeEventId")),
  }),
}));

builder.mutationFields((t) => ({
  splitDowntimeEvent: t.field({
    type: DowntimeSplitRef,
    description:
      "Splits a past stop at an instant strictly inside it: the original is superseded, two stops replace it, and OEE for its buckets is recomputed.",
    authScopes: { permission: "downtime:edit-history" },
    errors: { types: [...EDITED_EVENT_ERRORS, SplitInstantOutsideEvent] },
    args: {
      downtimeEventId: t.arg.id({ required: true }),
      at: t.arg({ type: "DateTime", required: true }),
      reasons: t.arg({ type: SplitReasonsInput }),
      note: t.arg.string({ required: true, description: "Why the stop is split; kept in the audit trail." }),
    },
    resolve: async (_root, args, context) => {
      const reasons = {
        first: args.reasons?.first ? uuidArgument(args.reasons.first, "reasons.first") : null,
        second: args.reasons?.second ? uuidArgument(args.reasons.second, "reasons.second") : null,
      };
      const split = await splitDowntimeEvent(context.prisma, {
        downtimeEventId: uuidArgument(args.downtimeEventId, "downtimeEventId"),
        at: args.at,
        reasons,
        note: args.note,
        performedById: performerOf(context),
      });
      await publishDowntimeEdited(context, [split.superseded, split.first, split.second]);
      return split;
    },
  }),
  mergeDowntimeEvents: t.field({
    type: DowntimeMergeRef,
    description:
      "Merges past stops of one equipment that touch, overlap or lie at most a few minutes apart into one stop spanning them; a gap between them becomes downtime.",
    authScopes: { permission: "downtime:edit-history" },
    errors: {
      types: [
        ...EDITED_EVENT_ERRORS,
        TooFewEventsToMerge,
        DowntimeEventsOfDifferentEquipment,
        MergeGapTooLong,
        MergeSpanContainsOtherEvent,
      ],
    },
    args: {
      downtimeEventIds: t.arg.idList({ required: true }),
      reasonCodeId: t.arg.id({ description: "The merged stop's reason; the earliest stop's when omitted." }),
      note: t.arg.string({ required: true, description: "Why the stops are merged; kept in the audit trail." }),
    },
    resolve: async (_root, args, context) => {
      const merge = await mergeDowntimeEvents(context.prisma, {
        downtimeEventIds: args.downtimeEventIds.map((id, index) => uuidArgument(id, `downtimeEventIds[${index}]`)),
        reasonCodeId: args.reasonCodeId ? uuidArgument(args.reasonCodeId, "reasonCodeId") : null,
        note: args.note,
        performedById: performerOf(context),
      });
      await publishDowntimeEdited(context, [...merge.superseded, merge.merged]);
      return merge;
    },
  }),
  reclassifyDowntimeEvent: t.field({
    type: DowntimeEventRef,
    description: "Changes the reason (and category) of a past stop; audited, and OEE for its buckets is recomputed.",
    authScopes: { permission: "downtime:edit-history" },
    errors: { types: EDITED_EVENT_ERRORS },
    args: {
      downtimeEventId: t.arg.id({ required: true }),
      reasonCodeId: t.arg.id({ required: true }),
      category: t.arg({ type: DowntimeCategoryEnum, description: "The stop keeps its category when omitted." }),
      note: t.arg.string({ required: true, description: "Why the stop is reclassified; kept in the audit trail." }),
    },
    resolve: async (_root, args, context) => {
      const event = await reclassifyDowntimeEvent(context.prisma, {
        downtimeEventId: uuidArgument(args.downtimeEventId, "downtimeEventId"),
        reasonCodeId: uuidArgument(args.reasonCodeId, "reasonCodeId"),
        category: args.category ?? null,
        note: args.note,
        performedById: performerOf(context),
      });
      await publishDowntimeEdited(context, [event]);
      return event;
    },
  }),
}));
