// A new inspection plan's weight characteristic takes its nominal and limits from the product's
// specification when none are given, against a real database seeded with the demo plant.
import { seedPlant } from "@ms5/db/seed";
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createInspectionPlan } from "./inspection-plans.ts";

describe("inspection plans default to the product specification", () => {
  let db: TestDatabase;
  let actor: { userId: string };
  let base: { productTypeId: string; lineId: string };

  beforeAll(async () => {
    const { runId, databaseServerUrl, templateDatabase } = inject("testRun");
    db = await createTestDatabase({ serverUrl: databaseServerUrl, runId, templateDatabase });
    await seedPlant(db.prisma, { fastHashing: true });
    actor = { userId: (await db.prisma.user.findUniqueOrThrow({ where: { username: "inspector" } })).id };
    base = {
      productTypeId: (await db.prisma.productType.findUniqueOrThrow({ where: { code: "AF-50" } })).id,
      lineId: (await db.prisma.line.findUniqueOrThrow({ where: { code: "bagging-2" } })).id,
    };
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("a kg characteristic without nominal or limits gets the 50 kg bag's target and tolerances; others stay as given", async () => {
    const plan = await createInspectionPlan(db.prisma, actor, {
      ...base,
      name: "50 kg layer mash weight",
      characteristics: [
        { name: "Net weight", type: "VARIABLE", unit: "kg" },
        { name: "Gross weight", type: "VARIABLE", unit: "kg", nominal: 50.3, lowerSpec: 50, upperSpec: 51 },
        { name: "Seal width", type: "VARIABLE", unit: "mm" },
      ],
    });
    const byName = Object.fromEntries(plan.characteristics.map((c) => [c.name, [c.nominal, c.lowerSpec, c.upperSpec]]));
    // AF-50: 50 kg, 0.2 kg under and 0.5 kg over allowed.
    expect(byName).toEqual({
      "Net weight": [50, 49.8, 50.5],
      "Gross weight": [50.3, 50, 51],
      "Seal width": [null, null, null],
    });
  });

  it("a product without a target weight leaves the characteristic without limits", async () => {
    const basket = await db.prisma.productType.findUniqueOrThrow({ where: { code: "BSK-40" } });
    const plan = await createInspectionPlan(db.prisma, actor, {
      productTypeId: basket.id,
      lineId: (await db.prisma.line.findUniqueOrThrow({ where: { code: "loading-1" } })).id,
      name: "Basket weight",
      characteristics: [{ name: "Basket weight", type: "VARIABLE", unit: "kg" }],
    });
    expect(plan.characteristics.map((c) => [c.nominal, c.lowerSpec, c.upperSpec])).toEqual([[null, null, null]]);
  });
});
