// Quality fields on the production subgraph's work orders, jobs and product types, resolved as the
// gateway resolves them (_entities with signed gateway requests): what was recorded against each,
// several entities in one request (each field through a DataLoader), and nothing for a caller without quality:read.
import { issueAccessToken } from "@ms5/kit/auth";
import { testRedisPrefix } from "@ms5/kit/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { QualitySubgraph } from "../quality-subgraph.ts";
import {
  callSubgraph,
  openQualityTestPlant,
  type QualityTestPlant,
  startQualityTestSubgraph,
} from "../testing/quality-test-plant.ts";

const WORK = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on WorkOrder { id qualityHolds { id reason } scrapRecords { quantity } defects { id } qualityChecks { id } }
  ... on Job { id scrapRecords { quantity } defects { id } qualityChecks { id } }
  ... on ProductType { id inspectionPlans { id name } } } }`;

interface Entity {
  id: string;
  qualityHolds?: { id: string; reason: string }[];
  scrapRecords?: { quantity: number }[];
  inspectionPlans?: { id: string; name: string }[];
}

describe("quality fields of work orders, jobs and product types", () => {
  const run = inject("testRun");
  let plant: QualityTestPlant;
  let subgraph: QualitySubgraph;
  let workOrders: { id: string; lineId: string; productTypeId: string }[];
  let holdId: string;

  beforeAll(async () => {
    plant = await openQualityTestPlant(run, new Date());
    subgraph = await startQualityTestSubgraph(plant, { keyPrefix: `${testRedisPrefix(run.runId)}work-quality:` });
    workOrders = await plant.db.prisma.workOrder.findMany({ take: 3, orderBy: { number: "asc" } });
    const inspector = await plant.userIdOf("inspector");
    const hold = await plant.db.prisma.qualityHold.create({
      data: { workOrderId: workOrders[0]!.id, reason: "seal check failed", placedById: inspector },
    });
    holdId = hold.id;
    const equipment = await plant.db.prisma.equipment.findFirstOrThrow({
      where: { lineId: workOrders[0]!.lineId, isConstraint: true },
    });
    await plant.db.prisma.scrapRecord.create({
      data: {
        lineId: workOrders[0]!.lineId,
        equipmentId: equipment.id,
        workOrderId: workOrders[0]!.id,
        quantity: 7,
        disposition: "SCRAP",
        madeAt: new Date(),
        plcCountedAsReject: false,
        reportedById: inspector,
      },
    });
  });
  afterAll(async () => {
    await subgraph?.close();
    await plant?.close();
  });

  it("returns each work order's holds and scrap, and the product's inspection plans, for several entities in one request", async () => {
    const response = await callSubgraph<{ _entities: Entity[] }>(
      subgraph.server.url,
      await plant.tokenOf("inspector"),
      WORK,
      {
        representations: [
          ...workOrders.map((w) => ({ __typename: "WorkOrder", id: w.id })),
          { __typename: "ProductType", id: workOrders[0]!.productTypeId },
        ],
      },
    );
    expect(response.errors).toBeUndefined();
    const [first, second, third, product] = response.data!._entities;
    expect(first!.qualityHolds).toEqual([{ id: holdId, reason: "seal check failed" }]);
    expect(first!.scrapRecords).toEqual([{ quantity: 7 }]);
    expect(second!.qualityHolds).toEqual([]);
    expect(third!.scrapRecords).toEqual([]);
    const plans = await plant.db.prisma.qualityCheckTemplate.findMany({
      where: { productTypeId: workOrders[0]!.productTypeId, active: true },
    });
    expect(product!.inspectionPlans!.map((p) => p.id).sort()).toEqual(plans.map((p) => p.id).sort());
  });

  it("refuses the fields to a caller without quality:read and reveals nothing", async () => {
    const viewer = await plant.userIdOf("viewer");
    const token = (await issueAccessToken(plant.keys, { kind: "user", userId: viewer, name: "nobody", roles: [] }))
      .token;
    const response = await callSubgraph<{ _entities: (Entity | null)[] }>(subgraph.server.url, token, WORK, {
      representations: [{ __typename: "WorkOrder", id: workOrders[0]!.id }],
    });
    expect(response.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(JSON.stringify(response.data ?? null)).not.toContain(holdId);
  });
});
