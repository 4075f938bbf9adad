// Certifications (issue 21): what a person is certified for, linked to one piece of equipment or a
// kind of equipment, from when until when. The job rules read them; `user:manage` grants, changes
// and revokes them, each change audited; everyone who may see users sees them.
import type { Certification, Prisma } from "@ms5/db";
import { defineLoader, InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { DuplicateKey } from "../plant-admin/admin-errors.ts";
import { requiredText } from "../plant-admin/admin-input.ts";
import { auditedChange } from "../plant-admin/audited-change.ts";
import "./admin-errors.ts";
import { EquipmentRef, equipmentById } from "./plant.ts";
import { UserRef } from "./user-admin.ts";

const CERTIFICATION_ERRORS = [NotFound, InputInvalid, DuplicateKey];

/** One person holds at most this many certifications (a list's price assumes it is full). @default 30 */
export const MAX_CERTIFICATIONS_PER_USER = 30;

export const CertificationRef = builder.prismaObject("Certification", {
  description:
    "What a person is certified for: one piece of equipment, every piece of a kind, or (neither) no job by itself.",
  authScopes: { permission: "user:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    userId: t.exposeID("userId"),
    name: t.exposeString("name"),
    issuedAt: t.expose("issuedAt", { type: "DateTime" }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", nullable: true, description: "Null: it does not expire." }),
    expired: t.boolean({
      description: "Whether it has expired by now.",
      resolve: (cert) => cert.expiresAt !== null && cert.expiresAt <= new Date(),
    }),
    // Through the loader, not t.relation: a revoked certification's row is gone, its equipment is not.
    equipment: t.field({
      type: EquipmentRef,
      nullable: true,
      description: "The one piece of equipment it qualifies for.",
      resolve: (cert, _args, context) =>
        cert.equipmentId ? context.loaders.of(equipmentById).load(cert.equipmentId) : null,
    }),
    equipmentKind: t.exposeString("equipmentKind", {
      nullable: true,
      description: "The kind of equipment (Equipment.kind) it qualifies for, every piece of it.",
    }),
  }),
});

const certificationsOfUser = defineLoader<string, Certification[]>(async (userIds, { prisma }) => {
  const rows = await prisma.certification.findMany({
    where: { userId: { in: [...userIds] } },
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
  return userIds.map((userId) => rows.filter((row) => row.userId === userId));
});

builder.objectFields(UserRef, (t) => ({
  certifications: t.field({
    type: [CertificationRef],
    listSize: { assumedSize: MAX_CERTIFICATIONS_PER_USER },
    description: "The person's certifications, expired ones included, by name.",
    authScopes: { permission: "user:read" },
    resolve: (user, _args, context) => context.loaders.of(certificationsOfUser).load(user.id),
  }),
}));

const GrantCertificationInput = builder.inputType("GrantCertificationInput", {
  fields: (t) => ({
    userId: t.id({ required: true }),
    name: t.string({ required: true, description: 'Unique per person, e.g. "Form-fill-seal bagger operator".' }),
    issuedAt: t.field({ type: "DateTime", required: true }),
    expiresAt: t.field({ type: "DateTime", description: "After issuedAt and after now; omitted: no expiry." }),
    equipmentId: t.id({ description: "The one piece of equipment it qualifies for (not with equipmentKind)." }),
    equipmentKind: t.string({ description: "A kind some equipment has (not with equipmentId)." }),
  }),
});

const UpdateCertificationInput = builder.inputType("UpdateCertificationInput", {
  description: "Only the fields given change; expiresAt null removes the expiry.",
  fields: (t) => ({
    name: t.string(),
    issuedAt: t.field({ type: "DateTime" }),
    expiresAt: t.field({ type: "DateTime" }),
  }),
});

/** A certification's period runs forward; a new or renewed one must not be expired already. */
function checkPeriod(issuedAt: Date, expiresAt: Date | null, now: Date): void {
  if (expiresAt === null) return;
  if (expiresAt <= issuedAt) throw new InputInvalid("expiresAt", "A certification expires after it is issued.");
  if (expiresAt <= now) {
    throw new InputInvalid("expiresAt", "That certification has already expired; enter the renewed one's dates.");
  }
}

/** The qualification, checked against the plant: a real equipment or a kind some equipment has. */
async function qualificationOf(
  tx: Prisma.TransactionClient,
  equipmentId: string | null,
  kindInput: string | null | undefined,
): Promise<{ equipmentId: string | null; equipmentKind: string | null }> {
  const kind = kindInput === null || kindInput === undefined ? null : requiredText(kindInput, "equipmentKind");
  if (equipmentId && kind) {
    throw new InputInvalid("equipmentKind", "A certification names one equipment or one equipment kind, not both.");
  }
  if (equipmentId) {
    const equipment = await tx.equipment.findUnique({ where: { id: equipmentId }, select: { id: true } });
    if (!equipment) throw new NotFound("equipment", equipmentId);
  }
  if (kind && (await tx.equipment.count({ where: { kind } })) === 0) {
    throw new InputInvalid("equipmentKind", `No equipment is of kind "${kind}".`);
  }
  return { equipmentId, equipmentKind: kind };
}

builder.mutationFields((t) => ({
  grantCertification: t.field({
    type: CertificationRef,
    description: "Records a person's certification for an equipment or equipment kind (audited).",
    authScopes: { permission: "user:manage" },
    errors: { types: CERTIFICATION_ERRORS },
    args: { input: t.arg({ type: GrantCertificationInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const userId = uuidArgument(input.userId, "userId");
      const equipmentId =
        input.equipmentId === null || input.equipmentId === undefined
          ? null
          : uuidArgument(input.equipmentId, "equipmentId");
      const name = requiredText(input.name, "name");
      const expiresAt = input.expiresAt ?? null;
      checkPeriod(input.issuedAt, expiresAt, new Date());
      return auditedChange(context, "certification", async (tx) => {
        const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true } });
        if (!user) throw new NotFound("user", userId);
        const qualification = await qualificationOf(tx, equipmentId, input.equipmentKind);
        if (await tx.certification.findUnique({ where: { userId_name: { userId, name } } })) {
          throw new DuplicateKey("certification", "name", name);
        }
        if ((await tx.certification.count({ where: { userId } })) >= MAX_CERTIFICATIONS_PER_USER) {
          throw new InputInvalid("userId", `A person holds at most ${MAX_CERTIFICATIONS_PER_USER} certifications.`);
        }
        const row = await tx.certification.create({
          data: { userId, name, issuedAt: input.issuedAt, expiresAt, ...qualification },
        });
        return {
          row,
          audit: { action: "certification.grant", entityType: "Certification", entityId: row.id, after: row },
        };
      });
    },
  }),
  updateCertification: t.field({
    type: CertificationRef,
    description: "Renames or renews a certification (audited); its equipment or kind stays.",
    authScopes: { permission: "user:manage" },
    errors: { types: CERTIFICATION_ERRORS },
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateCertificationInput, required: true }),
    },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      const { input } = args;
      const name = input.name === null || input.name === undefined ? undefined : requiredText(input.name, "name");
      if (input.issuedAt === null) throw new InputInvalid("issuedAt", "A certification has an issue date.");
      return auditedChange(context, "certification", async (tx) => {
        const before = await tx.certification.findUnique({ where: { id } });
        if (!before) throw new NotFound("certification", id);
        const issuedAt = input.issuedAt ?? before.issuedAt;
        const expiresAt = input.expiresAt === undefined ? before.expiresAt : input.expiresAt;
        if (input.issuedAt !== undefined || input.expiresAt !== undefined) checkPeriod(issuedAt, expiresAt, new Date());
        if (name && name !== before.name) {
          const taken = await tx.certification.findUnique({ where: { userId_name: { userId: before.userId, name } } });
          if (taken) throw new DuplicateKey("certification", "name", name);
        }
        const row = await tx.certification.update({
          where: { id },
          data: { ...(name ? { name } : {}), issuedAt, expiresAt },
        });
        return {
          row,
          audit: { action: "certification.update", entityType: "Certification", entityId: id, before, after: row },
        };
      });
    },
  }),
  revokeCertification: t.field({
    type: CertificationRef,
    description: "Removes a certification (audited, with what it was); returns it as it was.",
    authScopes: { permission: "user:manage" },
    errors: { types: [NotFound, InputInvalid] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      return auditedChange(context, "certification", async (tx) => {
        const before = await tx.certification.findUnique({ where: { id } });
        if (!before) throw new NotFound("certification", id);
        await tx.certification.delete({ where: { id } });
        return {
          row: before,
          audit: { action: "certification.revoke", entityType: "Certification", entityId: id, before },
        };
      });
    },
  }),
}));
