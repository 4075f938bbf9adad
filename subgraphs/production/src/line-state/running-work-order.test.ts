// What an equipment makes comes from the job running on it: hand-made work orders and jobs move the
// live state (recorded by the database on every job change) and the OEE buckets' product, and with
// no job running both fall back to the schedule, marked as planned only.
import { STREAM_SCHEMA_VERSION } from "@ms5/schema";
import { parseStreamEntry } from "@ms5/schema/stream-entries";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recomputeOeeRecords } from "../oee-records/recompute-oee-records.ts";
import { type GraphQLTestPlant, openGraphQLTestPlant } from "../testing/graphql-test-plant.ts";
import { applyTelemetryEntry, type TelemetryEquipment } from "./apply-telemetry-entry.ts";

const HOUR_MS = 3_600_000;

const LIVE_STATE = /* GraphQL */ `
  query ($id: ID!) {
    equipment(id: $id) {
      liveState {
        productSource
        currentWorkOrder { number }
        currentProductType { code }
      }
    }
  }
`;

describe("the running job's work order and product", () => {
  let plant: GraphQLTestPlant;
  let bagger: TelemetryEquipment;
  let checkWeigher: TelemetryEquipment;
  const product: Record<"MM-10" | "MM-25", { id: string; idealCycleTimeSeconds: number }> = {} as never;
  let jobOrder: { id: string };
  let seq = 0;

  const telemetryEquipment = async (code: string): Promise<TelemetryEquipment> => {
    const row = await plant.prisma.equipment.findUniqueOrThrow({ where: { code }, include: { line: true } });
    return {
      id: row.id,
      lineId: row.lineId,
      isConstraint: row.isConstraint,
      microStopThresholdSeconds: row.line.microStopThresholdSeconds,
    };
  };
  const running = (equipment: TelemetryEquipment, code: string, at: Date) =>
    applyTelemetryEntry(
      plant.prisma,
      parseStreamEntry("telemetry", {
        v: STREAM_SCHEMA_VERSION,
        plc: "PLC-BAG1",
        seq: String(++seq),
        equipment: code,
        line: "bagging-1",
        ts: String(at.getTime()),
        type: "state",
        state: "RUNNING",
        stateCode: "1",
      }),
      { stream: "test", id: `${seq}-0`, group: "production" },
      equipment,
    );
  const liveStateOf = async (equipmentId: string) => {
    const result = await plant.run(plant.as("smanager", ["SHIFT_MANAGER"]), LIVE_STATE, { id: equipmentId });
    expect(result.errors).toBeUndefined();
    return result.data!.equipment.liveState;
  };
  const recordedOf = (equipmentId: string) =>
    plant.prisma.equipmentLiveState.findUniqueOrThrow({
      where: { equipmentId },
      select: { currentWorkOrderId: true, currentProductTypeId: true },
    });
  const handMadeJob = (fields: {
    title: string;
    equipmentId: string | null;
    workOrderId: string;
    status: "ACCEPTED" | "IN_PROGRESS" | "COMPLETED";
    startedAt?: Date;
    completedAt?: Date;
  }) =>
    plant.prisma.jobAssignment.create({
      data: {
        ...fields,
        acceptedAt: fields.startedAt ?? new Date(),
        ...(fields.status === "COMPLETED" ? { actualGoodQuantity: 400, actualRejectQuantity: 0 } : {}),
        lineId: bagger.lineId,
        assigneeId: plant.users.operator,
        assignedById: plant.users.smanager,
      },
    });

  beforeAll(async () => {
    plant = await openGraphQLTestPlant();
    bagger = await telemetryEquipment("BAGGER-1");
    checkWeigher = await telemetryEquipment("CW-1");
    for (const code of ["MM-10", "MM-25"] as const) {
      product[code] = await plant.prisma.productType.findUniqueOrThrow({
        where: { code },
        select: { id: true, idealCycleTimeSeconds: true },
      });
    }
    // Only hand-made work orders on the line: one scheduled around now, one for the job.
    await plant.prisma.workOrder.deleteMany({ where: { lineId: bagger.lineId } });
    const now = Date.now();
    await plant.prisma.workOrder.create({
      data: {
        number: "WO-TEST-SCHEDULED",
        lineId: bagger.lineId,
        productTypeId: product["MM-10"].id,
        plannedQuantity: 1_000,
        plannedStart: new Date(now - 2 * HOUR_MS),
        plannedEnd: new Date(now + 2 * HOUR_MS),
        status: "RELEASED",
      },
    });
    jobOrder = await plant.prisma.workOrder.create({
      data: {
        number: "WO-TEST-RUSH",
        lineId: bagger.lineId,
        productTypeId: product["MM-25"].id,
        plannedQuantity: 400,
        plannedStart: new Date(now + 24 * HOUR_MS),
        plannedEnd: new Date(now + 26 * HOUR_MS),
        status: "RELEASED",
      },
    });
    await running(bagger, "BAGGER-1", new Date(now - HOUR_MS));
  });
  afterAll(async () => {
    await plant.db.drop();
  });

  it("with no job running, the equipment shows the scheduled work order, marked as planned", async () => {
    expect(await recordedOf(bagger.id)).toEqual({ currentWorkOrderId: null, currentProductTypeId: null });
    expect(await liveStateOf(bagger.id)).toEqual({
      productSource: "SCHEDULE",
      currentWorkOrder: { number: "WO-TEST-SCHEDULED" },
      currentProductType: { code: "MM-10" },
    });
  });

  it("starting a job records its work order and product on the equipment, confirmed by the running job", async () => {
    const job = await handMadeJob({
      title: "Rush order of 25 kg",
      equipmentId: bagger.id,
      workOrderId: jobOrder.id,
      status: "ACCEPTED",
    });
    expect((await liveStateOf(bagger.id)).productSource).toBe("SCHEDULE");

    await plant.prisma.jobAssignment.update({
      where: { id: job.id },
      data: { status: "IN_PROGRESS", startedAt: new Date() },
    });
    expect(await recordedOf(bagger.id)).toEqual({
      currentWorkOrderId: jobOrder.id,
      currentProductTypeId: product["MM-25"].id,
    });
    expect(await liveStateOf(bagger.id)).toEqual({
      productSource: "RUNNING_JOB",
      currentWorkOrder: { number: "WO-TEST-RUSH" },
      currentProductType: { code: "MM-25" },
    });

    // Completing it hands the equipment back to the schedule, planned only.
    await plant.prisma.jobAssignment.update({
      where: { id: job.id },
      data: { status: "COMPLETED", completedAt: new Date(), actualGoodQuantity: 400, actualRejectQuantity: 0 },
    });
    expect(await recordedOf(bagger.id)).toEqual({ currentWorkOrderId: null, currentProductTypeId: null });
    expect(await liveStateOf(bagger.id)).toEqual({
      productSource: "SCHEDULE",
      currentWorkOrder: { number: "WO-TEST-SCHEDULED" },
      currentProductType: { code: "MM-10" },
    });
  });

  it("a job on the whole line gives each equipment its product, even one whose first telemetry comes later", async () => {
    const job = await handMadeJob({
      title: "Line-wide rush",
      equipmentId: null,
      workOrderId: jobOrder.id,
      status: "IN_PROGRESS",
      startedAt: new Date(),
    });
    expect((await recordedOf(bagger.id)).currentWorkOrderId).toBe(jobOrder.id);

    // The check weigher has no live state yet: its first entry creates the row with the running job's order.
    expect(await plant.prisma.equipmentLiveState.findUnique({ where: { equipmentId: checkWeigher.id } })).toBeNull();
    await running(checkWeigher, "CW-1", new Date());
    expect(await recordedOf(checkWeigher.id)).toEqual({
      currentWorkOrderId: jobOrder.id,
      currentProductTypeId: product["MM-25"].id,
    });
    // Later states of the equipment keep it.
    await running(checkWeigher, "CW-1", new Date(Date.now() + 1_000));
    expect((await recordedOf(checkWeigher.id)).currentWorkOrderId).toBe(jobOrder.id);

    await plant.prisma.jobAssignment.update({
      where: { id: job.id },
      data: { status: "CANCELLED", cancelledAt: new Date(), cancelReason: "Film ran out" },
    });
    expect((await recordedOf(bagger.id)).currentWorkOrderId).toBeNull();
    expect((await recordedOf(checkWeigher.id)).currentWorkOrderId).toBeNull();
  });

  it("OEE buckets take the product of the job that ran in them, and the schedule's, as planned, elsewhere", async () => {
    // Friday 20 Nov, 08:00-11:00 UTC: scheduled for MM-10 all morning; a job ran MM-25 from 09:00 to 10:00.
    const at = (hhmm: string) => new Date(`2026-11-20T${hhmm}:00.000Z`);
    await plant.prisma.workOrder.create({
      data: {
        number: "WO-TEST-FRIDAY",
        lineId: bagger.lineId,
        productTypeId: product["MM-10"].id,
        plannedQuantity: 5_000,
        plannedStart: at("06:00"),
        plannedEnd: at("14:00"),
        status: "COMPLETED",
      },
    });
    await handMadeJob({
      title: "Friday 25 kg",
      equipmentId: bagger.id,
      workOrderId: jobOrder.id,
      status: "COMPLETED",
      startedAt: at("09:00"),
      completedAt: at("10:00"),
    });
    await running(bagger, "BAGGER-1", at("08:00"));

    await recomputeOeeRecords(plant.prisma, {
      equipmentId: bagger.id,
      from: at("08:00"),
      to: at("11:00"),
      bucket: "HOUR",
      now: at("11:00"),
    });
    const buckets = await plant.prisma.oeeRecord.findMany({
      where: { equipmentId: bagger.id, bucket: "HOUR", bucketStart: { gte: at("08:00"), lt: at("11:00") } },
      orderBy: { bucketStart: "asc" },
      select: { bucketStart: true, productTypeId: true, productSource: true, idealCycleTimeSeconds: true },
    });
    expect(buckets).toEqual([
      {
        bucketStart: at("08:00"),
        productTypeId: product["MM-10"].id,
        productSource: "SCHEDULE",
        idealCycleTimeSeconds: product["MM-10"].idealCycleTimeSeconds,
      },
      {
        bucketStart: at("09:00"),
        productTypeId: product["MM-25"].id,
        productSource: "RUNNING_JOB",
        idealCycleTimeSeconds: product["MM-25"].idealCycleTimeSeconds,
      },
      {
        bucketStart: at("10:00"),
        productTypeId: product["MM-10"].id,
        productSource: "SCHEDULE",
        idealCycleTimeSeconds: product["MM-10"].idealCycleTimeSeconds,
      },
    ]);
    expect(product["MM-10"].idealCycleTimeSeconds).not.toBe(product["MM-25"].idealCycleTimeSeconds);
  });

  it("a job started during the hour moves the live hour's product to it", async () => {
    // The current hour, recomputed as the live publisher does: a job started a minute ago wins over the
    // schedule (and over the jobs of the tests above, which ran for milliseconds).
    const now = new Date();
    const hourStart = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
    const job = await handMadeJob({
      title: "Started just now",
      equipmentId: bagger.id,
      workOrderId: jobOrder.id,
      status: "IN_PROGRESS",
      startedAt: new Date(Math.max(hourStart.getTime(), now.getTime() - 60_000)),
    });
    await recomputeOeeRecords(plant.prisma, {
      equipmentId: bagger.id,
      from: hourStart,
      to: new Date(hourStart.getTime() + HOUR_MS),
      bucket: "HOUR",
      now: new Date(),
    });
    const record = await plant.prisma.oeeRecord.findFirstOrThrow({
      where: { equipmentId: bagger.id, bucket: "HOUR", bucketStart: hourStart },
    });
    expect(record).toMatchObject({ productTypeId: product["MM-25"].id, productSource: "RUNNING_JOB" });
    await plant.prisma.jobAssignment.update({
      where: { id: job.id },
      data: { status: "COMPLETED", completedAt: new Date(), actualGoodQuantity: 0, actualRejectQuantity: 0 },
    });
  });
});
