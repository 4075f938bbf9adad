// MTBF and MTTR per equipment from its corrective work orders.
//
// A failure is a corrective work order that was not cancelled; it began when its stop began (the
// linked downtime event) or, without one, when the order was opened. Its repair lasted until the
// order was completed. Over a window [from, to):
//   MTTR = total repair time / repairs completed in the window
//   MTBF = (window length - repair time inside the window) / failures that began in the window
// Each is null when there is nothing to divide by, rather than 0 or infinity.

import type { PrismaClient } from "@ms5/db";
import { InputInvalid } from "@ms5/kit/subgraph";

export interface EquipmentReliability {
  equipmentId: string;
  from: Date;
  to: Date;
  failureCount: number;
  repairCount: number;
  /** Window length less repair time inside it. */
  operatingSeconds: number;
  mtbfSeconds: number | null;
  mttrSeconds: number | null;
}

/** @default 100 equipment per call */
export const MAX_RELIABILITY_EQUIPMENT = 100;

export async function equipmentReliability(
  prisma: PrismaClient,
  equipmentIds: readonly string[],
  from: Date,
  to: Date,
): Promise<EquipmentReliability[]> {
  if (from.getTime() >= to.getTime()) throw new InputInvalid("to", "to must be after from.");
  const ids = [...new Set(equipmentIds)];
  if (ids.length === 0 || ids.length > MAX_RELIABILITY_EQUIPMENT) {
    throw new InputInvalid("equipmentIds", `Name 1 to ${MAX_RELIABILITY_EQUIPMENT} equipment.`);
  }
  // Orders opened after the window cannot have failures in it; an order opened before it may.
  const orders = await prisma.maintenanceWorkOrder.findMany({
    where: {
      equipmentId: { in: ids },
      type: "CORRECTIVE",
      status: { not: "CANCELLED" },
      createdAt: { lt: to },
      OR: [{ completedAt: null }, { completedAt: { gt: from } }],
    },
    select: {
      equipmentId: true,
      createdAt: true,
      completedAt: true,
      downtimeEvent: { select: { startedAt: true } },
    },
  });
  const windowSeconds = (to.getTime() - from.getTime()) / 1000;
  return ids.map((equipmentId) => {
    let failureCount = 0;
    let repairCount = 0;
    let repairSeconds = 0;
    let downSecondsInWindow = 0;
    for (const order of orders) {
      if (order.equipmentId !== equipmentId) continue;
      const failedAt = order.downtimeEvent?.startedAt ?? order.createdAt;
      if (failedAt >= from && failedAt < to) failureCount++;
      const repairedAt = order.completedAt;
      if (repairedAt && repairedAt >= from && repairedAt < to) {
        repairCount++;
        repairSeconds += (repairedAt.getTime() - failedAt.getTime()) / 1000;
      }
      const downStart = Math.max(failedAt.getTime(), from.getTime());
      const downEnd = Math.min((repairedAt ?? to).getTime(), to.getTime());
      if (downEnd > downStart) downSecondsInWindow += (downEnd - downStart) / 1000;
    }
    const operatingSeconds = Math.max(0, windowSeconds - downSecondsInWindow);
    return {
      equipmentId,
      from,
      to,
      failureCount,
      repairCount,
      operatingSeconds,
      mtbfSeconds: failureCount > 0 ? operatingSeconds / failureCount : null,
      mttrSeconds: repairCount > 0 ? repairSeconds / repairCount : null,
    };
  });
}
