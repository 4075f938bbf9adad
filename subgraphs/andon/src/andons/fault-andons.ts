// Andons raised by PLC faults: a fault bit's rising edge opens an andon whose type and priority the
// fault catalog decides; the same fault rising again while its andon is open updates that andon
// (repeatCount) instead of opening another. Idempotent by stream entry id: a redelivered entry
// changes nothing the second time.
import type { AndonEvent, AndonPriority, AndonType } from "@ms5/db";
import type { AndonEventMessage } from "../andon-events/andon-event-message.ts";
import { ruleForAndon, startEscalation } from "../escalation/escalation-timers.ts";
import { createWorkOrderForAndon, openDowntimeEventId } from "../maintenance/maintenance-workflow.ts";
import type { AndonRuntime } from "./andon-runtime.ts";
import { OPEN_ANDON_STATUSES } from "./andon-workflow.ts";

/** Type and priority of a fault bit the catalog does not know (`UNKNOWN-<bit>`). */
export const UNCATALOGUED_FAULT_ANDON: { type: AndonType; priority: AndonPriority } = {
  type: "MAINTENANCE",
  priority: "MEDIUM",
};

export interface FaultRise {
  /** Stream entry id, unique per stream. */
  streamEntryId: string;
  stream: string;
  equipmentId: string;
  lineId: string;
  faultCode: string;
  faultText: string;
  bitIndex: number;
  at: Date;
  /**
   * Found set by the bridge's first read after a start (`atStart`), not seen rising: a fault that
   * stood through a bridge restart. It opens an andon when none is open and repeats nothing.
   */
  foundAtStart?: boolean;
}

export type FaultAndonOutcome = "raised" | "repeated" | "duplicate" | "ignored";

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

const repeatNote = (fault: FaultRise) =>
  `fault ${fault.faultCode} rose again (entry ${fault.stream}/${fault.streamEntryId})`;

export async function applyFaultRise(
  runtime: AndonRuntime,
  fault: FaultRise,
): Promise<{ outcome: FaultAndonOutcome; andon: AndonEvent | null }> {
  const { prisma } = runtime;
  const sourceStreamId = `${fault.stream}/${fault.streamEntryId}`;
  const catalog = await prisma.faultCatalogEntry.findUnique({
    where: { equipmentId_faultCode: { equipmentId: fault.equipmentId, faultCode: fault.faultCode } },
  });
  if (catalog && !catalog.active) return { outcome: "ignored", andon: null };
  const { type, priority } = catalog
    ? { type: catalog.andonType, priority: catalog.andonPriority }
    : UNCATALOGUED_FAULT_ANDON;

  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const result = await prisma.$transaction(async (tx) => {
        const already = await tx.andonEvent.findUnique({ where: { sourceStreamId } });
        if (already) return { outcome: "duplicate" as const, andon: already, events: [] };
        const open = await tx.andonEvent.findFirst({
          where: {
            equipmentId: fault.equipmentId,
            faultCode: fault.faultCode,
            status: { in: [...OPEN_ANDON_STATUSES] },
          },
        });
        if (open && fault.foundAtStart) return { outcome: "duplicate" as const, andon: open, events: [] };
        if (open) {
          const note = repeatNote(fault);
          const seen = await tx.andonEventHistory.findFirst({
            where: { andonId: open.id, note },
            select: { id: true },
          });
          if (seen) return { outcome: "duplicate" as const, andon: open, events: [] };
          const andon = await tx.andonEvent.update({
            where: { id: open.id },
            data: { repeatCount: { increment: 1 } },
          });
          await tx.andonEventHistory.create({
            data: { andonId: open.id, fromStatus: open.status, toStatus: open.status, at: fault.at, note },
          });
          const events: AndonEventMessage[] = [{ kind: "andon-updated", andonId: andon.id, lineId: andon.lineId }];
          return { outcome: "repeated" as const, andon, events };
        }
        const andon = await tx.andonEvent.create({
          data: {
            lineId: fault.lineId,
            equipmentId: fault.equipmentId,
            type,
            priority,
            source: "PLC",
            faultCode: fault.faultCode,
            note: fault.faultText || null,
            raisedAt: fault.at,
            sourceStreamId,
            // The stop this fault is part of, when the production consumer has opened it already;
            // when the stop opens after, the database links it (migration link_plc_andons_to_stops).
            downtimeEventId: await openDowntimeEventId(tx, fault.equipmentId),
          },
        });
        await tx.andonEventHistory.create({
          data: {
            andonId: andon.id,
            fromStatus: null,
            toStatus: "OPEN",
            at: fault.at,
            note: `PLC fault ${fault.faultCode}`,
          },
        });
        // A maintenance fault opens its work order in the same transaction (null for other types).
        await createWorkOrderForAndon(tx, andon);
        const rule = await ruleForAndon(tx, andon);
        const escalationId = rule ? await startEscalation(tx, andon.id, rule, "ACKNOWLEDGE", fault.at, null) : null;
        const events: AndonEventMessage[] = [{ kind: "andon-raised", andonId: andon.id, lineId: andon.lineId }];
        if (escalationId)
          events.push({ kind: "escalation-updated", andonId: andon.id, lineId: andon.lineId, escalationId });
        return { outcome: "raised" as const, andon, events };
      });
      if (result.outcome === "raised") runtime.escalationsChanged();
      await runtime.publish(result.events);
      return { outcome: result.outcome, andon: result.andon };
    } catch (error) {
      // Another instance opened the andon for this fault at the same moment: this rise is its repeat.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw new Error(`could not apply fault ${fault.faultCode} of equipment ${fault.equipmentId}`);
}
