// Product specifications through GraphQL: the seeded weights and bags, an engineer's audited change,
// refusals of bad input that change nothing, and that only plant:manage may set them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GraphQLTestPlant,
  openGraphQLTestPlant,
  RESULT_SELECTION,
  tableFingerprint,
} from "../testing/graphql-test-plant.ts";

const SET = `mutation($id: ID!, $input: ProductSpecificationInput!) {
  setProductSpecification(productTypeId: $id, input: $input) { ${RESULT_SELECTION}
    ... on MutationSetProductSpecificationSuccess { data { code specification {
      targetWeightKg toleranceBelowKg toleranceAboveKg lowerLimitKg upperLimitKg bagSize } } } } }`;

describe("product specifications", () => {
  let plant: GraphQLTestPlant;
  let mm25: string;
  beforeAll(async () => {
    plant = await openGraphQLTestPlant();
    mm25 = (await plant.prisma.productType.findUniqueOrThrow({ where: { code: "MM-25" } })).id;
  });
  afterAll(async () => {
    await plant?.db.drop();
  });

  it("the demo products carry their net weight, tolerances, limits and bag", async () => {
    const result = await plant.run(
      plant.as("viewer", ["VIEWER"]),
      `{ productTypes(search: "MM-25") { edges { node { code specification {
        targetWeightKg toleranceBelowKg toleranceAboveKg lowerLimitKg upperLimitKg bagSize } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.productTypes.edges[0].node).toEqual({
      code: "MM-25",
      specification: {
        targetWeightKg: 25,
        toleranceBelowKg: 0.1,
        toleranceAboveKg: 0.3,
        lowerLimitKg: 24.9,
        upperLimitKg: 25.3,
        bagSize: "500 x 850 mm PE 150 µm",
      },
    });
  });

  it("an engineer sets a specification; the change is audited with before and after", async () => {
    const input = {
      targetWeightKg: 25,
      toleranceBelowKg: 0.05,
      toleranceAboveKg: 0.25,
      bagSize: "500 x 850 mm PE 120 µm",
    };
    const result = await plant.run(plant.as("engineer", ["ENGINEER"]), SET, { id: mm25, input });
    expect(result.data!.setProductSpecification).toMatchObject({
      __typename: "MutationSetProductSpecificationSuccess",
      data: { specification: { ...input, lowerLimitKg: 24.95, upperLimitKg: 25.25 } },
    });
    const audit = await plant.prisma.auditLog.findFirstOrThrow({
      where: { entityId: mm25, action: "product-type.specification" },
    });
    expect(audit.before).toMatchObject({ toleranceBelowKg: 0.1 });
    expect(audit.after).toMatchObject({ toleranceBelowKg: 0.05 });
  });

  it("bad input is InputInvalid naming the field and changes nothing; an unknown product is NotFound", async () => {
    const before = await tableFingerprint(plant.prisma, ["product_type"]);
    const engineer = plant.as("engineer", ["ENGINEER"]);
    const cases: [Record<string, unknown>, string][] = [
      [{ targetWeightKg: 0 }, "targetWeightKg"],
      [{ targetWeightKg: -25 }, "targetWeightKg"],
      [{ toleranceAboveKg: 0.2 }, "toleranceAboveKg"],
      [{ targetWeightKg: 25, toleranceBelowKg: -0.1 }, "toleranceBelowKg"],
      [{ targetWeightKg: 25, toleranceBelowKg: 25 }, "toleranceBelowKg"],
      [{ targetWeightKg: 25, bagSize: "  " }, "bagSize"],
    ];
    for (const [input, field] of cases) {
      const result = await plant.run(engineer, SET, { id: mm25, input });
      expect(result.data!.setProductSpecification, JSON.stringify(input)).toMatchObject({
        __typename: "InputInvalid",
        field,
      });
    }
    const unknown = await plant.run(engineer, SET, { id: "00000000-0000-4000-8000-000000000000", input: {} });
    expect(unknown.data!.setProductSpecification).toMatchObject({ __typename: "NotFound" });
    expect(await tableFingerprint(plant.prisma, ["product_type"])).toBe(before);
  });

  it("a shift manager may not set a specification (FORBIDDEN) and nothing changes", async () => {
    const before = await tableFingerprint(plant.prisma, ["product_type"]);
    const result = await plant.run(plant.as("smanager", ["SHIFT_MANAGER"]), SET, {
      id: mm25,
      input: { targetWeightKg: 1 },
    });
    expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await tableFingerprint(plant.prisma, ["product_type"])).toBe(before);
  });
});
