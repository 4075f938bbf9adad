// Downtime events with their suggested and confirmed reasons, the reason tree, and the operator's
// confirmation of a stop's reason: one transaction that sets the reason, writes the audit trail and
// recomputes the affected OEE buckets from the event log.
import type { DowntimeEvent, Prisma, PrismaClient, ReasonCode } from "@ms5/db";
import { ApiError, defineLoader, ExpectedError, NotFound } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { publishDowntimeEdited } from "../live-events/downtime-edited.ts";
import { fixedBuckets } from "../oee/index.ts";
import { recomputeOeeRecords } from "../oee-records/recompute-oee-records.ts";
import { EquipmentRef, LineRef } from "./plant.ts";

/** Limits of the downtime queries. */
export const DOWNTIME_QUERY_DEFAULTS = {
  /** @default 31 days: the longest range downtimeEvents answers in one call. */
  maxRangeMs: 31 * 24 * 60 * 60 * 1000,
  /** @default 500 stops when `first` is not given: a busy line's day, with room to spare. */
  defaultPageSize: 500,
  /** @default 1000: the most stops one page may ask for (the gateway's largest page). */
  maxPageSize: 1000,
  /** @default 30 s: confirming recomputes OEE buckets inside the transaction. */
  confirmTransactionTimeoutMs: 30_000,
} as const;

const HOUR_MS = 60 * 60 * 1000;

/**
 * The `@listSize` of the reason tree's levels (roots, each node's children): an estimate the gateway
 * prices reads by, not a cap; a plant's tree is a few categories of a few reasons each.
 */
const REASON_TREE_BREADTH = 20;

// --- Loaders ------------------------------------------------------------------------------------

export const downtimeEventById = defineLoader<string, DowntimeEvent | null>(async (ids, { prisma }) => {
  const rows = await prisma.downtimeEvent.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

const reasonCodeById = defineLoader<string, ReasonCode | null>(async (ids, { prisma }) => {
  const rows = await prisma.reasonCode.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

const childrenOfReasonCode = defineLoader<string, ReasonCode[]>(async (parentIds, { prisma }) => {
  const rows = await prisma.reasonCode.findMany({
    where: { parentId: { in: [...parentIds] } },
    orderBy: [{ sortOrder: "asc" }, { code: "asc" }],
  });
  return parentIds.map((parentId) => rows.filter((row) => row.parentId === parentId));
});

/** A person named on a stop: who confirmed its reason, or who edited its history. */
export interface DowntimePerson {
  userId: string;
  name: string;
}
export const downtimePersonById = defineLoader<string, DowntimePerson | null>(async (ids, { prisma }) => {
  const rows = await prisma.user.findMany({
    where: { id: { in: [...ids] } },
    select: { id: true, firstName: true, lastName: true },
  });
  return ids.map((id) => {
    const row = rows.find((candidate) => candidate.id === id);
    return row ? { userId: row.id, name: `${row.firstName} ${row.lastName}` } : null;
  });
});

const equipmentOfEvent = defineLoader<string, Prisma.EquipmentGetPayload<object> | null>(async (ids, { prisma }) => {
  const rows = await prisma.equipment.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

const lineOfEvent = defineLoader<string, Prisma.LineGetPayload<object> | null>(async (ids, { prisma }) => {
  const rows = await prisma.line.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

// --- Types --------------------------------------------------------------------------------------

export const DowntimeCategoryEnum = builder.enumType("DowntimeCategory", {
  values: ["PLANNED", "UNPLANNED", "MAINTENANCE", "CHANGEOVER"] as const,
});

export const SixBigLossEnum = builder.enumType("SixBigLoss", {
  description: "The six big losses of TPM; every lost second of OEE falls in one of them.",
  values: [
    "BREAKDOWN",
    "SETUP_ADJUSTMENT",
    "SMALL_STOP",
    "REDUCED_SPEED",
    "STARTUP_REJECT",
    "PRODUCTION_REJECT",
  ] as const,
});

const DowntimeSourceEnum = builder.enumType("DowntimeSource", {
  values: ["PLC", "OPERATOR", "SUPERVISOR"] as const,
});

export const ReasonCodeRef = builder.prismaObject("ReasonCode", {
  authScopes: { permission: "downtime:read" },
  description: "A downtime reason in the tree, e.g. Mechanical > Sealing jaw > Jaw jam.",
  fields: (t) => ({
    id: t.exposeID("id"),
    code: t.exposeString("code"),
    name: t.exposeString("name"),
    category: t.expose("category", { type: DowntimeCategoryEnum }),
    sixBigLoss: t.expose("sixBigLoss", { type: SixBigLossEnum, nullable: true }),
    active: t.exposeBoolean("active"),
    sortOrder: t.exposeInt("sortOrder"),
  }),
});
builder.objectFields(ReasonCodeRef, (t) => ({
  parent: t.field({
    type: ReasonCodeRef,
    nullable: true,
    resolve: (reason, _args, context) =>
      reason.parentId ? context.loaders.of(reasonCodeById).load(reason.parentId) : null,
  }),
  children: t.field({
    listSize: { assumedSize: REASON_TREE_BREADTH },
    type: [ReasonCodeRef],
    resolve: (reason, _args, context) => context.loaders.of(childrenOfReasonCode).load(reason.id),
  }),
}));

const DowntimeConfirmerRef = builder.objectRef<DowntimePerson>("DowntimeConfirmer").implement({
  description: "The person who confirmed a stop's reason.",
  fields: (t) => ({
    userId: t.exposeID("userId"),
    name: t.exposeString("name"),
  }),
});

export const DowntimeEventRef = builder.prismaObject("DowntimeEvent", {
  authScopes: { permission: "downtime:read" },
  description: "A stop of one equipment, opened and closed from PLC state.",
  fields: (t) => ({
    id: t.exposeID("id"),
    startedAt: t.expose("startedAt", { type: "DateTime" }),
    endedAt: t.expose("endedAt", { type: "DateTime", nullable: true, description: "Null while the stop lasts." }),
    durationSeconds: t.float({
      description: "Until now while the stop lasts.",
      resolve: (event) => ((event.endedAt ?? new Date()).getTime() - event.startedAt.getTime()) / 1000,
    }),
    category: t.expose("category", { type: DowntimeCategoryEnum }),
    isMicroStop: t.exposeBoolean("isMicroStop", {
      description: "Shorter than the line's micro-stop threshold: a small stop, not a breakdown.",
    }),
    source: t.expose("source", { type: DowntimeSourceEnum }),
    firstOutFaultCode: t.exposeString("firstOutFaultCode", { nullable: true }),
    note: t.exposeString("note", { nullable: true }),
    confirmedAt: t.expose("confirmedAt", { type: "DateTime", nullable: true }),
    supersededAt: t.expose("supersededAt", {
      type: "DateTime",
      nullable: true,
      description: "Set when a split or merge replaced this event; a superseded event no longer counts.",
    }),
    suggestedReason: t.field({
      type: ReasonCodeRef,
      nullable: true,
      description: "Suggested from the first-out fault through the fault catalog.",
      resolve: (event, _args, context) =>
        event.suggestedReasonCodeId ? context.loaders.of(reasonCodeById).load(event.suggestedReasonCodeId) : null,
    }),
    reason: t.field({
      type: ReasonCodeRef,
      nullable: true,
      description: "The reason a person confirmed; null until then.",
      resolve: (event, _args, context) =>
        event.reasonCodeId ? context.loaders.of(reasonCodeById).load(event.reasonCodeId) : null,
    }),
    confirmedBy: t.field({
      type: DowntimeConfirmerRef,
      nullable: true,
      resolve: (event, _args, context) =>
        event.confirmedById ? context.loaders.of(downtimePersonById).load(event.confirmedById) : null,
    }),
    equipment: t.field({
      type: EquipmentRef,
      resolve: async (event, _args, context) => {
        const equipment = await context.loaders.of(equipmentOfEvent).load(event.equipmentId);
        if (!equipment) throw new Error(`equipment ${event.equipmentId} of downtime event ${event.id} vanished`);
        return equipment;
      },
    }),
    line: t.field({
      type: LineRef,
      resolve: async (event, _args, context) => {
        const line = await context.loaders.of(lineOfEvent).load(event.lineId);
        if (!line) throw new Error(`line ${event.lineId} of downtime event ${event.id} vanished`);
        return line;
      },
    }),
  }),
});
builder.asEntity(DowntimeEventRef, {
  key: builder.selection<{ id: string }>("id"),
  resolveReference: ({ id }, context) => context.loaders.of(downtimeEventById).load(id),
});

// --- Expected outcomes of confirmDowntimeReason -------------------------------------------------

export class DowntimeEventSuperseded extends ExpectedError {
  constructor(
    readonly downtimeEventId: string,
    readonly supersededAt: Date,
  ) {
    super(
      "INVALID_STATE_TRANSITION",
      `Downtime event ${downtimeEventId} was replaced by a split or merge; confirm the reason of its replacement.`,
    );
  }
}

builder.objectType(DowntimeEventSuperseded, {
  name: "DowntimeEventSuperseded",
  interfaces: [ExpectedError],
  fields: (t) => ({
    downtimeEventId: t.exposeID("downtimeEventId"),
    supersededAt: t.expose("supersededAt", { type: "DateTime" }),
  }),
});

// --- Confirming a reason ------------------------------------------------------------------------

export interface ConfirmReasonRequest {
  downtimeEventId: string;
  reasonCodeId: string;
  /** The confirming user, or null for a service account (no user row to point at). */
  confirmedById: string | null;
  idempotencyKey: string | null;
  now?: Date;
}

/** Stored in the audit row, so a retried confirmation with the same key changes nothing. */
interface ConfirmationAuditRecord {
  reasonCodeId: string | null;
  confirmedById: string | null;
  confirmedAt: string | null;
  idempotencyKey?: string;
}

/**
 * Sets the confirmed reason, writes REASON_CONFIRMED (RECLASSIFIED when it had one) and recomputes
 * the OEE hour buckets the stop touches (and its minute buckets already persisted), all or nothing.
 */
export async function confirmDowntimeReason(
  prisma: PrismaClient,
  request: ConfirmReasonRequest,
): Promise<DowntimeEvent> {
  const now = request.now ?? new Date();
  return prisma.$transaction(
    async (tx) => {
      // Locks the row, so two confirmations of one stop are applied one after the other.
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM downtime_event WHERE id = ${request.downtimeEventId}::uuid FOR UPDATE`;
      const event =
        locked.length > 0 ? await tx.downtimeEvent.findUnique({ where: { id: request.downtimeEventId } }) : null;
      if (!event) throw new NotFound("downtime event", request.downtimeEventId);

      if (request.idempotencyKey) {
        const replayed = await tx.downtimeEventAudit.findFirst({
          where: { eventId: event.id, after: { path: ["idempotencyKey"], equals: request.idempotencyKey } },
        });
        if (replayed) return event;
      }
      if (event.supersededAt) throw new DowntimeEventSuperseded(event.id, event.supersededAt);
      const reason = await tx.reasonCode.findUnique({ where: { id: request.reasonCodeId } });
      if (!reason?.active) {
        throw new NotFound(
          "reason code",
          request.reasonCodeId,
          `There is no active reason code ${request.reasonCodeId}.`,
        );
      }

      const before: ConfirmationAuditRecord = {
        reasonCodeId: event.reasonCodeId,
        confirmedById: event.confirmedById,
        confirmedAt: event.confirmedAt?.toISOString() ?? null,
      };
      const updated = await tx.downtimeEvent.update({
        where: { id: event.id },
        data: { reasonCodeId: reason.id, confirmedById: request.confirmedById, confirmedAt: now },
      });
      const after: ConfirmationAuditRecord = {
        reasonCodeId: reason.id,
        confirmedById: request.confirmedById,
        confirmedAt: now.toISOString(),
        ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
      };
      await tx.downtimeEventAudit.create({
        data: {
          eventId: event.id,
          action: event.reasonCodeId ? "RECLASSIFIED" : "REASON_CONFIRMED",
          actorId: request.confirmedById,
          at: now,
          before: { ...before },
          after: { ...after },
        },
      });

      // The reason decides which of the six losses the stop is; the buckets are recomputed, not patched.
      const from = new Date(Math.floor(event.startedAt.getTime() / HOUR_MS) * HOUR_MS);
      const to = new Date(Math.ceil((event.endedAt ?? now).getTime() / HOUR_MS) * HOUR_MS || from.getTime() + HOUR_MS);
      await recomputeOeeRecords(tx, { equipmentId: event.equipmentId, from, to, bucket: "HOUR", now });
      const stopEnd = event.endedAt ?? now;
      const minuteRecords = await tx.oeeRecord.count({
        where: {
          equipmentId: event.equipmentId,
          bucket: "MINUTE",
          bucketStart: { gte: new Date(event.startedAt.getTime() - 60_000), lt: stopEnd },
        },
      });
      if (minuteRecords > 0) {
        const minutes = fixedBuckets({ start: event.startedAt, end: stopEnd }, "MINUTE");
        const first = minutes[0];
        const last = minutes.at(-1);
        if (first && last) {
          await recomputeOeeRecords(tx, {
            equipmentId: event.equipmentId,
            from: new Date(first.start),
            to: new Date(last.end),
            bucket: "MINUTE",
            now,
          });
        }
      }
      return updated;
    },
    { timeout: DOWNTIME_QUERY_DEFAULTS.confirmTransactionTimeoutMs },
  );
}

// --- Queries and mutation -----------------------------------------------------------------------

builder.queryFields((t) => ({
  downtimeEvents: t.field({
    type: [DowntimeEventRef],
    description: `Stops of a line that overlap [from, to), oldest first; superseded events are left out. A page at a time: \`first\` stops (${DOWNTIME_QUERY_DEFAULTS.defaultPageSize} when omitted, at most ${DOWNTIME_QUERY_DEFAULTS.maxPageSize}) after the stop \`after\`; a full page means there may be more.`,
    authScopes: { permission: "downtime:read" },
    listSize: {
      slicingArguments: ["first"],
      assumedSize: DOWNTIME_QUERY_DEFAULTS.defaultPageSize,
      requireOneSlicingArgument: false,
    },
    args: {
      lineId: t.arg.id({ required: true }),
      from: t.arg({ type: "DateTime", required: true }),
      to: t.arg({ type: "DateTime", required: true }),
      unconfirmedOnly: t.arg.boolean({ defaultValue: false }),
      first: t.arg.int({
        description: `At most ${DOWNTIME_QUERY_DEFAULTS.maxPageSize}; ${DOWNTIME_QUERY_DEFAULTS.defaultPageSize} when omitted.`,
      }),
      after: t.arg.id({ description: "The id of the last stop of the previous page." }),
    },
    resolve: async (_root, args, { prisma }) => {
      const lineId = uuidArgument(args.lineId, "lineId");
      if (args.to.getTime() <= args.from.getTime()) throw new ApiError("BAD_USER_INPUT", "to must be after from.");
      if (args.to.getTime() - args.from.getTime() > DOWNTIME_QUERY_DEFAULTS.maxRangeMs) {
        throw new ApiError("BAD_USER_INPUT", "The range may span at most 31 days.");
      }
      const first = args.first ?? DOWNTIME_QUERY_DEFAULTS.defaultPageSize;
      if (!Number.isInteger(first) || first < 1 || first > DOWNTIME_QUERY_DEFAULTS.maxPageSize) {
        throw new ApiError("BAD_USER_INPUT", `first must be 1 to ${DOWNTIME_QUERY_DEFAULTS.maxPageSize}.`);
      }
      let after: { startedAt: Date; id: string } | undefined;
      if (args.after) {
        const afterId = uuidArgument(args.after, "after");
        const previous = await prisma.downtimeEvent.findUnique({
          where: { id: afterId },
          select: { id: true, startedAt: true, lineId: true },
        });
        if (!previous || previous.lineId !== lineId) {
          throw new ApiError("BAD_USER_INPUT", `after "${args.after}" is not a stop of this line.`);
        }
        after = previous;
      }
      return prisma.downtimeEvent.findMany({
        where: {
          lineId,
          supersededAt: null,
          startedAt: { lt: args.to },
          AND: [
            { OR: [{ endedAt: null }, { endedAt: { gt: args.from } }] },
            // Keyset (startedAt, id): a page never skips or repeats a stop recorded between two pages.
            ...(after
              ? [{ OR: [{ startedAt: { gt: after.startedAt } }, { startedAt: after.startedAt, id: { gt: after.id } }] }]
              : []),
          ],
          ...(args.unconfirmedOnly ? { reasonCodeId: null } : {}),
        },
        orderBy: [{ startedAt: "asc" }, { id: "asc" }],
        take: first,
      });
    },
  }),
  reasonCodes: t.field({
    listSize: { assumedSize: REASON_TREE_BREADTH },
    type: [ReasonCodeRef],
    description: "The roots of the reason tree; walk it through children.",
    authScopes: { permission: "downtime:read" },
    args: { activeOnly: t.arg.boolean({ defaultValue: true }) },
    resolve: (_root, args, { prisma }) =>
      prisma.reasonCode.findMany({
        where: { parentId: null, ...(args.activeOnly ? { active: true } : {}) },
        orderBy: [{ sortOrder: "asc" }, { code: "asc" }],
      }),
  }),
}));

builder.mutationFields((t) => ({
  confirmDowntimeReason: t.field({
    type: DowntimeEventRef,
    description:
      "Confirms or changes the reason of a stop; the audit trail records it and OEE for the stop's buckets is recomputed.",
    authScopes: { permission: "downtime:confirm-reason" },
    errors: { types: [NotFound, DowntimeEventSuperseded] },
    args: {
      downtimeEventId: t.arg.id({ required: true }),
      reasonCodeId: t.arg.id({ required: true }),
      idempotencyKey: t.arg.string({ description: "A retried call with the same key changes nothing." }),
    },
    resolve: async (_root, args, context) => {
      const event = await confirmDowntimeReason(context.prisma, {
        downtimeEventId: uuidArgument(args.downtimeEventId, "downtimeEventId"),
        reasonCodeId: uuidArgument(args.reasonCodeId, "reasonCodeId"),
        confirmedById: context.identity.kind === "user" ? context.identity.userId : null,
        idempotencyKey: args.idempotencyKey ?? null,
      });
      await publishDowntimeEdited(context, [event]);
      return event;
    },
  }),
}));
