// Who a level of an escalation reaches: every active user of a role, a named user, or the people
// assigned to the shift on duty (on the andon's line, or to no line) when the level fires.
import type { EscalationRecipient, Prisma } from "@ms5/db";

export async function recipientUserIds(
  prisma: Prisma.TransactionClient,
  recipients: readonly EscalationRecipient[],
  andon: { lineId: string },
  at: Date,
): Promise<string[]> {
  const roles = recipients.flatMap((r) => (r.kind === "ROLE" && r.role ? [r.role] : []));
  const userIds = recipients.flatMap((r) => (r.kind === "USER" && r.userId ? [r.userId] : []));
  const shiftIds = recipients.flatMap((r) => (r.kind === "SHIFT" && r.shiftId ? [r.shiftId] : []));
  const found = new Set<string>();
  if (roles.length > 0 || userIds.length > 0) {
    const users = await prisma.user.findMany({
      where: {
        active: true,
        OR: [
          ...(roles.length > 0 ? [{ roles: { hasSome: roles } }] : []),
          ...(userIds.length > 0 ? [{ id: { in: userIds } }] : []),
        ],
      },
      select: { id: true },
    });
    for (const user of users) found.add(user.id);
  }
  if (shiftIds.length > 0) {
    const assignments = await prisma.shiftAssignment.findMany({
      where: {
        shiftInstance: { shiftId: { in: shiftIds }, startsAt: { lte: at }, endsAt: { gt: at } },
        OR: [{ lineId: null }, { lineId: andon.lineId }],
        user: { active: true },
      },
      select: { userId: true },
    });
    for (const assignment of assignments) found.add(assignment.userId);
  }
  return [...found].sort();
}
