// importWorkOrders through GraphQL against a real database: per-row errors beside landed rows,
// idempotent retries, conflicting keys, updates by order number, and who may import.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Caller,
  type GraphQLTestPlant,
  openGraphQLTestPlant,
  tableFingerprint,
} from "../testing/graphql-test-plant.ts";
import { WORK_ORDER_IMPORT_DEFAULTS } from "../work-order-import/import-work-orders.ts";

const IMPORT_TABLES = ["work_order", "production_schedule", "integration_import"];

const IMPORT = `mutation($key: String!, $source: String!, $rows: [WorkOrderImportRowInput!]!) {
  importWorkOrders(idempotencyKey: $key, source: $source, rows: $rows) {
    __typename
    ... on ExpectedError { code message }
    ... on MutationImportWorkOrdersSuccess { data {
      importId replayed created updated unchanged rejected
      rows { index number outcome workOrderId errors { index field code message } }
      errors { index field code }
    } }
  }
}`;

interface ImportData {
  importId: string;
  replayed: boolean;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  rows: {
    index: number;
    number: string;
    outcome: string;
    workOrderId: string | null;
    errors: { field: string; code: string }[];
  }[];
  errors: { index: number; field: string; code: string }[];
}

function row(number: string, overrides: Record<string, unknown> = {}) {
  return {
    number,
    lineCode: "bagging-1",
    productTypeCode: "MM-10",
    plannedQuantity: 1000,
    plannedStart: "2026-12-01T06:00:00Z",
    plannedEnd: "2026-12-01T10:00:00Z",
    externalRef: `ERP-${number}`,
    ...overrides,
  };
}

describe("bulk import of work orders", () => {
  let plant: GraphQLTestPlant;
  let integrator: Caller;
  beforeAll(async () => {
    plant = await openGraphQLTestPlant();
    const account = await plant.prisma.serviceAccount.create({ data: { name: "sap-pp-connector" } });
    integrator = { kind: "service", serviceAccountId: account.id, scopes: ["schedule:import", "schedule:read"] };
  });
  afterAll(async () => {
    await plant?.db.drop();
  });

  async function runImport(caller: Caller, key: string, rows: unknown[], source = "sap-pp") {
    const result = await plant.run(caller, IMPORT, { key, source, rows });
    expect(result.errors).toBeUndefined();
    return result.data!.importWorkOrders as { __typename: string; code?: string; data?: ImportData };
  }

  it("lands the valid rows and reports each invalid row by index, field and code", async () => {
    const product = await plant.prisma.productType.findFirstOrThrow({ where: { active: true } });
    const rows = [
      row("IMP-1", { productTypeCode: product.code }),
      row("IMP-2", {
        productTypeCode: product.code,
        status: "RELEASED",
        schedule: { name: "December week 1", periodStart: "2026-11-30T00:00:00Z", periodEnd: "2026-12-07T00:00:00Z" },
      }),
      row("IMP-3", { lineCode: "no-such-line", productTypeCode: product.code }),
      row("IMP-4", { productTypeCode: product.code, plannedStart: "tomorrow morning" }),
      row("IMP-5", { productTypeCode: product.code, plannedQuantity: -3, plannedEnd: "2026-12-01T05:00:00Z" }),
      row("IMP-1", { productTypeCode: product.code, externalRef: "ERP-other" }),
      row("IMP-6", { productTypeCode: product.code, status: "COMPLETED" }),
    ];
    const outcome = await runImport(integrator, "import-1", rows);
    expect(outcome.__typename).toBe("MutationImportWorkOrdersSuccess");
    const data = outcome.data!;
    expect(data).toMatchObject({ replayed: false, created: 2, updated: 0, unchanged: 0, rejected: 5 });
    expect(data.rows.map((r) => r.outcome)).toEqual([
      "CREATED",
      "CREATED",
      "REJECTED",
      "REJECTED",
      "REJECTED",
      "REJECTED",
      "REJECTED",
    ]);
    expect(data.errors).toEqual([
      { index: 2, field: "lineCode", code: "NOT_FOUND" },
      { index: 3, field: "plannedStart", code: "BAD_USER_INPUT" },
      { index: 4, field: "plannedQuantity", code: "BAD_USER_INPUT" },
      { index: 4, field: "plannedEnd", code: "BAD_USER_INPUT" },
      { index: 5, field: "number", code: "CONFLICT" },
      { index: 6, field: "status", code: "BAD_USER_INPUT" },
    ]);

    const landed = await plant.prisma.workOrder.findMany({
      where: { externalSource: "sap-pp" },
      include: { schedule: true },
      orderBy: { number: "asc" },
    });
    expect(landed.map((order) => [order.number, order.status, order.externalRef])).toEqual([
      ["IMP-1", "PLANNED", "ERP-IMP-1"],
      ["IMP-2", "RELEASED", "ERP-IMP-2"],
    ]);
    expect(landed[1]!.schedule).toMatchObject({ name: "December week 1", status: "DRAFT" });
    expect(
      await plant.prisma.integrationImport.findUniqueOrThrow({ where: { idempotencyKey: "import-1" } }),
    ).toMatchObject({
      status: "COMPLETED",
      requestedBy: `service:${(integrator as { serviceAccountId: string }).serviceAccountId}`,
    });
    const audit = await plant.prisma.auditLog.findMany({
      where: { actorServiceAccountId: (integrator as { serviceAccountId: string }).serviceAccountId },
      orderBy: { id: "asc" },
    });
    expect(audit.map((entry) => entry.action).sort()).toEqual(
      ["schedule.import", "work-order.import", "work-order.import-create", "work-order.import-create"].sort(),
    );
  });

  it("a retry with the same key and rows changes nothing and returns the first result", async () => {
    const rows = [row("RETRY-1"), row("RETRY-2", { plannedQuantity: 0 })];
    const first = (await runImport(integrator, "retry-key", rows)).data!;
    const before = await tableFingerprint(plant.prisma, IMPORT_TABLES);
    const second = (await runImport(integrator, "retry-key", rows)).data!;
    expect(await tableFingerprint(plant.prisma, IMPORT_TABLES)).toBe(before);
    expect(second).toEqual({ ...first, replayed: true });

    const looked = await plant.run(
      integrator,
      `{ workOrderImport(idempotencyKey: "retry-key") { importId created rejected replayed } }`,
    );
    expect(looked.data!.workOrderImport).toEqual({ importId: first.importId, created: 1, rejected: 1, replayed: true });
  });

  it("the same key with different rows is ImportKeyConflict and changes nothing", async () => {
    await runImport(integrator, "conflict-key", [row("CONFLICT-1")]);
    const before = await tableFingerprint(plant.prisma, IMPORT_TABLES);
    const refused = await runImport(integrator, "conflict-key", [row("CONFLICT-1", { plannedQuantity: 999 })]);
    expect(refused).toMatchObject({ __typename: "ImportKeyConflict", code: "CONFLICT" });
    expect(await tableFingerprint(plant.prisma, IMPORT_TABLES)).toBe(before);
  });

  it("a later import updates changed orders by number, keeps matching ones, and refuses orders already running or taken back a status", async () => {
    await runImport(integrator, "base", [
      row("UPD-1"),
      row("UPD-2"),
      row("UPD-3"),
      row("UPD-4", { status: "RELEASED" }),
    ]);
    await plant.prisma.workOrder.update({
      where: { number: "UPD-3" },
      data: { status: "IN_PROGRESS", actualStart: new Date() },
    });
    const outcome = (
      await runImport(integrator, "base-2", [
        row("UPD-1", { plannedQuantity: 1500, priority: 5 }),
        row("UPD-2"),
        row("UPD-3", { plannedQuantity: 1 }),
        row("UPD-4", { status: "PLANNED" }),
        row("UPD-5", { externalRef: "ERP-UPD-2" }),
      ])
    ).data!;
    expect(outcome.rows.map((r) => r.outcome)).toEqual(["UPDATED", "UNCHANGED", "REJECTED", "REJECTED", "REJECTED"]);
    expect(outcome.rows[4]!.errors).toMatchObject([{ field: "externalRef", code: "CONFLICT" }]);
    expect(await plant.prisma.workOrder.findUnique({ where: { number: "UPD-5" } })).toBeNull();
    expect(outcome.rows[2]!.errors).toMatchObject([{ field: "number", code: "INVALID_STATE_TRANSITION" }]);
    // A released order is not taken back to PLANNED by an import.
    expect(outcome.rows[3]!.errors).toMatchObject([{ field: "status", code: "INVALID_STATE_TRANSITION" }]);
    expect((await plant.prisma.workOrder.findUniqueOrThrow({ where: { number: "UPD-4" } })).status).toBe("RELEASED");
    expect(await plant.prisma.workOrder.findUniqueOrThrow({ where: { number: "UPD-1" } })).toMatchObject({
      plannedQuantity: 1500,
      priority: 5,
    });
    expect((await plant.prisma.workOrder.findUniqueOrThrow({ where: { number: "UPD-3" } })).plannedQuantity).toBe(1000);
  });

  it("two concurrent calls with one key import once: one creates, the other replays", async () => {
    const rows = [row("RACE-1"), row("RACE-2")];
    const [a, b] = await Promise.all([runImport(integrator, "race", rows), runImport(integrator, "race", rows)]);
    expect([a.data!.replayed, b.data!.replayed].sort()).toEqual([false, true]);
    expect(await plant.prisma.workOrder.count({ where: { number: { in: ["RACE-1", "RACE-2"] } } })).toBe(2);
    expect(
      await plant.prisma.auditLog.count({
        where: { action: "work-order.import-create", after: { path: ["number"], equals: "RACE-1" } },
      }),
    ).toBe(1);
  });

  it("refuses a blank key or source, too many rows and callers without schedule:import, changing nothing", async () => {
    const before = await tableFingerprint(plant.prisma, IMPORT_TABLES);
    expect(await runImport(integrator, "  ", [row("X-1")])).toMatchObject({
      __typename: "InvalidIdempotencyKey",
      code: "BAD_USER_INPUT",
    });
    expect(await runImport(integrator, "blank-source", [row("X-4")], "   ")).toMatchObject({
      __typename: "InputInvalid",
      code: "BAD_USER_INPUT",
    });
    const many = Array.from({ length: WORK_ORDER_IMPORT_DEFAULTS.maxRows + 1 }, (_, i) => row(`BIG-${i}`));
    expect(await runImport(integrator, "big", many)).toMatchObject({
      __typename: "ImportTooLarge",
      code: "PAYLOAD_TOO_LARGE",
    });
    const readOnly = await plant.run(
      {
        kind: "service",
        serviceAccountId: (integrator as { serviceAccountId: string }).serviceAccountId,
        scopes: ["schedule:read"],
      },
      IMPORT,
      { key: "nope", source: "sap-pp", rows: [row("X-2")] },
    );
    expect(readOnly.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    const operator = await plant.run(plant.as("operator", ["OPERATOR"]), IMPORT, {
      key: "nope-2",
      source: "sap-pp",
      rows: [row("X-3")],
    });
    expect(operator.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    expect(await tableFingerprint(plant.prisma, IMPORT_TABLES)).toBe(before);
  });
});
