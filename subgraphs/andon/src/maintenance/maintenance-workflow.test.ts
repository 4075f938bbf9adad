// The maintenance workflow against a real database: every refusal is typed and changes nothing.
import type { Equipment, PrismaClient, User } from "@ms5/db";
import type { TestDatabase } from "@ms5/db/test-database";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { insertTestEquipment, insertTestUser, openTestDatabase } from "../notifications/notification-test-support.ts";
import {
  addMaintenanceTask,
  assignWorkOrder,
  cancelWorkOrder,
  completeWorkOrder,
  createWorkOrder,
  createWorkOrderForAndon,
  finishMaintenanceTask,
  holdWorkOrder,
  logMaintenanceTime,
  recordPartUsage,
  startWorkOrder,
} from "./maintenance-workflow.ts";

describe("maintenance work orders", () => {
  const run = inject("testRun");
  const t0 = new Date("2026-11-27T08:00:00.000Z");
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
  let db: TestDatabase;
  let prisma: PrismaClient;
  let bagger: Equipment;
  let other: Equipment;
  let technician: User;
  let manager: User;
  let operator: User;

  beforeAll(async () => {
    db = await openTestDatabase(run);
    prisma = db.prisma;
    ({ equipment: bagger } = await insertTestEquipment(prisma));
    ({ equipment: other } = await insertTestEquipment(prisma));
    technician = await insertTestUser(prisma, { roles: ["MAINTENANCE_TECHNICIAN"] });
    manager = await insertTestUser(prisma, { roles: ["SHIFT_MANAGER"] });
    operator = await insertTestUser(prisma, { roles: ["OPERATOR"] });
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function snapshot(workOrderId: string) {
    return prisma.maintenanceWorkOrder.findUnique({
      where: { id: workOrderId },
      include: { tasks: { orderBy: { position: "asc" } }, parts: true },
    });
  }

  it("a maintenance andon gets one corrective work order, linked to its equipment and the current stop, in the raise transaction", async () => {
    const stop = await prisma.downtimeEvent.create({
      data: { equipmentId: bagger.id, lineId: bagger.lineId, startedAt: at(-2), firstOutFaultCode: "JAM" },
    });
    const andon = await prisma.andonEvent.create({
      data: {
        lineId: bagger.lineId,
        equipmentId: bagger.id,
        type: "MAINTENANCE",
        priority: "HIGH",
        faultCode: "JAM",
        raisedAt: at(0),
        raisedById: operator.id,
      },
    });
    const workOrder = await prisma.$transaction((tx) => createWorkOrderForAndon(tx, andon));
    expect(workOrder).toMatchObject({
      equipmentId: bagger.id,
      andonId: andon.id,
      downtimeEventId: stop.id,
      type: "CORRECTIVE",
      priority: "HIGH",
      status: "OPEN",
      title: "Bagger 1: JAM",
      requestedById: operator.id,
    });
    expect(workOrder!.number).toMatch(/^MWO-\d{6}$/);
    // A repeat of the fault (or a retried raise) finds the same order.
    const again = await prisma.$transaction((tx) => createWorkOrderForAndon(tx, andon));
    expect(again!.id).toBe(workOrder!.id);
    expect(await prisma.maintenanceWorkOrder.count({ where: { andonId: andon.id } })).toBe(1);
    await prisma.downtimeEvent.update({ where: { id: stop.id }, data: { endedAt: at(1) } });
  });

  it("andons of other types, or without equipment, get no work order", async () => {
    const quality = await prisma.andonEvent.create({
      data: { lineId: bagger.lineId, equipmentId: bagger.id, type: "QUALITY", priority: "LOW" },
    });
    const lineOnly = await prisma.andonEvent.create({
      data: { lineId: bagger.lineId, type: "MAINTENANCE", priority: "LOW" },
    });
    expect(await prisma.$transaction((tx) => createWorkOrderForAndon(tx, quality))).toBeNull();
    expect(await prisma.$transaction((tx) => createWorkOrderForAndon(tx, lineOnly))).toBeNull();
  });

  it("runs create -> assign -> start -> hold -> resume -> tasks, parts and time -> complete, with an audit row per step", async () => {
    const created = await createWorkOrder(
      prisma,
      { equipmentId: bagger.id, type: "CORRECTIVE", title: "Replace sealing jaw", tasks: ["Isolate", "Swap jaw"] },
      { userId: manager.id },
      at(10),
    );
    expect(created.status).toBe("OPEN");
    const assigned = await assignWorkOrder(prisma, created.id, technician.id, { userId: manager.id }, at(11));
    expect(assigned).toMatchObject({ status: "ASSIGNED", assigneeId: technician.id });
    const started = await startWorkOrder(prisma, created.id, { userId: technician.id }, at(12));
    expect(started).toMatchObject({ status: "IN_PROGRESS", startedAt: at(12) });
    await holdWorkOrder(prisma, created.id, "Waiting for a jaw from stores", { userId: technician.id }, at(20));
    const resumed = await startWorkOrder(prisma, created.id, { userId: technician.id }, at(40));
    expect(resumed).toMatchObject({ status: "IN_PROGRESS", startedAt: at(12) });

    const [isolate, swap] = (await snapshot(created.id))!.tasks;
    await logMaintenanceTime(prisma, isolate!.id, 5);
    await finishMaintenanceTask(
      prisma,
      isolate!.id,
      { status: "DONE", minutesSpent: 3 },
      { userId: technician.id },
      at(45),
    );
    const extra = await addMaintenanceTask(prisma, created.id, { description: "Test seal" });
    expect(extra.position).toBe(2);
    await finishMaintenanceTask(
      prisma,
      swap!.id,
      { status: "DONE", minutesSpent: 30 },
      { userId: technician.id },
      at(75),
    );
    await finishMaintenanceTask(prisma, extra.id, { status: "SKIPPED" }, { userId: technician.id }, at(76));
    await recordPartUsage(prisma, created.id, { partNumber: "JAW-200", quantity: 1, unitCost: 412.5 });

    const completed = await completeWorkOrder(prisma, created.id, "Worn jaw", { userId: technician.id }, at(80));
    expect(completed).toMatchObject({ status: "COMPLETED", completedAt: at(80), failureCause: "Worn jaw" });
    const final = (await snapshot(created.id))!;
    expect(final.tasks.map((task) => [task.status, task.minutesSpent])).toEqual([
      ["DONE", 8],
      ["DONE", 30],
      ["SKIPPED", 0],
    ]);
    expect(final.parts.map((part) => [part.partNumber, Number(part.unitCost)])).toEqual([["JAW-200", 412.5]]);
    const audit = await prisma.auditLog.findMany({ where: { entityId: created.id }, orderBy: { id: "asc" } });
    expect(audit.map((row) => row.action)).toEqual([
      "maintenance.create",
      "maintenance.assign",
      "maintenance.start",
      "maintenance.hold",
      "maintenance.start",
      "maintenance.complete",
    ]);
  });

  it("refuses invalid transitions with InvalidMaintenanceTransition and changes nothing", async () => {
    const order = await createWorkOrder(
      prisma,
      { equipmentId: bagger.id, type: "PREVENTIVE", title: "Lubricate chain" },
      { userId: manager.id },
      at(100),
    );
    const before = await snapshot(order.id);
    const actor = { userId: technician.id };
    await expect(completeWorkOrder(prisma, order.id, null, actor, at(101))).rejects.toMatchObject({
      name: "InvalidMaintenanceTransition",
      code: "INVALID_STATE_TRANSITION",
      from: "OPEN",
    });
    await expect(holdWorkOrder(prisma, order.id, "why", actor, at(101))).rejects.toMatchObject({
      name: "InvalidMaintenanceTransition",
    });
    expect(await snapshot(order.id)).toEqual(before);

    await cancelWorkOrder(prisma, order.id, "Done during shutdown", { userId: manager.id }, at(102));
    const cancelled = await snapshot(order.id);
    for (const attempt of [
      () => startWorkOrder(prisma, order.id, actor, at(103)),
      () => assignWorkOrder(prisma, order.id, technician.id, actor, at(103)),
      () => cancelWorkOrder(prisma, order.id, "again", actor, at(103)),
      () => addMaintenanceTask(prisma, order.id, { description: "late" }),
      () => recordPartUsage(prisma, order.id, { partNumber: "X", quantity: 1 }),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: "INVALID_STATE_TRANSITION", from: "CANCELLED" });
    }
    expect(await snapshot(order.id)).toEqual(cancelled);
  });

  it("will not complete with tasks still to do, nor a corrective order without its failure cause", async () => {
    const order = await createWorkOrder(
      prisma,
      { equipmentId: bagger.id, type: "CORRECTIVE", title: "Fix sensor", tasks: ["Replace sensor"] },
      { userId: manager.id },
      at(200),
    );
    await startWorkOrder(prisma, order.id, { userId: technician.id }, at(201));
    const before = await snapshot(order.id);
    await expect(
      completeWorkOrder(prisma, order.id, "Dirty lens", { userId: technician.id }, at(210)),
    ).rejects.toMatchObject({
      name: "MaintenanceTasksOpen",
      openTaskIds: [before!.tasks[0]!.id],
    });
    await finishMaintenanceTask(prisma, before!.tasks[0]!.id, { status: "DONE" }, { userId: technician.id }, at(211));
    await expect(completeWorkOrder(prisma, order.id, "  ", { userId: technician.id }, at(212))).rejects.toMatchObject({
      name: "InputInvalid",
      field: "failureCause",
    });
    expect((await snapshot(order.id))!.status).toBe("IN_PROGRESS");
  });

  it("an unassigned order is taken by the technician who starts it", async () => {
    const order = await createWorkOrder(
      prisma,
      { equipmentId: bagger.id, type: "INSPECTION", title: "Check guards" },
      { userId: manager.id },
      at(300),
    );
    const started = await startWorkOrder(prisma, order.id, { userId: technician.id }, at(301));
    expect(started).toMatchObject({ status: "IN_PROGRESS", assigneeId: technician.id });
  });

  it("refuses bad input and writes nothing: unknown equipment, an andon of other equipment, a non-technician assignee, negative time or quantity", async () => {
    const orders = await prisma.maintenanceWorkOrder.count();
    const actor = { userId: manager.id };
    const missing = "00000000-0000-4000-8000-000000000000";
    await expect(
      createWorkOrder(prisma, { equipmentId: missing, type: "CORRECTIVE", title: "x" }, actor, at(400)),
    ).rejects.toMatchObject({ name: "NotFound", code: "NOT_FOUND" });
    const otherAndon = await prisma.andonEvent.create({
      data: { lineId: other.lineId, equipmentId: other.id, type: "MAINTENANCE", priority: "LOW" },
    });
    await expect(
      createWorkOrder(
        prisma,
        { equipmentId: bagger.id, type: "CORRECTIVE", title: "x", andonId: otherAndon.id },
        actor,
        at(400),
      ),
    ).rejects.toMatchObject({ name: "InputInvalid", field: "andonId" });
    await expect(
      createWorkOrder(prisma, { equipmentId: bagger.id, type: "CORRECTIVE", title: "   " }, actor, at(400)),
    ).rejects.toMatchObject({ code: "BAD_USER_INPUT", field: "title" });
    await expect(
      createWorkOrder(
        prisma,
        { equipmentId: bagger.id, type: "CORRECTIVE", title: "x", dueAt: at(399) },
        actor,
        at(400),
      ),
    ).rejects.toMatchObject({ field: "dueAt" });
    expect(await prisma.maintenanceWorkOrder.count()).toBe(orders);

    const order = await createWorkOrder(
      prisma,
      { equipmentId: bagger.id, type: "CORRECTIVE", title: "x", tasks: ["a"] },
      actor,
      at(400),
    );
    const before = await snapshot(order.id);
    await expect(assignWorkOrder(prisma, order.id, operator.id, actor, at(401))).rejects.toMatchObject({
      field: "assigneeId",
    });
    await expect(logMaintenanceTime(prisma, before!.tasks[0]!.id, -5)).rejects.toMatchObject({ field: "minutes" });
    await expect(recordPartUsage(prisma, order.id, { partNumber: "P", quantity: 0 })).rejects.toMatchObject({
      field: "quantity",
    });
    await expect(startWorkOrder(prisma, missing, actor, at(401))).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await snapshot(order.id)).toEqual(before);
  });
});
