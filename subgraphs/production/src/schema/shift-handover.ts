// Shift handover on a line in one query (open andons, untagged stops, unsigned checklists, notes
// for the next shift), and the mutation that writes a handover note.
import type { AndonEvent, ShiftHandoverNote } from "@ms5/db";
import { ApiError, InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { ADMIN_ERRORS } from "../plant-admin/admin-errors.ts";
import { requiredText } from "../plant-admin/admin-input.ts";
import { auditedChange } from "../plant-admin/audited-change.ts";
import {
  notesOfShift,
  openAndonsOfLine,
  previousShiftInstance,
  SHIFT_HANDOVER_DEFAULTS,
  type ShiftHandover,
  shiftInstanceOfLineAt,
  unsignedChecklistsOfLine,
  untaggedStopsOfShift,
} from "../shift-handover/shift-handover.ts";
import "./admin-errors.ts";
import { ChecklistCompletionRef } from "./checklist.ts";
import { DowntimeEventRef, downtimePersonById } from "./downtime.ts";
import { userActorOf } from "./job.ts";
import { EquipmentRef, equipmentById, LineRef, lineById } from "./plant.ts";
import { ShiftInstanceRef } from "./shift.ts";

const HandoverAndonRef = builder.objectRef<AndonEvent>("HandoverAndon").implement({
  description: "An andon still open at handover, as the production subgraph reads it (the andon API has the rest).",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The andon's id in the andon API." }),
    type: t.exposeString("type"),
    priority: t.exposeString("priority"),
    status: t.exposeString("status"),
    faultCode: t.exposeString("faultCode", { nullable: true }),
    note: t.exposeString("note", { nullable: true }),
    raisedAt: t.expose("raisedAt", { type: "DateTime" }),
    acknowledgedAt: t.expose("acknowledgedAt", { type: "DateTime", nullable: true }),
    equipment: t.field({
      type: EquipmentRef,
      nullable: true,
      resolve: (andon, _args, context) =>
        andon.equipmentId ? context.loaders.of(equipmentById).load(andon.equipmentId) : null,
    }),
  }),
});

export const HandoverNoteRef = builder.prismaObject("ShiftHandoverNote", {
  name: "HandoverNote",
  description: "A note one shift leaves the next on a line.",
  authScopes: { permission: "plant:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    body: t.exposeString("body"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    authorId: t.exposeID("authorId"),
    authorName: t.string({
      resolve: async (note, _args, context) =>
        (await context.loaders.of(downtimePersonById).load(note.authorId))?.name ?? "",
    }),
  }),
});

const ShiftHandoverRef = builder.objectRef<ShiftHandover>("ShiftHandover").implement({
  description: "What a shift hands to the next on a line.",
  fields: (t) => ({
    line: t.field({
      type: LineRef,
      resolve: async (handover, _args, context) => {
        const line = await context.loaders.of(lineById).load(handover.lineId);
        if (!line) throw new Error(`line ${handover.lineId} vanished`);
        return line;
      },
    }),
    shiftInstance: t.field({ type: ShiftInstanceRef, resolve: (handover) => handover.shiftInstance }),
    openAndons: t.field({
      type: [HandoverAndonRef],
      description: "The line's andons not yet resolved, oldest first.",
      authScopes: { permission: "andon:read" },
      resolve: (handover, _args, { prisma }) => openAndonsOfLine(prisma, handover.lineId),
    }),
    untaggedStops: t.field({
      type: [DowntimeEventRef],
      description: "Stops in the shift (micro-stops aside) still without a confirmed reason, oldest first.",
      authScopes: { permission: "downtime:read" },
      resolve: (handover, _args, { prisma }) => untaggedStopsOfShift(prisma, handover.lineId, handover.shiftInstance),
    }),
    unsignedChecklists: t.field({
      type: [ChecklistCompletionRef],
      description: "Checklists of the line's equipment started but not signed, oldest first.",
      authScopes: { permission: "job:read" },
      resolve: (handover, _args, { prisma }) =>
        unsignedChecklistsOfLine(prisma, handover.lineId, handover.shiftInstance),
    }),
    notes: t.field({
      type: [HandoverNoteRef],
      description: "Notes written in this shift for the next one, oldest first.",
      resolve: (handover, _args, { prisma }) => notesOfShift(prisma, handover.lineId, handover.shiftInstance.id),
    }),
    notesFromPreviousShift: t.field({
      type: [HandoverNoteRef],
      description: "Notes the shift before this one left, oldest first.",
      resolve: async (handover, _args, { prisma }): Promise<ShiftHandoverNote[]> => {
        const previous = await previousShiftInstance(prisma, handover.lineId, handover.shiftInstance);
        return previous ? notesOfShift(prisma, handover.lineId, previous.id) : [];
      },
    }),
  }),
});

/** The shift instance named, or the one running now at the line's site; NOT_FOUND between shifts. */
async function handoverShift(
  context: Parameters<typeof userActorOf>[0],
  lineId: string,
  shiftInstanceId: string | undefined,
) {
  if (shiftInstanceId) return context.prisma.shiftInstance.findUnique({ where: { id: shiftInstanceId } });
  return shiftInstanceOfLineAt(context.prisma, lineId, new Date());
}

builder.queryFields((t) => ({
  shiftHandover: t.field({
    type: ShiftHandoverRef,
    description:
      "A line's handover for a shift instance (the one running now when omitted): open andons, untagged stops, unsigned checklists and notes.",
    authScopes: { permission: "plant:read" },
    args: { lineId: t.arg.id({ required: true }), shiftInstanceId: t.arg.id() },
    resolve: async (_root, args, context) => {
      const lineId = uuidArgument(args.lineId, "lineId");
      const shiftInstanceId = args.shiftInstanceId ? uuidArgument(args.shiftInstanceId, "shiftInstanceId") : undefined;
      if (!(await context.loaders.of(lineById).load(lineId)))
        throw new ApiError("NOT_FOUND", `There is no line ${lineId}.`);
      const shiftInstance = await handoverShift(context, lineId, shiftInstanceId);
      if (!shiftInstance) {
        throw new ApiError(
          "NOT_FOUND",
          shiftInstanceId
            ? `There is no shift instance ${shiftInstanceId}.`
            : "No shift is running at the line's site now.",
        );
      }
      return { lineId, shiftInstance };
    },
  }),
}));

builder.mutationFields((t) => ({
  writeHandoverNote: t.field({
    type: HandoverNoteRef,
    description: `Leaves a note (at most ${SHIFT_HANDOVER_DEFAULTS.maxNoteLength} characters) for the next shift on a line; notes are not edited afterwards.`,
    authScopes: { permission: "handover:write" },
    errors: { types: ADMIN_ERRORS },
    args: {
      lineId: t.arg.id({ required: true }),
      body: t.arg.string({ required: true }),
      shiftInstanceId: t.arg.id({ description: "The shift it is written in; the one running now when omitted." }),
    },
    resolve: (_root, args, context) => {
      const { userId } = userActorOf(context);
      const lineId = uuidArgument(args.lineId, "lineId");
      const shiftInstanceId = args.shiftInstanceId ? uuidArgument(args.shiftInstanceId, "shiftInstanceId") : undefined;
      const body = requiredText(args.body, "body", SHIFT_HANDOVER_DEFAULTS.maxNoteLength);
      return auditedChange(context, "handover note", async (tx) => {
        if (!(await tx.line.findUnique({ where: { id: lineId } }))) throw new NotFound("line", lineId);
        const shift = await handoverShift({ ...context, prisma: tx as typeof context.prisma }, lineId, shiftInstanceId);
        if (!shift) {
          if (shiftInstanceId) throw new NotFound("shift instance", shiftInstanceId);
          throw new InputInvalid(
            "shiftInstanceId",
            "No shift is running at the line's site now; name the shift instance.",
          );
        }
        const row = await tx.shiftHandoverNote.create({
          data: { lineId, shiftInstanceId: shift.id, authorId: userId, body },
        });
        return {
          row,
          audit: { action: "handover-note.write", entityType: "ShiftHandoverNote", entityId: row.id, after: row },
        };
      });
    },
  }),
}));
