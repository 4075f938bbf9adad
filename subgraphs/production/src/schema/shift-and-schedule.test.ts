// Shifts, schedules, work orders and production targets through GraphQL against a real database:
// paged queries with filters, audited admin changes, status transitions, typed refusals that
// change nothing, and permission refusals.
import type { PrismaClient } from "@ms5/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type GraphQLTestPlant,
  type Loose,
  openGraphQLTestPlant,
  RESULT_SELECTION,
  tableFingerprint,
} from "../testing/graphql-test-plant.ts";

const WORK_TABLES = [
  "shift_pattern",
  "shift",
  "shift_instance",
  "production_schedule",
  "work_order",
  "production_target",
];

describe("shifts, schedules, work orders and targets", () => {
  let plant: GraphQLTestPlant;
  beforeAll(async () => {
    plant = await openGraphQLTestPlant({ now: new Date("2026-11-25T10:00:00Z") });
  });
  afterAll(async () => {
    await plant?.db.drop();
  });

  const planner = () => plant.as("pmanager", ["PRODUCTION_MANAGER"]);
  const shiftManager = () => plant.as("smanager", ["SHIFT_MANAGER"]);
  const viewer = () => plant.as("viewer", ["VIEWER"]);

  it("lists shift instances overlapping a window in start order, with their shift definition and pattern", async () => {
    const result = await plant.run(
      viewer(),
      `{ shiftInstances(from: "2026-11-25T00:00:00Z", to: "2026-11-26T00:00:00Z", first: 10) {
          edges { node { startsAt endsAt shift { name durationMinutes pattern { name site { code } } } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.shiftInstances.edges.map((edge: Loose) => edge.node);
    expect(nodes.length).toBeGreaterThan(0);
    const starts = nodes.map((node: Loose) => Date.parse(node.startsAt));
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    for (const node of nodes) {
      expect(Date.parse(node.endsAt)).toBeGreaterThan(Date.parse("2026-11-25T00:00:00Z"));
      expect(Date.parse(node.startsAt)).toBeLessThan(Date.parse("2026-11-26T00:00:00Z"));
      expect(node.shift.pattern.site.code).toBe("rvm");
    }
    const current = await plant.run(
      viewer(),
      `query($s: ID!) { currentShiftInstance(siteId: $s, at: "2026-11-25T10:00:00Z") { startsAt endsAt } }`,
      {
        s: (await plant.prisma.site.findFirstOrThrow()).id,
      },
    );
    const shift = current.data!.currentShiftInstance;
    expect(Date.parse(shift.startsAt)).toBeLessThanOrEqual(Date.parse("2026-11-25T10:00:00Z"));
    expect(Date.parse(shift.endsAt)).toBeGreaterThan(Date.parse("2026-11-25T10:00:00Z"));
  });

  it("a production manager defines a pattern and a shift and lays out its instances in the site's time zone", async () => {
    const site = await plant.prisma.site.findFirstOrThrow();
    const pattern = await plant.run(
      planner(),
      `mutation($s: ID!) { createShiftPattern(siteId: $s, name: "Weekend 2x12") { ${RESULT_SELECTION}
        ... on MutationCreateShiftPatternSuccess { data { id } } } }`,
      { s: site.id },
    );
    const patternId = pattern.data!.createShiftPattern.data.id;
    const shift = await plant.run(
      planner(),
      `mutation($p: ID!) { createShiftDefinition(patternId: $p, input: { name: "Day", startMinuteOfDay: 420, durationMinutes: 720, weekdays: [7, 6], plannedBreakMinutes: 60 }) {
        ${RESULT_SELECTION} ... on MutationCreateShiftDefinitionSuccess { data { id weekdays } } } }`,
      { p: patternId },
    );
    expect(shift.data!.createShiftDefinition.data.weekdays).toEqual([6, 7]);
    const layout = `mutation($p: ID!) { scheduleShiftInstances(patternId: $p, from: "2026-11-30T00:00:00Z", to: "2026-12-14T00:00:00Z") {
      ${RESULT_SELECTION} ... on MutationScheduleShiftInstancesSuccess { data { startsAt endsAt } } } }`;
    const laid = await plant.run(planner(), layout, { p: patternId });
    // Johannesburg is UTC+2 all year: 07:00 local is 05:00 UTC, on the two Saturdays and Sundays.
    expect(laid.data!.scheduleShiftInstances.data).toEqual([
      { startsAt: "2026-12-05T05:00:00.000Z", endsAt: "2026-12-05T17:00:00.000Z" },
      { startsAt: "2026-12-06T05:00:00.000Z", endsAt: "2026-12-06T17:00:00.000Z" },
      { startsAt: "2026-12-12T05:00:00.000Z", endsAt: "2026-12-12T17:00:00.000Z" },
      { startsAt: "2026-12-13T05:00:00.000Z", endsAt: "2026-12-13T17:00:00.000Z" },
    ]);
    // Laying out the same span again keeps the instances it made.
    const before = await tableFingerprint(plant.prisma, ["shift_instance"]);
    const again = await plant.run(planner(), layout, { p: patternId });
    expect(again.data!.scheduleShiftInstances.data).toHaveLength(4);
    expect((await tableFingerprint(plant.prisma, ["shift_instance"])).split(",")[0]).toBe(before.split(",")[0]);
    expect(await plant.prisma.auditLog.count({ where: { entityId: patternId } })).toBe(3);
  });

  it("refuses shift definitions that break the rules, and a shift manager may not define shifts", async () => {
    const pattern = await plant.prisma.shiftPattern.findFirstOrThrow();
    const before = await tableFingerprint(plant.prisma, WORK_TABLES);
    const create = `mutation($p: ID!, $input: ShiftDefinitionInput!) { createShiftDefinition(patternId: $p, input: $input) { ${RESULT_SELECTION} } }`;
    const bad: [Record<string, unknown>, string][] = [
      [{ name: "X", startMinuteOfDay: 1440, durationMinutes: 60, weekdays: [1] }, "startMinuteOfDay"],
      [{ name: "X", startMinuteOfDay: 0, durationMinutes: 60, weekdays: [8] }, "weekdays"],
      [{ name: "X", startMinuteOfDay: 0, durationMinutes: 60, weekdays: [] }, "weekdays"],
      [
        { name: "X", startMinuteOfDay: 0, durationMinutes: 60, weekdays: [1], plannedBreakMinutes: 60 },
        "plannedBreakMinutes",
      ],
    ];
    for (const [input, field] of bad) {
      const result = await plant.run(planner(), create, { p: pattern.id, input });
      expect(result.data!.createShiftDefinition).toMatchObject({ __typename: "InputInvalid", field });
    }
    const existing = await plant.prisma.shift.findFirstOrThrow({ where: { patternId: pattern.id } });
    const duplicate = await plant.run(planner(), create, {
      p: pattern.id,
      input: { name: existing.name, startMinuteOfDay: 0, durationMinutes: 60, weekdays: [1] },
    });
    expect(duplicate.data!.createShiftDefinition).toMatchObject({ __typename: "DuplicateKey", code: "CONFLICT" });
    const tooLong = await plant.run(
      planner(),
      `mutation($p: ID!) { scheduleShiftInstances(patternId: $p, from: "2026-01-01T00:00:00Z", to: "2026-06-01T00:00:00Z") { ${RESULT_SELECTION} } }`,
      { p: pattern.id },
    );
    expect(tooLong.data!.scheduleShiftInstances).toMatchObject({ __typename: "InputInvalid", field: "to" });
    const refused = await plant.run(shiftManager(), create, {
      p: pattern.id,
      input: { name: "Mine", startMinuteOfDay: 0, durationMinutes: 60, weekdays: [1] },
    });
    expect(refused.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    expect(await tableFingerprint(plant.prisma, WORK_TABLES)).toBe(before);
  });

  it("pages work orders of a line by planned start with status and window filters", async () => {
    const line = await plant.prisma.line.findUniqueOrThrow({ where: { code: "bagging-2" } });
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const result = await plant.run(
        viewer(),
        `query($l: ID!, $after: String) { workOrders(lineId: $l, status: [RELEASED], first: 4, after: $after) {
          edges { node { number plannedStart status line { code } productType { code } schedule { name } } }
          pageInfo { hasNextPage endCursor } } }`,
        { l: line.id, after },
      );
      expect(result.errors).toBeUndefined();
      for (const edge of result.data!.workOrders.edges) {
        expect(edge.node).toMatchObject({ status: "RELEASED", line: { code: "bagging-2" } });
        seen.push(edge.node.number);
      }
      const info: { hasNextPage: boolean; endCursor: string } = result.data!.workOrders.pageInfo;
      after = info.hasNextPage ? info.endCursor : null;
    } while (after);
    const expected = await plant.prisma.workOrder.findMany({
      where: { lineId: line.id, status: "RELEASED" },
      orderBy: [{ plannedStart: "asc" }, { id: "asc" }],
    });
    expect(seen).toEqual(expected.map((order) => order.number));
  });

  it("loads the line, product and schedule of a page of work orders in one query each (DataLoader)", async () => {
    const counts: Record<string, number> = { line: 0, productType: 0, productionSchedule: 0 };
    const counting = plant.prisma.$extends({
      query: {
        $allModels: {
          findMany: ({ model, args, query }) => {
            if (model) {
              const key = model.charAt(0).toLowerCase() + model.slice(1);
              if (key in counts) counts[key] = (counts[key] ?? 0) + 1;
            }
            return query(args);
          },
        },
      },
    }) as unknown as PrismaClient;
    const result = await plant.run(
      viewer(),
      `{ workOrders(first: 30) { edges { node { line { code } productType { code } schedule { name } } } } }`,
      {},
      counting,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.workOrders.edges).toHaveLength(30);
    expect(counts).toEqual({ line: 1, productType: 1, productionSchedule: 1 });
  });

  it("a work order runs PLANNED -> RELEASED -> IN_PROGRESS -> COMPLETED, stamped and audited; other steps are refused", async () => {
    const line = await plant.prisma.line.findUniqueOrThrow({ where: { code: "bagging-1" } });
    const product = await plant.prisma.productType.findFirstOrThrow();
    const created = await plant.run(
      shiftManager(),
      `mutation($input: CreateWorkOrderInput!) { createWorkOrder(input: $input) { ${RESULT_SELECTION}
        ... on MutationCreateWorkOrderSuccess { data { id status } } } }`,
      {
        input: {
          number: "WO-TEST-1",
          lineId: line.id,
          productTypeId: product.id,
          plannedQuantity: 500,
          plannedStart: "2026-11-26T06:00:00Z",
          plannedEnd: "2026-11-26T10:00:00Z",
        },
      },
    );
    const id = created.data!.createWorkOrder.data.id;
    const change = `mutation($id: ID!, $s: WorkOrderStatus!) { changeWorkOrderStatus(id: $id, status: $s) { ${RESULT_SELECTION}
      ... on MutationChangeWorkOrderStatusSuccess { data { status actualStart actualEnd } } } }`;
    const early = await plant.run(shiftManager(), change, { id, s: "IN_PROGRESS" });
    expect(early.data!.changeWorkOrderStatus).toMatchObject({
      __typename: "InvalidStatusChange",
      code: "INVALID_STATE_TRANSITION",
      from: "PLANNED",
      to: "IN_PROGRESS",
    });
    for (const status of ["RELEASED", "IN_PROGRESS"]) {
      const step = await plant.run(shiftManager(), change, { id, s: status });
      expect(step.data!.changeWorkOrderStatus.data.status).toBe(status);
    }
    const update = await plant.run(
      shiftManager(),
      `mutation($id: ID!) { updateWorkOrder(id: $id, input: { plannedQuantity: 600 }) { ${RESULT_SELECTION} } }`,
      { id },
    );
    expect(update.data!.updateWorkOrder).toMatchObject({ __typename: "InvalidStatusChange" });
    const done = await plant.run(shiftManager(), change, { id, s: "COMPLETED" });
    expect(done.data!.changeWorkOrderStatus.data.actualStart).not.toBeNull();
    expect(done.data!.changeWorkOrderStatus.data.actualEnd).not.toBeNull();
    const cancel = await plant.run(shiftManager(), change, { id, s: "CANCELLED" });
    expect(cancel.data!.changeWorkOrderStatus).toMatchObject({ __typename: "InvalidStatusChange", from: "COMPLETED" });
    const actions = await plant.prisma.auditLog.findMany({ where: { entityId: id }, orderBy: { id: "asc" } });
    expect(actions.map((entry) => entry.action)).toEqual([
      "work-order.create",
      "work-order.status",
      "work-order.status",
      "work-order.status",
    ]);
  });

  it("refuses bad work orders with the field at fault and changes nothing", async () => {
    const line = await plant.prisma.line.findUniqueOrThrow({ where: { code: "bagging-1" } });
    const otherLine = await plant.prisma.line.findUniqueOrThrow({ where: { code: "loading-1" } });
    const product = await plant.prisma.productType.findFirstOrThrow();
    const schedule = await plant.prisma.productionSchedule.findFirstOrThrow({ where: { lineId: otherLine.id } });
    const existing = await plant.prisma.workOrder.findFirstOrThrow();
    const before = await tableFingerprint(plant.prisma, WORK_TABLES);
    const base = {
      number: "WO-BAD",
      lineId: line.id,
      productTypeId: product.id,
      plannedQuantity: 10,
      plannedStart: "2026-11-26T06:00:00Z",
      plannedEnd: "2026-11-26T10:00:00Z",
    };
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ plannedQuantity: 0 }, { __typename: "InputInvalid", field: "plannedQuantity" }],
      [{ plannedEnd: "2026-11-26T05:00:00Z" }, { __typename: "InputInvalid", field: "plannedEnd" }],
      [{ productTypeId: "00000000-0000-4000-8000-000000000001" }, { __typename: "NotFound", entity: "product type" }],
      [{ scheduleId: schedule.id }, { __typename: "InputInvalid", field: "scheduleId" }],
      [{ number: existing.number }, { __typename: "DuplicateKey", field: "number" }],
    ];
    for (const [override, expected] of cases) {
      const result = await plant.run(
        shiftManager(),
        `mutation($input: CreateWorkOrderInput!) { createWorkOrder(input: $input) { ${RESULT_SELECTION} } }`,
        { input: { ...base, ...override } },
      );
      expect(result.data!.createWorkOrder).toMatchObject(expected);
    }
    const badDate = await plant.run(
      shiftManager(),
      `mutation($input: CreateWorkOrderInput!) { createWorkOrder(input: $input) { __typename } }`,
      { input: { ...base, plannedStart: "soon" } },
    );
    expect(badDate.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
    const operator = await plant.run(
      plant.as("operator", ["OPERATOR"]),
      `mutation($input: CreateWorkOrderInput!) { createWorkOrder(input: $input) { __typename } }`,
      { input: base },
    );
    expect(operator.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    expect(await tableFingerprint(plant.prisma, WORK_TABLES)).toBe(before);
  });

  it("a schedule goes DRAFT -> RELEASED -> CLOSED and a closed one refuses changes", async () => {
    const line = await plant.prisma.line.findUniqueOrThrow({ where: { code: "bagging-1" } });
    const created = await plant.run(
      planner(),
      `mutation($l: ID!) { createProductionSchedule(input: { lineId: $l, name: "Next month", periodStart: "2027-01-01T00:00:00Z", periodEnd: "2027-02-01T00:00:00Z" }) {
        ... on MutationCreateProductionScheduleSuccess { data { id status workOrders { id } } } } }`,
      { l: line.id },
    );
    const schedule = created.data!.createProductionSchedule.data;
    expect(schedule).toMatchObject({ status: "DRAFT", workOrders: [] });
    const change = `mutation($id: ID!, $s: ScheduleStatus!) { changeProductionScheduleStatus(id: $id, status: $s) { ${RESULT_SELECTION}
      ... on MutationChangeProductionScheduleStatusSuccess { data { status } } } }`;
    expect(
      (await plant.run(planner(), change, { id: schedule.id, s: "CLOSED" })).data!.changeProductionScheduleStatus,
    ).toMatchObject({
      __typename: "InvalidStatusChange",
    });
    await plant.run(planner(), change, { id: schedule.id, s: "RELEASED" });
    await plant.run(planner(), change, { id: schedule.id, s: "CLOSED" });
    const renamed = await plant.run(
      planner(),
      `mutation($id: ID!) { updateProductionSchedule(id: $id, input: { name: "Renamed" }) { ${RESULT_SELECTION} } }`,
      { id: schedule.id },
    );
    expect(renamed.data!.updateProductionSchedule).toMatchObject({ __typename: "InvalidStatusChange", from: "CLOSED" });
    const filtered = await plant.run(
      viewer(),
      `query($l: ID!) { productionSchedules(lineId: $l, status: [CLOSED]) { edges { node { id name } } } }`,
      { l: line.id },
    );
    expect(filtered.data!.productionSchedules.edges).toEqual([{ node: { id: schedule.id, name: "Next month" } }]);
  });

  it("sets, changes and removes targets per shift and per hour, and refuses ones that do not fit", async () => {
    const line = await plant.prisma.line.findUniqueOrThrow({ where: { code: "bagging-2" } });
    const [instance] = await plant.prisma.shiftInstance.findMany({ orderBy: { startsAt: "desc" }, take: 1 });
    await plant.prisma.productionTarget.deleteMany({ where: { lineId: line.id, shiftInstanceId: instance!.id } });

    const create = `mutation($input: CreateProductionTargetInput!) { createProductionTarget(input: $input) { ${RESULT_SELECTION}
      ... on MutationCreateProductionTargetSuccess { data { id granularity periodStart periodEnd targetQuantity shiftInstance { id } } } } }`;
    const shiftTarget = await plant.run(shiftManager(), create, {
      input: { lineId: line.id, granularity: "SHIFT", shiftInstanceId: instance!.id, targetQuantity: 4000 },
    });
    expect(shiftTarget.data!.createProductionTarget.data).toMatchObject({
      granularity: "SHIFT",
      periodStart: instance!.startsAt.toISOString(),
      periodEnd: instance!.endsAt.toISOString(),
      shiftInstance: { id: instance!.id },
    });
    const hourTarget = await plant.run(shiftManager(), create, {
      input: {
        lineId: line.id,
        granularity: "HOUR",
        shiftInstanceId: instance!.id,
        periodStart: instance!.startsAt.toISOString(),
        targetQuantity: 500,
      },
    });
    const hourId = hourTarget.data!.createProductionTarget.data.id;

    const before = await tableFingerprint(plant.prisma, WORK_TABLES);
    const refusals: [Record<string, unknown>, Record<string, unknown>][] = [
      [
        { granularity: "SHIFT", targetQuantity: 1 },
        { __typename: "InputInvalid", field: "shiftInstanceId" },
      ],
      [
        {
          granularity: "HOUR",
          periodStart: new Date(instance!.startsAt.getTime() + 60_000).toISOString(),
          targetQuantity: 1,
        },
        { __typename: "InputInvalid", field: "periodStart" },
      ],
      [
        { granularity: "SHIFT", shiftInstanceId: instance!.id, targetQuantity: -1 },
        { __typename: "InputInvalid", field: "targetQuantity" },
      ],
      [
        { granularity: "SHIFT", shiftInstanceId: instance!.id, targetQuantity: 10 },
        { __typename: "DuplicateKey", code: "CONFLICT" },
      ],
      [
        {
          granularity: "HOUR",
          shiftInstanceId: instance!.id,
          periodStart: instance!.endsAt.toISOString(),
          targetQuantity: 1,
        },
        { __typename: "InputInvalid", field: "periodStart" },
      ],
    ];
    for (const [input, expected] of refusals) {
      const result = await plant.run(shiftManager(), create, { input: { lineId: line.id, ...input } });
      expect(result.data!.createProductionTarget).toMatchObject(expected);
    }
    expect(await tableFingerprint(plant.prisma, WORK_TABLES)).toBe(before);

    const listed = await plant.run(
      viewer(),
      `query($l: ID!, $s: ID!) { productionTargets(lineId: $l, shiftInstanceId: $s) { edges { node { granularity targetQuantity } } } }`,
      { l: line.id, s: instance!.id },
    );
    // Both start with the shift; their order between them is by id.
    const nodes = listed.data!.productionTargets.edges.map((edge: Loose) => edge.node);
    expect(nodes.sort((a: Loose, b: Loose) => a.granularity.localeCompare(b.granularity))).toEqual([
      { granularity: "HOUR", targetQuantity: 500 },
      { granularity: "SHIFT", targetQuantity: 4000 },
    ]);
    const changed = await plant.run(
      shiftManager(),
      `mutation($id: ID!) { updateProductionTarget(id: $id, targetQuantity: 450) { ... on MutationUpdateProductionTargetSuccess { data { targetQuantity } } } }`,
      { id: hourId },
    );
    expect(changed.data!.updateProductionTarget.data.targetQuantity).toBe(450);
    await plant.run(shiftManager(), `mutation($id: ID!) { deleteProductionTarget(id: $id) { __typename } }`, {
      id: hourId,
    });
    expect(await plant.prisma.productionTarget.findUnique({ where: { id: hourId } })).toBeNull();
    expect(
      (await plant.prisma.auditLog.findMany({ where: { entityId: hourId }, orderBy: { id: "asc" } })).map(
        (a) => a.action,
      ),
    ).toEqual(["production-target.create", "production-target.update", "production-target.delete"]);
  });

  it("changes a shift definition within the rules, and a deactivated pattern lays out no instances", async () => {
    const site = await plant.prisma.site.findFirstOrThrow();
    const pattern = await plant.prisma.shiftPattern.create({ data: { siteId: site.id, name: "Temporary" } });
    const shift = await plant.prisma.shift.create({
      data: { patternId: pattern.id, name: "Late", startMinuteOfDay: 840, durationMinutes: 480, weekdays: [1, 2, 3] },
    });
    const update = `mutation($id: ID!, $input: UpdateShiftDefinitionInput!) { updateShiftDefinition(id: $id, input: $input) {
      ${RESULT_SELECTION} ... on MutationUpdateShiftDefinitionSuccess { data { durationMinutes plannedBreakMinutes weekdays } } } }`;
    const shorter = await plant.run(planner(), update, {
      id: shift.id,
      input: { durationMinutes: 360, plannedBreakMinutes: 30 },
    });
    expect(shorter.data!.updateShiftDefinition.data).toEqual({
      durationMinutes: 360,
      plannedBreakMinutes: 30,
      weekdays: [1, 2, 3],
    });
    // A break as long as the (unchanged) shift is refused against the stored duration.
    const tooLong = await plant.run(planner(), update, { id: shift.id, input: { plannedBreakMinutes: 360 } });
    expect(tooLong.data!.updateShiftDefinition).toMatchObject({
      __typename: "InputInvalid",
      field: "plannedBreakMinutes",
    });

    const deactivate = `mutation($id: ID!) { deactivateShiftPattern(id: $id) { ${RESULT_SELECTION}
      ... on MutationDeactivateShiftPatternSuccess { data { active } } } }`;
    expect((await plant.run(planner(), deactivate, { id: pattern.id })).data!.deactivateShiftPattern.data).toEqual({
      active: false,
    });
    expect((await plant.run(planner(), deactivate, { id: pattern.id })).data!.deactivateShiftPattern).toMatchObject({
      __typename: "InvalidStatusChange",
    });
    const layout = await plant.run(
      planner(),
      `mutation($p: ID!) { scheduleShiftInstances(patternId: $p, from: "2026-12-01T00:00:00Z", to: "2026-12-08T00:00:00Z") { ${RESULT_SELECTION} } }`,
      { p: pattern.id },
    );
    expect(layout.data!.scheduleShiftInstances).toMatchObject({ __typename: "InvalidStatusChange", from: "INACTIVE" });
    expect(await plant.prisma.shiftInstance.count({ where: { shiftId: shift.id } })).toBe(0);
    const listed = await plant.run(
      viewer(),
      `query($s: ID!) { shiftPatterns(siteId: $s, activeOnly: true) { edges { node { name } } } }`,
      {
        s: site.id,
      },
    );
    expect(listed.data!.shiftPatterns.edges.map((edge: Loose) => edge.node.name)).not.toContain("Temporary");
  });
});
