// What every history edit does first: lock the events it names (in id order, so two edits never
// deadlock), refuse missing, superseded and still-open ones, and look up a reason it is given.

import type { DowntimeCategory, DowntimeEvent, Prisma, ReasonCode } from "@ms5/db";
import { NotFound } from "@ms5/kit/subgraph";
import { DowntimeEventStillOpen, DowntimeEventSuperseded } from "./downtime-history-errors.ts";

/** A closed, current event: the only kind history edits touch. */
export type ClosedDowntimeEvent = DowntimeEvent & { endedAt: Date };

/** The events, locked FOR UPDATE and in the order asked for; throws the first refusal. */
export async function lockClosedDowntimeEvents(
  tx: Prisma.TransactionClient,
  ids: readonly string[],
): Promise<ClosedDowntimeEvent[]> {
  const sorted = [...new Set(ids)].sort();
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM downtime_event WHERE id = ANY(${sorted}::uuid[]) ORDER BY id FOR UPDATE`;
  const rows = locked.length > 0 ? await tx.downtimeEvent.findMany({ where: { id: { in: sorted } } }) : [];
  return ids.map((id) => {
    const event = rows.find((row) => row.id === id);
    if (!event) throw new NotFound("downtime event", id);
    if (event.supersededAt) throw new DowntimeEventSuperseded(event.id, event.supersededAt);
    if (!event.endedAt) throw new DowntimeEventStillOpen(event.id, event.startedAt);
    return event as ClosedDowntimeEvent;
  });
}

/** An active reason code, or NotFound. */
export async function activeReasonCode(tx: Prisma.TransactionClient, reasonCodeId: string): Promise<ReasonCode> {
  const reason = await tx.reasonCode.findUnique({ where: { id: reasonCodeId } });
  if (!reason?.active)
    throw new NotFound("reason code", reasonCodeId, `There is no active reason code ${reasonCodeId}.`);
  return reason;
}

/** The line's micro-stop threshold, as the telemetry consumer applies it when a stop closes. */
export async function microStopThresholdSeconds(tx: Prisma.TransactionClient, lineId: string): Promise<number> {
  const line = await tx.line.findUniqueOrThrow({ where: { id: lineId }, select: { microStopThresholdSeconds: true } });
  return line.microStopThresholdSeconds;
}

/**
 * Whether a stop is a micro-stop, asked of the database's is_micro_stop() (migration
 * 20261215090000_downtime_rules_in_one_home), the rule's one home: the telemetry path applies the same
 * function when a stop closes, so an edited stop is classified exactly as a recorded one.
 */
export async function isMicroStop(
  tx: Prisma.TransactionClient,
  category: DowntimeCategory,
  startedAt: Date,
  endedAt: Date,
  thresholdSeconds: number,
): Promise<boolean> {
  const [row] = await tx.$queryRaw<{ micro: boolean }[]>`
    SELECT is_micro_stop(${category}::"DowntimeCategory", ${startedAt}::timestamptz, ${endedAt}::timestamptz, ${thresholdSeconds}::int) AS micro`;
  return row?.micro === true;
}

/** The fields an audit row records before and after an edit. */
export function auditSnapshot(event: DowntimeEvent): Prisma.InputJsonObject {
  return {
    startedAt: event.startedAt.toISOString(),
    endedAt: event.endedAt?.toISOString() ?? null,
    category: event.category,
    isMicroStop: event.isMicroStop,
    reasonCodeId: event.reasonCodeId,
    suggestedReasonCodeId: event.suggestedReasonCodeId,
    supersededAt: event.supersededAt?.toISOString() ?? null,
  };
}

/** The columns a replacement event inherits from the event it replaces. */
export function inheritedFields(event: DowntimeEvent) {
  return {
    equipmentId: event.equipmentId,
    lineId: event.lineId,
    category: event.category,
    source: event.source,
    firstOutFaultCode: event.firstOutFaultCode,
    suggestedReasonCodeId: event.suggestedReasonCodeId,
    note: event.note,
    shiftInstanceId: event.shiftInstanceId,
    workOrderId: event.workOrderId,
    productTypeId: event.productTypeId,
  };
}
