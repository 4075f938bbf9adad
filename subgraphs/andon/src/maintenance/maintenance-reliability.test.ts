// MTBF and MTTR from corrective work orders, on a window with known failures and repairs.
import type { PrismaClient } from "@ms5/db";
import type { TestDatabase } from "@ms5/db/test-database";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { insertTestEquipment, openTestDatabase } from "../notifications/notification-test-support.ts";
import { equipmentReliability } from "./maintenance-reliability.ts";

describe("equipment reliability", () => {
  const run = inject("testRun");
  const t0 = new Date("2026-11-01T00:00:00.000Z");
  const hours = (h: number) => new Date(t0.getTime() + h * 3_600_000);
  let db: TestDatabase;
  let prisma: PrismaClient;

  beforeAll(async () => {
    db = await openTestDatabase(run);
    prisma = db.prisma;
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function order(equipmentId: string, createdAt: Date, completedAt: Date | null, extra: object = {}) {
    const number = `MWO-T${Math.random().toString(36).slice(2, 10)}`;
    return prisma.maintenanceWorkOrder.create({
      data: {
        number,
        equipmentId,
        type: "CORRECTIVE",
        title: "failure",
        createdAt,
        completedAt,
        status: completedAt ? "COMPLETED" : "IN_PROGRESS",
        ...extra,
      },
    });
  }

  it("MTBF is uptime per failure and MTTR repair time per repair, from the stop's start when linked", async () => {
    const { equipment } = await insertTestEquipment(prisma);
    // Window 0h-100h. Failure 1: 10h-12h (2h). Failure 2: stop began 50h, order opened 51h, fixed 54h (4h).
    await order(equipment.id, hours(10), hours(12));
    const stop = await prisma.downtimeEvent.create({
      data: { equipmentId: equipment.id, lineId: equipment.lineId, startedAt: hours(50), endedAt: hours(54) },
    });
    await order(equipment.id, hours(51), hours(54), { downtimeEventId: stop.id });
    // Cancelled and preventive orders are not failures.
    await order(equipment.id, hours(60), null, { status: "CANCELLED" });
    await order(equipment.id, hours(70), hours(71), { type: "PREVENTIVE" });

    const [figures] = await equipmentReliability(prisma, [equipment.id], hours(0), hours(100));
    expect(figures).toMatchObject({ failureCount: 2, repairCount: 2 });
    expect(figures!.operatingSeconds).toBe(94 * 3600);
    expect(figures!.mtbfSeconds).toBe(47 * 3600);
    expect(figures!.mttrSeconds).toBe(3 * 3600);
  });

  it("counts a repair still open at the window's end as down time but not yet as a repair", async () => {
    const { equipment } = await insertTestEquipment(prisma);
    await order(equipment.id, hours(90), null);
    const [figures] = await equipmentReliability(prisma, [equipment.id], hours(0), hours(100));
    expect(figures).toMatchObject({ failureCount: 1, repairCount: 0, mttrSeconds: null, operatingSeconds: 90 * 3600 });
    expect(figures!.mtbfSeconds).toBe(90 * 3600);
  });

  it("gives null MTBF and MTTR for equipment without failures, not zero", async () => {
    const { equipment } = await insertTestEquipment(prisma);
    const [figures] = await equipmentReliability(prisma, [equipment.id], hours(0), hours(10));
    expect(figures).toMatchObject({ failureCount: 0, mtbfSeconds: null, mttrSeconds: null, operatingSeconds: 36_000 });
  });

  it("refuses an empty or reversed window", async () => {
    const { equipment } = await insertTestEquipment(prisma);
    await expect(equipmentReliability(prisma, [equipment.id], hours(5), hours(5))).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
    });
    await expect(equipmentReliability(prisma, [], hours(0), hours(5))).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
    });
  });
});
