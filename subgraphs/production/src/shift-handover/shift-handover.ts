// What one shift hands to the next on a line: the andons still open, the stops nobody has given a
// reason yet, the checklists started but not signed, and the notes written for the next shift.
// Read-only over the andon tables (the andon subgraph owns them); notes are append-only.
import type {
  AndonEvent,
  ChecklistCompletion,
  DowntimeEvent,
  PrismaClient,
  ShiftHandoverNote,
  ShiftInstance,
} from "@ms5/db";

/** Limits of the handover. */
export const SHIFT_HANDOVER_DEFAULTS = {
  /** @default 4,000 characters per note */
  maxNoteLength: 4_000,
  /** @default 200 rows per list: a handover longer than that is a report, not a handover. */
  maxListed: 200,
} as const;

export const OPEN_ANDON_STATUSES = ["OPEN", "ACKNOWLEDGED", "IN_PROGRESS"] as const;

export interface ShiftHandover {
  lineId: string;
  shiftInstance: ShiftInstance;
}

/** The site's shift instance running at `at`, for the line's site; null between shifts. */
export async function shiftInstanceOfLineAt(
  prisma: PrismaClient,
  lineId: string,
  at: Date,
): Promise<ShiftInstance | null> {
  return prisma.shiftInstance.findFirst({
    where: {
      startsAt: { lte: at },
      endsAt: { gt: at },
      shift: { pattern: { active: true, site: { areas: { some: { lines: { some: { id: lineId } } } } } } },
    },
    orderBy: { startsAt: "desc" },
  });
}

/** The line's andons not yet resolved, oldest first (whenever they were raised: they are still open). */
export function openAndonsOfLine(prisma: PrismaClient, lineId: string): Promise<AndonEvent[]> {
  return prisma.andonEvent.findMany({
    where: { lineId, status: { in: [...OPEN_ANDON_STATUSES] } },
    orderBy: { raisedAt: "asc" },
    take: SHIFT_HANDOVER_DEFAULTS.maxListed,
  });
}

/**
 * The line's stops during the shift with no confirmed reason, oldest first. Micro-stops are left out:
 * they are counted as small stops, not tagged one by one.
 */
export function untaggedStopsOfShift(
  prisma: PrismaClient,
  lineId: string,
  shift: Pick<ShiftInstance, "startsAt" | "endsAt">,
): Promise<DowntimeEvent[]> {
  return prisma.downtimeEvent.findMany({
    where: {
      lineId,
      confirmedAt: null,
      supersededAt: null,
      isMicroStop: false,
      startedAt: { lt: shift.endsAt },
      OR: [{ endedAt: null }, { endedAt: { gt: shift.startsAt } }],
    },
    orderBy: { startedAt: "asc" },
    take: SHIFT_HANDOVER_DEFAULTS.maxListed,
  });
}

/** Checklists of the line's equipment started before the shift ended and still not signed. */
export function unsignedChecklistsOfLine(
  prisma: PrismaClient,
  lineId: string,
  shift: Pick<ShiftInstance, "endsAt">,
): Promise<ChecklistCompletion[]> {
  return prisma.checklistCompletion.findMany({
    where: { status: "IN_PROGRESS", equipment: { lineId }, startedAt: { lt: shift.endsAt } },
    orderBy: { startedAt: "asc" },
    take: SHIFT_HANDOVER_DEFAULTS.maxListed,
  });
}

/** Notes written on the line during a shift instance, for the shift after it, oldest first. */
export function notesOfShift(
  prisma: PrismaClient,
  lineId: string,
  shiftInstanceId: string,
): Promise<ShiftHandoverNote[]> {
  return prisma.shiftHandoverNote.findMany({
    where: { lineId, shiftInstanceId },
    orderBy: { createdAt: "asc" },
    take: SHIFT_HANDOVER_DEFAULTS.maxListed,
  });
}

/** The instance of the site's active patterns that ended last before `shift` started. */
export function previousShiftInstance(
  prisma: PrismaClient,
  lineId: string,
  shift: Pick<ShiftInstance, "startsAt">,
): Promise<ShiftInstance | null> {
  return prisma.shiftInstance.findFirst({
    where: {
      endsAt: { lte: shift.startsAt },
      shift: { pattern: { active: true, site: { areas: { some: { lines: { some: { id: lineId } } } } } } },
    },
    orderBy: { endsAt: "desc" },
  });
}
