// Who works a shift: people assigned to a dated shift instance, on one line or site-wide, in a role
// they hold. The job rules read this roster; `shift:manage` writes it, each change audited.
import type { ShiftAssignment } from "@ms5/db";
import { defineLoader, InputInvalid, NotFound } from "@ms5/kit/subgraph";
import type { Role } from "@ms5/schema";
import { builder, uuidArgument } from "../builder.ts";
import { DuplicateKey } from "../plant-admin/admin-errors.ts";
import { auditedChange } from "../plant-admin/audited-change.ts";
import "./admin-errors.ts";
import { LineRef, lineById } from "./plant.ts";
import { ShiftInstanceRef } from "./shift.ts";
import { RoleEnum, UserRef, userById } from "./user-admin.ts";

const ROSTER_ERRORS = [NotFound, InputInvalid, DuplicateKey];

/** The most people a list prices one shift's roster at. @default 200 */
export const ROSTER_ASSUMED_SIZE = 200;

export const ShiftAssignmentRef = builder.prismaObject("ShiftAssignment", {
  description: "A person on a dated shift, on one line or (no line) anywhere on the site.",
  authScopes: { permission: "plant:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    shiftInstanceId: t.exposeID("shiftInstanceId"),
    userId: t.exposeID("userId"),
    user: t.field({
      type: UserRef,
      nullable: true,
      authScopes: { permission: "user:read" },
      resolve: (assignment, _args, context) => context.loaders.of(userById).load(assignment.userId),
    }),
    line: t.field({
      type: LineRef,
      nullable: true,
      description: "Null: the person works anywhere on the site this shift.",
      resolve: (assignment, _args, context) =>
        assignment.lineId ? context.loaders.of(lineById).load(assignment.lineId) : null,
    }),
    role: t.field({ type: RoleEnum, resolve: (assignment) => assignment.role }),
  }),
});

const assignmentsOfInstance = defineLoader<string, ShiftAssignment[]>(async (instanceIds, { prisma }) => {
  const rows = await prisma.shiftAssignment.findMany({
    where: { shiftInstanceId: { in: [...instanceIds] } },
    orderBy: [{ role: "asc" }, { id: "asc" }],
  });
  return instanceIds.map((id) => rows.filter((row) => row.shiftInstanceId === id));
});

builder.objectFields(ShiftInstanceRef, (t) => ({
  assignments: t.field({
    type: [ShiftAssignmentRef],
    listSize: { assumedSize: ROSTER_ASSUMED_SIZE },
    description: "Who works this shift.",
    authScopes: { permission: "plant:read" },
    resolve: (instance, _args, context) => context.loaders.of(assignmentsOfInstance).load(instance.id),
  }),
}));

const AssignShiftInput = builder.inputType("AssignShiftInput", {
  fields: (t) => ({
    shiftInstanceId: t.id({ required: true }),
    userId: t.id({ required: true }),
    lineId: t.id({ description: "The line the person works on; omitted: anywhere on the site." }),
    role: t.field({
      type: RoleEnum,
      description: "A role the person holds; omitted: their first role.",
    }),
  }),
});

builder.mutationFields((t) => ({
  assignShift: t.field({
    type: ShiftAssignmentRef,
    description: "Puts a person on a dated shift (audited); once per person and shift.",
    authScopes: { permission: "shift:manage" },
    errors: { types: ROSTER_ERRORS },
    args: { input: t.arg({ type: AssignShiftInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const shiftInstanceId = uuidArgument(input.shiftInstanceId, "shiftInstanceId");
      const userId = uuidArgument(input.userId, "userId");
      const lineId = input.lineId === null || input.lineId === undefined ? null : uuidArgument(input.lineId, "lineId");
      return auditedChange(context, "shift assignment", async (tx) => {
        const instance = await tx.shiftInstance.findUnique({
          where: { id: shiftInstanceId },
          select: { shift: { select: { pattern: { select: { siteId: true } } } } },
        });
        if (!instance) throw new NotFound("shift instance", shiftInstanceId);
        const user = await tx.user.findUnique({ where: { id: userId }, select: { active: true, roles: true } });
        if (!user) throw new NotFound("user", userId);
        if (!user.active) throw new InputInvalid("userId", "Only active people are put on shifts.");
        const role = (input.role ?? user.roles[0]) as Role | undefined;
        if (!role || !user.roles.includes(role)) {
          throw new InputInvalid("role", "A person works a shift in a role they hold.");
        }
        if (lineId) {
          const line = await tx.line.findUnique({
            where: { id: lineId },
            select: { area: { select: { siteId: true } } },
          });
          if (!line) throw new NotFound("line", lineId);
          if (line.area.siteId !== instance.shift.pattern.siteId) {
            throw new InputInvalid("lineId", "The line is on another site than the shift.");
          }
        }
        const taken = await tx.shiftAssignment.findUnique({
          where: { shiftInstanceId_userId: { shiftInstanceId, userId } },
        });
        if (taken) throw new DuplicateKey("shift assignment", "userId", userId);
        const row = await tx.shiftAssignment.create({ data: { shiftInstanceId, userId, lineId, role } });
        return {
          row,
          audit: { action: "shift-assignment.create", entityType: "ShiftAssignment", entityId: row.id, after: row },
        };
      });
    },
  }),
  unassignShift: t.field({
    type: ShiftAssignmentRef,
    description: "Takes a person off a dated shift (audited); returns the assignment as it was.",
    authScopes: { permission: "shift:manage" },
    errors: { types: [NotFound, InputInvalid] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      return auditedChange(context, "shift assignment", async (tx) => {
        const before = await tx.shiftAssignment.findUnique({ where: { id } });
        if (!before) throw new NotFound("shift assignment", id);
        await tx.shiftAssignment.delete({ where: { id } });
        return {
          row: before,
          audit: { action: "shift-assignment.delete", entityType: "ShiftAssignment", entityId: id, before },
        };
      });
    },
  }),
}));
