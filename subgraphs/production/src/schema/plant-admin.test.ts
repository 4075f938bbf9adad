// The plant model's paged queries and admin mutations, executed in-process against a real database
// seeded with the demo plant: pages, filters, audited changes, typed refusals that change nothing.
import type { PrismaClient } from "@ms5/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GraphQLTestPlant,
  type Loose,
  openGraphQLTestPlant,
  RESULT_SELECTION,
  tableFingerprint,
} from "../testing/graphql-test-plant.ts";

const PLANT_TABLES = ["site", "area", "line", "equipment", "product_type"];

describe("plant model queries and admin mutations", () => {
  let plant: GraphQLTestPlant;
  beforeAll(async () => {
    plant = await openGraphQLTestPlant();
  });
  afterAll(async () => {
    await plant?.db.drop();
  });

  const engineer = () => plant.as("engineer", ["ENGINEER"]);
  const viewer = () => plant.as("viewer", ["VIEWER"]);

  it("pages through all equipment with cursors: no row twice, none missing, in code order", async () => {
    const codes: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const result = await plant.run(
        viewer(),
        `query($after: String) { allEquipment(first: 3, after: $after) {
          edges { cursor node { code } } pageInfo { hasNextPage endCursor hasPreviousPage } } }`,
        { after },
      );
      expect(result.errors).toBeUndefined();
      const page = result.data!.allEquipment;
      codes.push(...page.edges.map((edge: { node: { code: string } }) => edge.node.code));
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages++;
    } while (after);
    const expected = (await plant.prisma.equipment.findMany({ orderBy: { code: "asc" } })).map((row) => row.code);
    expect(codes).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 3));
  });

  it("filters equipment by line and constraint, lines by site and search, product types by search", async () => {
    const bagging = await plant.prisma.line.findUniqueOrThrow({ where: { code: "bagging-1" } });
    const site = await plant.prisma.site.findFirstOrThrow();
    const result = await plant.run(
      viewer(),
      `query($lineId: ID!, $siteId: ID!) {
        onLine: allEquipment(lineId: $lineId) { edges { node { code line { code } } } }
        constraint: allEquipment(lineId: $lineId, constraintsOnly: true) { edges { node { code } } }
        lines(siteId: $siteId, search: "LOADING") { edges { node { code site { id } area { code } } } }
        sites { edges { node { code areas { code } } } }
        productTypes(first: 100) { edges { node { code } } }
      }`,
      { lineId: bagging.id, siteId: site.id },
    );
    expect(result.errors).toBeUndefined();
    const onLine = result.data!.onLine.edges.map((edge: Loose) => edge.node);
    expect(onLine.length).toBe(await plant.prisma.equipment.count({ where: { lineId: bagging.id } }));
    expect(onLine.every((node: Loose) => node.line.code === "bagging-1")).toBe(true);
    expect(result.data!.constraint.edges).toEqual([{ node: { code: "BAGGER-1" } }]);
    expect(result.data!.lines.edges.map((edge: Loose) => edge.node.code)).toEqual(["loading-1"]);
    expect(result.data!.lines.edges[0].node.site.id).toBe(site.id);
    expect(result.data!.productTypes.edges.length).toBe(
      await plant.prisma.productType.count({ where: { active: true } }),
    );
  });

  it("refuses a cursor of another list and a page size over the limit with BAD_USER_INPUT", async () => {
    const lines = await plant.run(viewer(), `{ lines(first: 1) { pageInfo { endCursor } } }`);
    const cursor = lines.data!.lines.pageInfo.endCursor;
    const wrongList = await plant.run(viewer(), `query($c: String) { allEquipment(after: $c) { edges { cursor } } }`, {
      c: cursor,
    });
    expect(wrongList.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
    const garbage = await plant.run(viewer(), `{ sites(after: "not-a-cursor") { edges { cursor } } }`);
    expect(garbage.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
    const tooMany = await plant.run(viewer(), `{ productTypes(first: 1000) { edges { cursor } } }`);
    expect(tooMany.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
  });

  it("loads the lines of every site and the site of every line in one query each (DataLoader)", async () => {
    const counts = { line: 0, area: 0 };
    const counting = plant.prisma.$extends({
      query: {
        line: {
          findMany: ({ args, query }) => {
            counts.line++;
            return query(args);
          },
        },
        area: {
          findMany: ({ args, query }) => {
            counts.area++;
            return query(args);
          },
        },
      },
    }) as unknown as PrismaClient;
    const result = await plant.run(
      viewer(),
      `{ lines(first: 10) { edges { node { code site { code lines { code } } area { code } } } } }`,
      {},
      counting,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.lines.edges.length).toBeGreaterThan(1);
    // One page of lines, one batch of their sites' lines; one batch of areas for site, one for area.
    expect(counts.line).toBe(2);
    expect(counts.area).toBe(2);
  });

  it("an engineer creates a line with equipment, changes and deactivates them, and every change is audited", async () => {
    const area = await plant.prisma.area.findFirstOrThrow();
    const created = await plant.run(
      engineer(),
      `mutation($input: CreateLineInput!) { createLine(input: $input) { ${RESULT_SELECTION}
        ... on MutationCreateLineSuccess { data { id code name oeeTarget active area { id } } } } }`,
      { input: { areaId: area.id, code: "filling-9", name: "Filling Line 9", oeeTarget: 0.8 } },
    );
    expect(created.errors).toBeUndefined();
    const line = created.data!.createLine.data;
    expect(line).toMatchObject({ code: "filling-9", oeeTarget: 0.8, active: true, area: { id: area.id } });

    const filler = await plant.run(
      engineer(),
      `mutation($input: CreateEquipmentInput!) { createEquipment(input: $input) { ${RESULT_SELECTION}
        ... on MutationCreateEquipmentSuccess { data { id isConstraint } } } }`,
      {
        input: {
          lineId: line.id,
          code: "FILLER-9",
          name: "Filler 9",
          kind: "filler",
          targetSpeedPerMinute: 40,
          isConstraint: true,
        },
      },
    );
    const fillerId = filler.data!.createEquipment.data.id;
    const capper = await plant.run(
      engineer(),
      `mutation($input: CreateEquipmentInput!) { createEquipment(input: $input) { ... on MutationCreateEquipmentSuccess { data { id } } } }`,
      { input: { lineId: line.id, code: "CAPPER-9", name: "Capper 9", kind: "capper", targetSpeedPerMinute: 60 } },
    );
    const capperId = capper.data!.createEquipment.data.id;

    // Making the capper the constraint demotes the filler: one constraint per line.
    const promoted = await plant.run(
      engineer(),
      `mutation($id: ID!) { updateEquipment(id: $id, input: { isConstraint: true, oeeTarget: 0.9 }) {
        ... on MutationUpdateEquipmentSuccess { data { isConstraint oeeTarget } } } }`,
      { id: capperId },
    );
    expect(promoted.data!.updateEquipment.data).toEqual({ isConstraint: true, oeeTarget: 0.9 });
    const constraints = await plant.prisma.equipment.findMany({ where: { lineId: line.id, isConstraint: true } });
    expect(constraints.map((row) => row.id)).toEqual([capperId]);

    const renamed = await plant.run(
      engineer(),
      `mutation($id: ID!) { updateLine(id: $id, input: { name: "Filling 9", microStopThresholdSeconds: 90 }) {
        ... on MutationUpdateLineSuccess { data { name microStopThresholdSeconds } } } }`,
      { id: line.id },
    );
    expect(renamed.data!.updateLine.data).toEqual({ name: "Filling 9", microStopThresholdSeconds: 90 });

    const deactivated = await plant.run(
      engineer(),
      `mutation($id: ID!) { deactivateLine(id: $id) { ... on MutationDeactivateLineSuccess { data { active } } } }`,
      { id: line.id },
    );
    expect(deactivated.data!.deactivateLine.data).toEqual({ active: false });

    const audit = await plant.prisma.auditLog.findMany({
      where: { entityId: { in: [line.id, fillerId, capperId] } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((row) => row.action)).toEqual([
      "line.create",
      "equipment.create",
      "equipment.create",
      "equipment.update",
      "line.update",
      "line.deactivate",
    ]);
    expect(audit.every((row) => row.actorUserId === plant.users.engineer)).toBe(true);
    expect(audit[4]).toMatchObject({ before: { name: "Filling Line 9" }, after: { name: "Filling 9" } });
  });

  it("bad input comes back as a typed error naming the field, and nothing changes", async () => {
    const area = await plant.prisma.area.findFirstOrThrow();
    const line = await plant.prisma.line.findUniqueOrThrow({ where: { code: "bagging-1" } });
    const before = await tableFingerprint(plant.prisma, PLANT_TABLES);
    const attempts: [string, Record<string, unknown>, Record<string, unknown>][] = [
      [
        `mutation($input: CreateLineInput!) { createLine(input: $input) { ${RESULT_SELECTION} } }`,
        { input: { areaId: area.id, code: "Bad Code!", name: "x" } },
        { __typename: "InputInvalid", code: "BAD_USER_INPUT", field: "code" },
      ],
      [
        `mutation($input: CreateLineInput!) { createLine(input: $input) { ${RESULT_SELECTION} } }`,
        { input: { areaId: area.id, code: "good-code", name: "x", oeeTarget: 1.5 } },
        { __typename: "InputInvalid", field: "oeeTarget" },
      ],
      [
        `mutation($input: CreateLineInput!) { createLine(input: $input) { ${RESULT_SELECTION} } }`,
        { input: { areaId: area.id, code: "bagging-1", name: "Again" } },
        { __typename: "DuplicateKey", code: "CONFLICT", field: "code", value: "bagging-1" },
      ],
      [
        `mutation($input: CreateEquipmentInput!) { createEquipment(input: $input) { ${RESULT_SELECTION} } }`,
        {
          input: {
            lineId: "00000000-0000-4000-8000-000000000000",
            code: "NEW-1",
            name: "n",
            kind: "k",
            targetSpeedPerMinute: 10,
          },
        },
        { __typename: "NotFound", code: "NOT_FOUND", entity: "line" },
      ],
      [
        `mutation($input: CreateEquipmentInput!) { createEquipment(input: $input) { ${RESULT_SELECTION} } }`,
        { input: { lineId: line.id, code: "NEW-2", name: "n", kind: "k", targetSpeedPerMinute: -5 } },
        { __typename: "InputInvalid", field: "targetSpeedPerMinute" },
      ],
      [
        `mutation($input: CreateProductTypeInput!) { createProductType(input: $input) { ${RESULT_SELECTION} } }`,
        { input: { code: "P-1", name: "p", idealCycleTimeSeconds: 0 } },
        { __typename: "InputInvalid", field: "idealCycleTimeSeconds" },
      ],
      [
        `mutation($input: CreateSiteInput!) { createSite(input: $input) { ${RESULT_SELECTION} } }`,
        { input: { code: "S-2", name: "s", timezone: "Mars/Olympus" } },
        { __typename: "InputInvalid", field: "timezone" },
      ],
      [
        `mutation($id: ID!) { updateLine(id: $id, input: { name: "   " }) { ${RESULT_SELECTION} } }`,
        { id: line.id },
        { __typename: "InputInvalid", field: "name" },
      ],
    ];
    for (const [source, variables, expected] of attempts) {
      const result = await plant.run(engineer(), source, variables);
      expect(result.errors).toBeUndefined();
      expect(Object.values(result.data!)[0]).toMatchObject(expected);
    }
    const malformedId = await plant.run(engineer(), `mutation { deactivateLine(id: "42") { __typename } }`);
    expect(malformedId.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
    expect(await tableFingerprint(plant.prisma, PLANT_TABLES)).toBe(before);
  });

  it("deactivating a line twice, or a line with a job in progress, is refused and changes nothing", async () => {
    const loading = await plant.prisma.line.findUniqueOrThrow({ where: { code: "loading-1" } });
    await plant.prisma.jobAssignment.create({
      data: {
        title: "running",
        lineId: loading.id,
        assigneeId: plant.users.operator2,
        assignedById: plant.users.smanager,
        status: "IN_PROGRESS",
        acceptedAt: new Date(),
        startedAt: new Date(),
      },
    });
    const before = await tableFingerprint(plant.prisma, PLANT_TABLES);
    const busy = await plant.run(engineer(), `mutation($id: ID!) { deactivateLine(id: $id) { ${RESULT_SELECTION} } }`, {
      id: loading.id,
    });
    expect(busy.data!.deactivateLine).toMatchObject({
      __typename: "InvalidStatusChange",
      code: "INVALID_STATE_TRANSITION",
    });
    expect(await tableFingerprint(plant.prisma, PLANT_TABLES)).toBe(before);

    const area = await plant.prisma.area.findFirstOrThrow();
    const spare = await plant.prisma.line.create({
      data: { areaId: area.id, code: "spare-1", name: "Spare", active: false },
    });
    const twice = await plant.run(
      engineer(),
      `mutation($id: ID!) { deactivateLine(id: $id) { ${RESULT_SELECTION} } }`,
      {
        id: spare.id,
      },
    );
    expect(twice.data!.deactivateLine).toMatchObject({ __typename: "InvalidStatusChange", from: "INACTIVE" });
  });

  it("a shift manager without plant:manage is FORBIDDEN to change the plant and nothing changes; a viewer may read", async () => {
    const line = await plant.prisma.line.findUniqueOrThrow({ where: { code: "bagging-2" } });
    const before = await tableFingerprint(plant.prisma, PLANT_TABLES);
    const refused = await plant.run(
      plant.as("smanager", ["SHIFT_MANAGER"]),
      `mutation($id: ID!) { updateLine(id: $id, input: { name: "Mine now" }) { __typename } }`,
      { id: line.id },
    );
    expect(refused.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    const operator = await plant.run(
      plant.as("operator", ["OPERATOR"]),
      `mutation { createProductType(input: { code: "X", name: "x", idealCycleTimeSeconds: 1 }) { __typename } }`,
    );
    expect(operator.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    expect(await tableFingerprint(plant.prisma, PLANT_TABLES)).toBe(before);

    const nobody = await plant.run(
      { kind: "user", userId: plant.users.viewer, roles: [] },
      `{ sites { edges { cursor } } }`,
    );
    expect(nobody.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
  });

  it("a product type's ideal rate follows from its cycle time, and one with open work orders is not deactivated", async () => {
    const created = await plant.run(
      engineer(),
      `mutation { createProductType(input: { code: "FLOUR-25", name: "Flour 25 kg", unit: "bag", idealCycleTimeSeconds: 2.5 }) {
        ... on MutationCreateProductTypeSuccess { data { id idealRatePerMinute unit } } } }`,
    );
    expect(created.data!.createProductType.data).toMatchObject({ idealRatePerMinute: 24, unit: "bag" });
    const used = await plant.prisma.workOrder.findFirstOrThrow({ where: { status: "RELEASED" } });
    const refused = await plant.run(
      engineer(),
      `mutation($id: ID!) { deactivateProductType(id: $id) { ${RESULT_SELECTION} } }`,
      { id: used.productTypeId },
    );
    expect(refused.data!.deactivateProductType).toMatchObject({ __typename: "InvalidStatusChange" });
    const fresh = await plant.run(
      engineer(),
      `mutation($id: ID!) { deactivateProductType(id: $id) { ... on MutationDeactivateProductTypeSuccess { data { active } } } }`,
      { id: created.data!.createProductType.data.id },
    );
    expect(fresh.data!.deactivateProductType.data).toEqual({ active: false });
  });

  it("an engineer adds a site with an area, renames it, moves a line into it, and deactivates it once its lines are", async () => {
    const site = await plant.run(
      engineer(),
      `mutation { createSite(input: { code: "north", name: "North Mill", timezone: "Europe/Berlin" }) { ${RESULT_SELECTION}
        ... on MutationCreateSiteSuccess { data { id timezone } } } }`,
    );
    const siteId = site.data!.createSite.data.id;
    expect(site.data!.createSite.data.timezone).toBe("Europe/Berlin");
    const area = await plant.run(
      engineer(),
      `mutation($s: ID!) { createArea(input: { siteId: $s, code: "HALL-A", name: "Hall A" }) { ${RESULT_SELECTION}
        ... on MutationCreateAreaSuccess { data { id site { code } } } } }`,
      { s: siteId },
    );
    expect(area.data!.createArea.data.site.code).toBe("north");
    const again = await plant.run(
      engineer(),
      `mutation($s: ID!) { createArea(input: { siteId: $s, code: "HALL-A", name: "Hall A again" }) { ${RESULT_SELECTION} } }`,
      { s: siteId },
    );
    expect(again.data!.createArea).toMatchObject({ __typename: "DuplicateKey", field: "code" });
    const renamed = await plant.run(
      engineer(),
      `mutation($s: ID!) { updateSite(id: $s, input: { name: "North Mill 2" }) { ... on MutationUpdateSiteSuccess { data { name code } } } }`,
      { s: siteId },
    );
    expect(renamed.data!.updateSite.data).toEqual({ name: "North Mill 2", code: "north" });
    const bagging2 = await plant.prisma.line.findUniqueOrThrow({ where: { code: "bagging-2" } });
    const moved = await plant.run(
      engineer(),
      `mutation($l: ID!, $a: ID!) { updateLine(id: $l, input: { areaId: $a }) { ... on MutationUpdateLineSuccess { data { site { code } } } } }`,
      { l: bagging2.id, a: area.data!.createArea.data.id },
    );
    expect(moved.data!.updateLine.data.site.code).toBe("north");
    const deactivate = `mutation($s: ID!) { deactivateSite(id: $s) { ${RESULT_SELECTION}
      ... on MutationDeactivateSiteSuccess { data { active } } } }`;
    // Its one line is active: refused, nothing changes.
    const before = await tableFingerprint(plant.prisma, PLANT_TABLES);
    expect((await plant.run(engineer(), deactivate, { s: siteId })).data!.deactivateSite).toMatchObject({
      __typename: "InvalidStatusChange",
      code: "INVALID_STATE_TRANSITION",
    });
    expect(await tableFingerprint(plant.prisma, PLANT_TABLES)).toBe(before);
    await plant.run(engineer(), `mutation($l: ID!) { deactivateLine(id: $l) { __typename } }`, { l: bagging2.id });
    expect((await plant.run(engineer(), deactivate, { s: siteId })).data!.deactivateSite.data).toEqual({
      active: false,
    });
    const activeSites = await plant.run(viewer(), `{ sites(activeOnly: true) { edges { node { code } } } }`);
    expect(activeSites.data!.sites.edges).toEqual([{ node: { code: "rvm" } }]);
    const actions = await plant.prisma.auditLog.findMany({ where: { entityId: siteId }, orderBy: { id: "asc" } });
    expect(actions.map((entry) => entry.action)).toEqual(["site.create", "site.update", "site.deactivate"]);
  });
});
