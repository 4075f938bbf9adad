// Stops of equipment without a PLC, entered by people: a start, an end (now or later), a reason.
// One transaction per entry: the equipment row is locked so two tablets cannot enter overlapping
// stops at once, the overlap is checked against every current stop of that equipment, the stop is
// written with an OPENED (and CLOSED) audit row, and the OEE buckets it touches are recomputed.
import type { DowntimeCategory, DowntimeEvent, Prisma, PrismaClient } from "@ms5/db";
import { ExpectedError, InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { recomputeAffectedOeeBuckets } from "./affected-oee-buckets.ts";
import { DOWNTIME_HISTORY_DEFAULTS } from "./downtime-history-defaults.ts";
import { DowntimeEventSuperseded } from "./downtime-history-errors.ts";
import { activeReasonCode, auditSnapshot, isMicroStop, microStopThresholdSeconds } from "./locked-downtime-events.ts";

export const MANUAL_STOP_DEFAULTS = {
  /** How far back a stop may be entered (a shift's paperwork a few days late). @default 7 days */
  maxAgeMs: 7 * 86_400_000,
  /** Clock skew allowed between a tablet and the server for "now". @default 60 s */
  clockSkewMs: 60_000,
};

/** The stop would cover time another current stop of the same equipment already covers. */
export class ManualStopOverlaps extends ExpectedError {
  override name = "ManualStopOverlaps";
  constructor(
    readonly equipmentId: string,
    readonly overlappingEventId: string,
    readonly overlappingStartedAt: Date,
    readonly overlappingEndedAt: Date | null,
  ) {
    super(
      "CONFLICT",
      `The stop overlaps stop ${overlappingEventId} of this equipment (from ${overlappingStartedAt.toISOString()}${
        overlappingEndedAt ? ` to ${overlappingEndedAt.toISOString()}` : ", still open"
      }). Nothing was recorded.`,
    );
  }
}

/** Stops of equipment read from a PLC come from the PLC; entering them by hand would count them twice. */
export class EquipmentHasPlc extends ExpectedError {
  override name = "EquipmentHasPlc";
  constructor(readonly equipmentId: string) {
    super(
      "INVALID_STATE_TRANSITION",
      `Equipment ${equipmentId} is read from a PLC, which records its stops; confirm their reasons instead.`,
    );
  }
}

/** Only a stop entered by hand is ended by hand, and only once. */
export class ManualStopNotOpen extends ExpectedError {
  override name = "ManualStopNotOpen";
  constructor(
    readonly downtimeEventId: string,
    readonly endedAt: Date | null,
  ) {
    super(
      "INVALID_STATE_TRANSITION",
      endedAt
        ? `Stop ${downtimeEventId} already ended at ${endedAt.toISOString()}.`
        : `Stop ${downtimeEventId} was recorded by a PLC; it ends when the machine runs again.`,
    );
  }
}

export interface RecordManualStopRequest {
  equipmentId: string;
  startedAt: Date;
  /** Null: the equipment is still stopped; end it later with endManualStop. */
  endedAt: Date | null;
  reasonCodeId: string;
  category?: DowntimeCategory | null;
  note?: string | null;
  performedById: string;
  /** SUPERVISOR when a manager enters it, OPERATOR otherwise. */
  source: "OPERATOR" | "SUPERVISOR";
  now?: Date;
}

/** `startedAt` is only held to the age limit when it is being entered, not when an open stop is ended. */
function checkSpan(startedAt: Date, endedAt: Date | null, now: Date, { newStart = true } = {}) {
  if (Number.isNaN(startedAt.getTime())) throw new InputInvalid("startedAt", "startedAt is not a time.");
  if (startedAt.getTime() > now.getTime() + MANUAL_STOP_DEFAULTS.clockSkewMs) {
    throw new InputInvalid("startedAt", "A stop cannot start in the future.");
  }
  if (newStart && startedAt.getTime() < now.getTime() - MANUAL_STOP_DEFAULTS.maxAgeMs) {
    throw new InputInvalid(
      "startedAt",
      "Stops older than 7 days are not entered by hand; ask a supervisor to edit history.",
    );
  }
  if (endedAt) {
    if (Number.isNaN(endedAt.getTime())) throw new InputInvalid("endedAt", "endedAt is not a time.");
    if (endedAt.getTime() <= startedAt.getTime())
      throw new InputInvalid("endedAt", "The stop must end after it starts.");
    if (endedAt.getTime() > now.getTime() + MANUAL_STOP_DEFAULTS.clockSkewMs) {
      throw new InputInvalid("endedAt", "A stop cannot end in the future; leave the end out while it lasts.");
    }
  }
}

/** Locks the equipment so overlap checks of concurrent entries run one after the other. */
async function lockEquipment(tx: Prisma.TransactionClient, equipmentId: string) {
  const rows = await tx.$queryRaw<{ id: string; lineId: string; plcId: string | null }[]>`
    SELECT id::text, "lineId"::text AS "lineId", "plcId"::text AS "plcId" FROM equipment WHERE id = ${equipmentId}::uuid FOR UPDATE`;
  const equipment = rows[0];
  if (!equipment) throw new NotFound("equipment", equipmentId);
  return equipment;
}

async function refuseOverlap(
  tx: Prisma.TransactionClient,
  equipmentId: string,
  startedAt: Date,
  endedAt: Date | null,
  except: string | null,
) {
  // Half-open spans: a stop may start the instant another ends. An open stop runs to infinity.
  const overlapping = await tx.downtimeEvent.findFirst({
    where: {
      equipmentId,
      supersededAt: null,
      ...(except ? { id: { not: except } } : {}),
      ...(endedAt ? { startedAt: { lt: endedAt } } : {}),
      OR: [{ endedAt: null }, { endedAt: { gt: startedAt } }],
    },
    orderBy: { startedAt: "asc" },
  });
  if (overlapping) {
    throw new ManualStopOverlaps(equipmentId, overlapping.id, overlapping.startedAt, overlapping.endedAt);
  }
}

export async function recordManualStop(prisma: PrismaClient, request: RecordManualStopRequest): Promise<DowntimeEvent> {
  const now = request.now ?? new Date();
  checkSpan(request.startedAt, request.endedAt, now);
  return prisma.$transaction(
    async (tx) => {
      const equipment = await lockEquipment(tx, request.equipmentId);
      if (equipment.plcId) throw new EquipmentHasPlc(equipment.id);
      const reason = await activeReasonCode(tx, request.reasonCodeId);
      await refuseOverlap(tx, equipment.id, request.startedAt, request.endedAt, null);
      const category = request.category ?? reason.category;
      const threshold = await microStopThresholdSeconds(tx, equipment.lineId);
      const created = await tx.downtimeEvent.create({
        data: {
          equipmentId: equipment.id,
          lineId: equipment.lineId,
          startedAt: request.startedAt,
          endedAt: request.endedAt,
          category,
          isMicroStop: request.endedAt
            ? await isMicroStop(tx, category, request.startedAt, request.endedAt, threshold)
            : false,
          source: request.source,
          reasonCodeId: reason.id,
          confirmedById: request.performedById,
          confirmedAt: now,
          note: request.note?.trim() || null,
        },
      });
      await tx.downtimeEventAudit.create({
        data: {
          eventId: created.id,
          action: "OPENED",
          actorId: request.performedById,
          at: now,
          after: auditSnapshot(created),
          note: "Entered by hand (equipment without a PLC).",
        },
      });
      if (created.endedAt) {
        await tx.downtimeEventAudit.create({
          data: {
            eventId: created.id,
            action: "CLOSED",
            actorId: request.performedById,
            at: now,
            after: auditSnapshot(created),
          },
        });
      }
      await recomputeAffectedOeeBuckets(
        tx,
        equipment.id,
        [{ start: created.startedAt, end: created.endedAt ?? now }],
        now,
      );
      return created;
    },
    { timeout: DOWNTIME_HISTORY_DEFAULTS.transactionTimeoutMs },
  );
}

export interface EndManualStopRequest {
  downtimeEventId: string;
  endedAt: Date;
  performedById: string;
  now?: Date;
}

export async function endManualStop(prisma: PrismaClient, request: EndManualStopRequest): Promise<DowntimeEvent> {
  const now = request.now ?? new Date();
  return prisma.$transaction(
    async (tx) => {
      const found = await tx.downtimeEvent.findUnique({ where: { id: request.downtimeEventId } });
      if (!found) throw new NotFound("downtime event", request.downtimeEventId);
      await lockEquipment(tx, found.equipmentId);
      const event = await tx.downtimeEvent.findUniqueOrThrow({ where: { id: found.id } });
      if (event.supersededAt) throw new DowntimeEventSuperseded(event.id, event.supersededAt);
      if (event.endedAt || event.source === "PLC") throw new ManualStopNotOpen(event.id, event.endedAt);
      checkSpan(event.startedAt, request.endedAt, now, { newStart: false });
      await refuseOverlap(tx, event.equipmentId, event.startedAt, request.endedAt, event.id);
      const threshold = await microStopThresholdSeconds(tx, event.lineId);
      const updated = await tx.downtimeEvent.update({
        where: { id: event.id },
        data: {
          endedAt: request.endedAt,
          isMicroStop: await isMicroStop(tx, event.category, event.startedAt, request.endedAt, threshold),
        },
      });
      await tx.downtimeEventAudit.create({
        data: {
          eventId: event.id,
          action: "CLOSED",
          actorId: request.performedById,
          at: now,
          before: auditSnapshot(event),
          after: auditSnapshot(updated),
        },
      });
      await recomputeAffectedOeeBuckets(tx, event.equipmentId, [{ start: event.startedAt, end: now }], now);
      return updated;
    },
    { timeout: DOWNTIME_HISTORY_DEFAULTS.transactionTimeoutMs },
  );
}
