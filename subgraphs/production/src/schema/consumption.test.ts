// Material and energy against good output through GraphQL on a real database: per work order, per
// job, per equipment and line, with the figures worked by hand; recording consumption with bad
// input or without the permission changes nothing; a page of work orders costs a fixed number of
// queries.
import type { PrismaClient } from "@ms5/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GraphQLTestPlant,
  type Loose,
  openGraphQLTestPlant,
  RESULT_SELECTION,
  tableFingerprint,
} from "../testing/graphql-test-plant.ts";

const T0 = new Date("2026-11-24T08:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe("material and energy per good unit", () => {
  let plant: GraphQLTestPlant;
  let lineId: string;
  let otherLineId: string;
  let baggerId: string;
  let checkWeigherId: string;
  let feederId: string;
  let workOrderId: string;
  let jobId: string;

  beforeAll(async () => {
    plant = await openGraphQLTestPlant({ now: new Date("2026-11-25T10:00:00Z") });
    const { prisma } = plant;
    const equipment = async (code: string) => prisma.equipment.findUniqueOrThrow({ where: { code } });
    const bagger = await equipment("BAGGER-1");
    baggerId = bagger.id;
    lineId = bagger.lineId;
    checkWeigherId = (await equipment("CW-1")).id;
    feederId = (await equipment("BAG1-FEED")).id;
    const otherBagger = await equipment("BAGGER-2");
    otherLineId = otherBagger.lineId;

    const order = await prisma.workOrder.findFirstOrThrow({ where: { lineId }, orderBy: { plannedStart: "asc" } });
    workOrderId = order.id;
    await prisma.workOrder.update({
      where: { id: order.id },
      data: { status: "COMPLETED", actualStart: at(0), actualEnd: at(60) },
    });
    // The constraint (Bagger 1) counts 100 + 150 good in the hour; the feeder's counts and a count
    // after the hour are not the line's output.
    await prisma.productionCount.createMany({
      data: [
        { equipmentId: baggerId, lineId, recordedAt: at(10), goodDelta: 100, rejectDelta: 3 },
        { equipmentId: baggerId, lineId, recordedAt: at(40), goodDelta: 150, rejectDelta: 2 },
        { equipmentId: baggerId, lineId, recordedAt: at(60), goodDelta: 999, rejectDelta: 0 },
        { equipmentId: feederId, lineId, recordedAt: at(20), goodDelta: 400, rejectDelta: 0 },
      ],
    });
    // Line energy in the hour: Bagger 1 4 + 6 kWh, check weigher 5 kWh = 15 kWh; a reading after the
    // hour and the other line's reading do not count.
    await prisma.energyReading.createMany({
      data: [
        { equipmentId: baggerId, recordedAt: at(15), meterKwh: 104, deltaKwh: 4 },
        { equipmentId: baggerId, recordedAt: at(45), meterKwh: 110, deltaKwh: 6 },
        { equipmentId: checkWeigherId, recordedAt: at(30), meterKwh: 55, deltaKwh: 5 },
        { equipmentId: baggerId, recordedAt: at(61), meterKwh: 210, deltaKwh: 100 },
        { equipmentId: otherBagger.id, recordedAt: at(30), meterKwh: 50, deltaKwh: 50 },
      ],
    });
    const job = await prisma.jobAssignment.create({
      data: {
        title: "First half hour",
        lineId,
        equipmentId: baggerId,
        workOrderId,
        assigneeId: plant.users.operator,
        assignedById: plant.users.smanager,
        status: "COMPLETED",
        acceptedAt: at(0),
        startedAt: at(0),
        completedAt: at(30),
        actualGoodQuantity: 98,
      },
    });
    jobId = job.id;
  });
  afterAll(async () => {
    await plant?.db.drop();
  });

  const RECORD = `mutation($input: RecordMaterialConsumptionInput!) { recordMaterialConsumption(input: $input) {
    ${RESULT_SELECTION} ... on MutationRecordMaterialConsumptionSuccess { data { id workOrderId jobId quantity } } } }`;

  it("records film and glue for the work order and its job, and works out material and kWh per good unit", async () => {
    const operator = plant.as("operator", ["OPERATOR"]);
    const film = await plant.run(operator, RECORD, {
      input: {
        lineId,
        jobId,
        materialCode: "FILM-PE",
        materialName: "PE film",
        quantity: 12.5,
        unit: "kg",
        consumedAt: at(5).toISOString(),
      },
    });
    // Recorded against the job, it lands on the job's work order too.
    expect(film.data!.recordMaterialConsumption.data).toMatchObject({ workOrderId, jobId, quantity: 12.5 });
    await plant.run(operator, RECORD, {
      input: {
        lineId,
        workOrderId,
        materialCode: "FILM-PE",
        quantity: 2.5,
        unit: "kg",
        consumedAt: at(50).toISOString(),
      },
    });
    await plant.run(operator, RECORD, {
      input: { lineId, workOrderId, equipmentId: baggerId, materialCode: "GLUE", quantity: 1, unit: "l" },
    });

    const result = await plant.run(
      plant.as("pmanager", ["PRODUCTION_MANAGER"]),
      `query($id: ID!, $e: ID!, $l: ID!) {
        workOrder(id: $id) { consumption { goodUnits goodUnitsSource energyKwh kwhPerGoodUnit
          materials { materialCode materialName unit quantity perGoodUnit } } }
        equipment(id: $e) { energyUsage(from: "2026-11-24T08:00:00Z", to: "2026-11-24T09:00:00Z") { kwh goodUnits kwhPerGoodUnit } }
        line(id: $l) { energyUsage(from: "2026-11-24T08:00:00Z", to: "2026-11-24T09:00:00Z") { kwh goodUnits kwhPerGoodUnit } }
        materialConsumption(workOrderId: $id) { edges { node { materialCode quantity } } }
      }`,
      { id: workOrderId, e: baggerId, l: lineId },
    );
    expect(result.errors).toBeUndefined();
    // 250 good on the constraint; 15 kWh / 250 = 0.06 kWh per unit; film 15 kg / 250 = 0.06 kg, glue 1 l / 250 = 0.004 l.
    expect(result.data!.workOrder.consumption).toEqual({
      goodUnits: 250,
      goodUnitsSource: "COUNTED",
      energyKwh: 15,
      kwhPerGoodUnit: 0.06,
      materials: [
        { materialCode: "FILM-PE", materialName: "PE film", unit: "kg", quantity: 15, perGoodUnit: 0.06 },
        { materialCode: "GLUE", materialName: null, unit: "l", quantity: 1, perGoodUnit: 0.004 },
      ],
    });
    // Bagger 1 alone: 10 kWh over its 250 good.
    expect(result.data!.equipment.energyUsage).toEqual({ kwh: 10, goodUnits: 250, kwhPerGoodUnit: 0.04 });
    expect(result.data!.line.energyUsage).toEqual({ kwh: 15, goodUnits: 250, kwhPerGoodUnit: 0.06 });
    expect(result.data!.materialConsumption.edges.map((edge: Loose) => edge.node)).toEqual([
      { materialCode: "FILM-PE", quantity: 12.5 },
      { materialCode: "FILM-PE", quantity: 2.5 },
      { materialCode: "GLUE", quantity: 1 },
    ]);

    const job = await plant.run(
      plant.as("operator", ["OPERATOR"]),
      `{ myJobs(status: [COMPLETED]) { id consumption { goodUnits goodUnitsSource energyKwh kwhPerGoodUnit materials { quantity perGoodUnit } } } }`,
    );
    const mine = job.data!.myJobs.find((candidate: { id: string }) => candidate.id === jobId);
    // The first half hour on Bagger 1: 4 kWh; 98 good as the operator reported; 12.5 kg film.
    expect(mine.consumption).toEqual({
      goodUnits: 98,
      goodUnitsSource: "REPORTED",
      energyKwh: 4,
      kwhPerGoodUnit: 4 / 98,
      materials: [{ quantity: 12.5, perGoodUnit: 12.5 / 98 }],
    });
  });

  it("gives no per-unit figure for work that made nothing good yet", async () => {
    const planned = await plant.prisma.workOrder.findFirstOrThrow({ where: { lineId, status: "RELEASED" } });
    const result = await plant.run(
      plant.as("viewer", ["VIEWER"]),
      `query($id: ID!) { workOrder(id: $id) { consumption { from goodUnits energyKwh kwhPerGoodUnit } } }`,
      { id: planned.id },
    );
    expect(result.data!.workOrder.consumption).toEqual({
      from: null,
      goodUnits: 0,
      energyKwh: 0,
      kwhPerGoodUnit: null,
    });
  });

  it("refuses consumption that is not positive, dated ahead, on another line's equipment or job, or from someone without material:record", async () => {
    const before = await tableFingerprint(plant.prisma, ["material_consumption"]);
    const otherBagger = await plant.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-2" } });
    const base = { lineId, materialCode: "FILM-PE", quantity: 1, unit: "kg" };
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ quantity: 0 }, { __typename: "InputInvalid", field: "quantity" }],
      [{ quantity: -2 }, { __typename: "InputInvalid", field: "quantity" }],
      [
        { consumedAt: new Date(Date.now() + 3_600_000).toISOString() },
        { __typename: "InputInvalid", field: "consumedAt" },
      ],
      [{ equipmentId: otherBagger.id }, { __typename: "InputInvalid", field: "equipmentId" }],
      [
        { lineId: otherLineId, jobId },
        { __typename: "InputInvalid", field: "jobId" },
      ],
      [{ jobId: "00000000-0000-4000-8000-00000000000b" }, { __typename: "NotFound", entity: "job" }],
      [{ materialCode: "film roll!" }, { __typename: "InputInvalid", field: "materialCode" }],
    ];
    for (const [override, expected] of cases) {
      const result = await plant.run(plant.as("operator", ["OPERATOR"]), RECORD, { input: { ...base, ...override } });
      expect(result.data!.recordMaterialConsumption).toMatchObject(expected);
    }
    const viewer = await plant.run(plant.as("viewer", ["VIEWER"]), RECORD, { input: base });
    expect(viewer.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    expect(await tableFingerprint(plant.prisma, ["material_consumption"])).toBe(before);

    const backwards = await plant.run(
      plant.as("viewer", ["VIEWER"]),
      `query($e: ID!) { equipment(id: $e) { energyUsage(from: "2026-11-24T09:00:00Z", to: "2026-11-24T08:00:00Z") { kwh } } }`,
      { e: baggerId },
    );
    expect(backwards.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
  });

  it("works out the consumption of a page of work orders in a fixed number of queries", async () => {
    let raw = 0;
    let grouped = 0;
    const counting = plant.prisma.$extends({
      query: {
        $allOperations: ({ model, operation, args, query }) => {
          if (!model && operation.startsWith("$queryRaw")) raw++;
          if (model === "MaterialConsumption" && operation === "groupBy") grouped++;
          return query(args);
        },
      },
    }) as unknown as PrismaClient;
    await plant.prisma.workOrder.updateMany({
      where: { lineId, status: "RELEASED" },
      data: { status: "IN_PROGRESS", actualStart: at(0) },
    });
    const result = await plant.run(
      plant.as("viewer", ["VIEWER"]),
      `query($l: ID!) { workOrders(lineId: $l, first: 20) { edges { node { consumption { goodUnits energyKwh } } } } }`,
      { l: lineId },
      counting,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.workOrders.edges.length).toBeGreaterThan(5);
    // One query for counts, one for energy, one for materials, whatever the page size.
    expect(raw).toBe(2);
    expect(grouped).toBe(1);
  });
});
