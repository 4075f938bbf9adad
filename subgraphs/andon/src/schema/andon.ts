// Andon calls: the AndonEvent type with its history and photos, the queries listing them, and the
// lifecycle mutations (raise, acknowledge, start, resolve, close, reopen, attach a photo) returning
// the andon or a typed refusal from andons/andon-errors.ts.
import type {
  AndonAttachment,
  AndonEvent,
  AndonEventHistory,
  AndonPriority,
  AndonStatus,
  AndonType,
  Prisma,
} from "@ms5/db";
import { ApiError, defineLoader, ExpectedError, InputInvalid, NotFound, type SubgraphContext } from "@ms5/kit/subgraph";
import { ANDON_DEFAULTS } from "../andon-defaults.ts";
import {
  AcknowledgeRequired,
  AndonAlreadyAcknowledged,
  IdempotencyKeyReused,
  InvalidAndonTransition,
  PhotoRejected,
} from "../andons/andon-errors.ts";
import { andonRuntimeOf } from "../andons/andon-runtime.ts";
import {
  acknowledgeAndon,
  attachAndonPhoto,
  closeAndon,
  raiseAndon,
  reopenAndon,
  resolveAndon,
  startAndonWork,
} from "../andons/andon-workflow.ts";
import { builder, uuidArgument } from "../builder.ts";
import { EquipmentRef, LineRef } from "./plant-refs.ts";
import { afterNewestFirst, CONNECTION_LIST_SIZE, connectionRef, newestFirstPage } from "./relay-connection.ts";

export const AndonTypeEnum = builder.enumType("AndonType", {
  values: ["MAINTENANCE", "QUALITY", "MATERIAL", "SAFETY", "HELP"] as const,
});
export const AndonPriorityEnum = builder.enumType("AndonPriority", {
  values: ["LOW", "MEDIUM", "HIGH", "CRITICAL"] as const,
});
export const AndonStatusEnum = builder.enumType("AndonStatus", {
  values: ["OPEN", "ACKNOWLEDGED", "IN_PROGRESS", "RESOLVED", "CLOSED"] as const,
});
export const AndonSourceEnum = builder.enumType("AndonSource", { values: ["MANUAL", "PLC", "QUALITY"] as const });

/** The person calling: andon steps record who took them, so a service account cannot take them. */
export function userActorOf(context: SubgraphContext): { userId: string } {
  if (context.identity.kind !== "user") {
    throw new ApiError("FORBIDDEN", "Only a signed-in person can do this, not a service account.");
  }
  return { userId: context.identity.userId };
}

const historyOfAndon = defineLoader<string, AndonEventHistory[]>(async (andonIds, { prisma }) => {
  const rows = await prisma.andonEventHistory.findMany({
    where: { andonId: { in: [...andonIds] } },
    orderBy: [{ at: "asc" }, { id: "asc" }],
  });
  return andonIds.map((id) => rows.filter((row) => row.andonId === id));
});

const attachmentsOfAndon = defineLoader<string, AndonAttachment[]>(async (andonIds, { prisma }) => {
  const rows = await prisma.andonAttachment.findMany({
    where: { andonId: { in: [...andonIds] } },
    orderBy: { uploadedAt: "asc" },
  });
  return andonIds.map((id) => rows.filter((row) => row.andonId === id));
});

builder.objectType(InvalidAndonTransition, {
  name: "InvalidAndonTransition",
  description: "The andon is not in a state that allows this step; nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({
    andonId: t.exposeID("andonId"),
    from: t.field({ type: AndonStatusEnum, resolve: (error) => error.from }),
    to: t.field({ type: AndonStatusEnum, resolve: (error) => error.to }),
  }),
});

builder.objectType(AndonAlreadyAcknowledged, {
  name: "AndonAlreadyAcknowledged",
  description: "Somebody acknowledged the andon already; nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({
    andonId: t.exposeID("andonId"),
    acknowledgedById: t.exposeID("acknowledgedById", { nullable: true }),
    acknowledgedAt: t.field({ type: "DateTime", resolve: (error) => error.acknowledgedAt }),
  }),
});

builder.objectType(IdempotencyKeyReused, {
  name: "IdempotencyKeyReused",
  description: "You used this idempotency key for a different request; nothing changed. Send a new key.",
  interfaces: [ExpectedError],
  fields: (t) => ({ idempotencyKey: t.exposeString("idempotencyKey") }),
});

builder.objectType(AcknowledgeRequired, {
  name: "AcknowledgeRequired",
  description: "The andon's escalation rule wants it acknowledged before it is resolved; nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({ andonId: t.exposeID("andonId") }),
});

const PhotoRejectionEnum = builder.enumType("PhotoRejection", {
  values: ["TOO_LARGE", "UNSUPPORTED_TYPE", "TYPE_MISMATCH", "MALFORMED", "TOO_MANY"] as const,
});

builder.objectType(PhotoRejected, {
  name: "PhotoRejected",
  description: `A photo was refused (larger than allowed, not a JPEG/PNG/WebP by its content, or not the type declared); nothing changed.`,
  interfaces: [ExpectedError],
  fields: (t) => ({ reason: t.field({ type: PhotoRejectionEnum, resolve: (error) => error.reason }) }),
});

const AndonHistoryEntryRef = builder.prismaObject("AndonEventHistory", {
  name: "AndonHistoryEntry",
  description: "One step of an andon's life: a status change (or a repeat of its fault), who, when and why.",
  authScopes: { permission: "andon:read" },
  fields: (t) => ({
    id: t.field({ type: "ID", resolve: (entry) => entry.id.toString() }),
    fromStatus: t.field({ type: AndonStatusEnum, nullable: true, resolve: (entry) => entry.fromStatus }),
    toStatus: t.field({ type: AndonStatusEnum, resolve: (entry) => entry.toStatus }),
    actorId: t.exposeID("actorId", { nullable: true, description: "Null when the system took the step." }),
    at: t.expose("at", { type: "DateTime" }),
    note: t.exposeString("note", { nullable: true }),
  }),
});

const AndonPhotoRef = builder.prismaObject("AndonAttachment", {
  name: "AndonPhoto",
  description: "A photo attached to an andon (its bytes are served separately, never inline).",
  authScopes: { permission: "andon:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    contentType: t.exposeString("contentType"),
    sizeBytes: t.exposeInt("sizeBytes"),
    sha256: t.exposeString("sha256"),
    uploadedAt: t.expose("uploadedAt", { type: "DateTime" }),
  }),
});

export const AndonEventRef = builder.prismaObject("AndonEvent", {
  description: "An andon call: help asked for on a line, by hand from a tablet or by a PLC fault.",
  authScopes: { permission: "andon:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    type: t.field({ type: AndonTypeEnum, resolve: (andon) => andon.type }),
    priority: t.field({ type: AndonPriorityEnum, resolve: (andon) => andon.priority }),
    status: t.field({ type: AndonStatusEnum, resolve: (andon) => andon.status }),
    source: t.field({ type: AndonSourceEnum, resolve: (andon) => andon.source }),
    line: t.field({ type: LineRef, resolve: (andon) => ({ id: andon.lineId }) }),
    equipment: t.field({
      type: EquipmentRef,
      nullable: true,
      resolve: (andon) => (andon.equipmentId ? { id: andon.equipmentId } : null),
    }),
    faultCode: t.exposeString("faultCode", { nullable: true, description: "The PLC fault that raised it." }),
    note: t.exposeString("note", { nullable: true }),
    downtimeEventId: t.exposeID("downtimeEventId", { nullable: true }),
    raisedById: t.exposeID("raisedById", { nullable: true, description: "Null when a PLC fault raised it." }),
    raisedAt: t.expose("raisedAt", { type: "DateTime" }),
    acknowledgedById: t.exposeID("acknowledgedById", { nullable: true }),
    acknowledgedAt: t.expose("acknowledgedAt", { type: "DateTime", nullable: true }),
    startedAt: t.expose("startedAt", { type: "DateTime", nullable: true }),
    resolvedById: t.exposeID("resolvedById", { nullable: true }),
    resolvedAt: t.expose("resolvedAt", { type: "DateTime", nullable: true }),
    rootCause: t.exposeString("rootCause", { nullable: true }),
    resolutionNote: t.exposeString("resolutionNote", { nullable: true }),
    closedAt: t.expose("closedAt", { type: "DateTime", nullable: true }),
    reopenCount: t.exposeInt("reopenCount"),
    repeatCount: t.exposeInt("repeatCount", {
      description: "How often the same PLC fault rose again while this andon was open.",
    }),
    history: t.field({
      type: [AndonHistoryEntryRef],
      description: "Every step, oldest first.",
      resolve: (andon, _args, context) => context.loaders.of(historyOfAndon).load(andon.id),
    }),
    photos: t.field({
      type: [AndonPhotoRef],
      resolve: (andon, _args, context) => context.loaders.of(attachmentsOfAndon).load(andon.id),
    }),
  }),
});

const AndonEventConnectionRef = connectionRef("AndonEvent", AndonEventRef);

/** The filter of both andon lists; the open andons when no status is given. */
function andonFilterOf(args: {
  lineId?: string | number | null;
  status?: AndonStatus[] | null;
  priority?: AndonPriority[] | null;
  type?: AndonType[] | null;
  raisedAfter?: Date | null;
}): Prisma.AndonEventWhereInput {
  return {
    status: { in: args.status ?? ["OPEN", "ACKNOWLEDGED", "IN_PROGRESS"] },
    ...(args.lineId ? { lineId: uuidArgument(args.lineId, "lineId") } : {}),
    ...(args.priority ? { priority: { in: args.priority } } : {}),
    ...(args.type ? { type: { in: args.type } } : {}),
    ...(args.raisedAfter ? { raisedAt: { gte: args.raisedAfter } } : {}),
  };
}

builder.queryFields((t) => ({
  andonEvent: t.prismaField({
    type: AndonEventRef,
    nullable: true,
    description: "One andon by id; null when there is none.",
    authScopes: { permission: "andon:read" },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, context) =>
      context.prisma.andonEvent.findUnique({ ...query, where: { id: uuidArgument(args.id, "id") } }),
  }),
  andonEvents: t.prismaField({
    listSize: {
      slicingArguments: ["first"],
      assumedSize: ANDON_DEFAULTS.maxAndonsListed,
      requireOneSlicingArgument: false,
    },
    type: [AndonEventRef],
    description: `Andons, newest first (at most ${ANDON_DEFAULTS.maxAndonsListed}); the open ones when no status is given.`,
    deprecationReason: "Capped at one page: use andonEventsConnection, which pages with cursors.",
    authScopes: { permission: "andon:read" },
    args: {
      lineId: t.arg.id({ required: false }),
      status: t.arg({ type: [AndonStatusEnum], required: false }),
      priority: t.arg({ type: [AndonPriorityEnum], required: false }),
      type: t.arg({ type: [AndonTypeEnum], required: false }),
      raisedAfter: t.arg({ type: "DateTime", required: false }),
      first: t.arg.int({ required: false }),
    },
    resolve: (query, _root, args, context) => {
      const first = args.first ?? ANDON_DEFAULTS.maxAndonsListed;
      if (first < 1 || first > ANDON_DEFAULTS.maxAndonsListed) {
        throw new ApiError("BAD_USER_INPUT", `first must be 1 to ${ANDON_DEFAULTS.maxAndonsListed}.`);
      }
      return context.prisma.andonEvent.findMany({
        ...query,
        where: andonFilterOf(args),
        orderBy: [{ raisedAt: "desc" }, { id: "asc" }],
        take: first,
      });
    },
  }),
  andonEventsConnection: t.field({
    type: AndonEventConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description:
      "Andons, newest first, a page at a time (Relay cursors: `first` and `after`); the open ones when no status is given.",
    authScopes: { permission: "andon:read" },
    args: {
      lineId: t.arg.id({ required: false }),
      status: t.arg({ type: [AndonStatusEnum], required: false }),
      priority: t.arg({ type: [AndonPriorityEnum], required: false }),
      type: t.arg({ type: [AndonTypeEnum], required: false }),
      raisedAfter: t.arg({ type: "DateTime", required: false }),
      first: t.arg.int({ required: false }),
      after: t.arg.string({ required: false }),
    },
    resolve: (_root, args, context) => {
      const where = andonFilterOf(args);
      return newestFirstPage<AndonEvent>({
        list: "andonEvents",
        args,
        timeOf: (andon) => andon.raisedAt,
        fetch: (after, take) =>
          context.prisma.andonEvent.findMany({
            where: { AND: [where, afterNewestFirst("raisedAt", after)] },
            orderBy: [{ raisedAt: "desc" }, { id: "asc" }],
            take,
          }),
      });
    },
  }),
}));

const PhotoInput = builder.inputType("AndonPhotoInput", {
  description: `A JPEG, PNG or WebP photo of at most ${ANDON_DEFAULTS.maxPhotoBytes} bytes, base64-encoded.`,
  fields: (t) => ({
    contentType: t.string({ required: true, description: "image/jpeg, image/png or image/webp." }),
    base64: t.string({ required: true }),
  }),
});

const RaiseAndonInput = builder.inputType("RaiseAndonInput", {
  fields: (t) => ({
    lineId: t.id({ required: true }),
    equipmentId: t.id({ description: "The station or equipment, when the call is about one." }),
    type: t.field({ type: AndonTypeEnum, required: true }),
    priority: t.field({ type: AndonPriorityEnum, required: true }),
    note: t.string(),
    photo: t.field({ type: PhotoInput }),
    idempotencyKey: t.string({
      description:
        "Your key for this raise: a retry with the same key and request returns the andon it made; the same key with another request is refused (IdempotencyKeyReused). Keys are per person.",
    }),
  }),
});

const stepErrors = [NotFound, InputInvalid, InvalidAndonTransition];

builder.mutationFields((t) => ({
  raiseAndon: t.field({
    type: AndonEventRef,
    description: "Raises an andon by hand; its escalation rule starts counting at once.",
    authScopes: { permission: "andon:raise" },
    errors: { types: [NotFound, InputInvalid, PhotoRejected, IdempotencyKeyReused] },
    args: { input: t.arg({ type: RaiseAndonInput, required: true }) },
    resolve: (_root, { input }, context) =>
      raiseAndon(andonRuntimeOf(context), userActorOf(context), {
        ...input,
        lineId: uuidArgument(input.lineId, "lineId"),
        equipmentId: input.equipmentId ? uuidArgument(input.equipmentId, "equipmentId") : null,
      }),
  }),
  attachAndonPhoto: t.field({
    type: AndonEventRef,
    description: "Adds a photo to an andon that is not closed.",
    authScopes: { permission: "andon:raise" },
    errors: { types: [NotFound, InvalidAndonTransition, PhotoRejected] },
    args: { andonId: t.arg.id({ required: true }), photo: t.arg({ type: PhotoInput, required: true }) },
    resolve: (_root, args, context) => {
      userActorOf(context);
      return attachAndonPhoto(andonRuntimeOf(context), uuidArgument(args.andonId, "andonId"), args.photo);
    },
  }),
  acknowledgeAndon: t.field({
    type: AndonEventRef,
    description: "Takes an open andon: its acknowledge escalation stops and its resolve escalation starts.",
    authScopes: { permission: "andon:respond" },
    errors: { types: [...stepErrors, AndonAlreadyAcknowledged, IdempotencyKeyReused] },
    args: {
      andonId: t.arg.id({ required: true }),
      note: t.arg.string(),
      idempotencyKey: t.arg.string({
        description:
          "Your key for this acknowledgement (the offline queue sends one): a replay returns the andon and acknowledges nothing again, even after it was reopened.",
      }),
    },
    resolve: (_root, args, context) =>
      acknowledgeAndon(
        andonRuntimeOf(context),
        userActorOf(context),
        uuidArgument(args.andonId, "andonId"),
        args.note,
        args.idempotencyKey,
      ),
  }),
  startAndonWork: t.field({
    type: AndonEventRef,
    description: "Marks an acknowledged andon as being worked on.",
    authScopes: { permission: "andon:respond" },
    errors: { types: stepErrors },
    args: { andonId: t.arg.id({ required: true }), note: t.arg.string() },
    resolve: (_root, args, context) =>
      startAndonWork(andonRuntimeOf(context), userActorOf(context), uuidArgument(args.andonId, "andonId"), args.note),
  }),
  resolveAndon: t.field({
    type: AndonEventRef,
    description: "Resolves an andon with its root cause; every escalation of it stops.",
    authScopes: { permission: "andon:respond" },
    errors: { types: [...stepErrors, AcknowledgeRequired] },
    args: {
      andonId: t.arg.id({ required: true }),
      rootCause: t.arg.string({ required: true }),
      resolutionNote: t.arg.string(),
    },
    resolve: (_root, args, context) =>
      resolveAndon(andonRuntimeOf(context), userActorOf(context), uuidArgument(args.andonId, "andonId"), {
        rootCause: args.rootCause,
        resolutionNote: args.resolutionNote,
      }),
  }),
  closeAndon: t.field({
    type: AndonEventRef,
    description: "Closes a resolved andon.",
    authScopes: { permission: "andon:respond" },
    errors: { types: stepErrors },
    args: { andonId: t.arg.id({ required: true }), note: t.arg.string() },
    resolve: (_root, args, context) =>
      closeAndon(andonRuntimeOf(context), userActorOf(context), uuidArgument(args.andonId, "andonId"), args.note),
  }),
  reopenAndon: t.field({
    type: AndonEventRef,
    description: "Reopens a resolved or closed andon with a note; its acknowledge escalation starts again.",
    authScopes: { permission: "andon:respond" },
    errors: { types: stepErrors },
    args: { andonId: t.arg.id({ required: true }), note: t.arg.string({ required: true }) },
    resolve: (_root, args, context) =>
      reopenAndon(andonRuntimeOf(context), userActorOf(context), uuidArgument(args.andonId, "andonId"), args.note),
  }),
}));
