// andonEvents, maintenanceWorkOrders and productionAlerts past their old caps: each has a Relay
// connection paged newest first by keyset, and the capped lists still answer old clients.
import { createLogger, ManualClock } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { AndonSubgraph } from "../andon-subgraph.ts";
import {
  type AndonTestPlant,
  callSubgraph,
  openAndonTestPlant,
  startAndonTestSubgraph,
} from "../testing/andon-test-plant.ts";

const logger = createLogger({ service: "andon-connections-test", level: "silent" });
const t0 = new Date(Date.UTC(2026, 10, 27, 10, 0, 0));
// More than each old list's cap (andons 200, work orders and alerts 100); every tenth pair shares
// its time, so the id decides the order inside a time and a page boundary can fall between them.
const ROWS = 230;
const timeOf = (n: number) => new Date(t0.getTime() - Math.floor(n / 2) * 60_000);

interface Page {
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
}

describe("cursor paging of andons, work orders and alerts", () => {
  const run = inject("testRun");
  let plant: AndonTestPlant;
  let subgraph: AndonSubgraph;
  let token: string;
  const expected: Record<string, string[]> = {};

  beforeAll(async () => {
    plant = await openAndonTestPlant(run, t0);
    subgraph = await startAndonTestSubgraph(plant, {
      logger,
      keyPrefix: `${testRedisPrefix(run.runId)}andon-connections:`,
      clock: new ManualClock(t0),
      faults: false,
      scheduler: false,
      alerts: false,
    });
    token = await plant.tokenOf("pmanager");
    const { prisma } = plant.db;
    const bagger = await prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    // Rows already in the demo plant come first or last by time; the lists below are filtered to
    // statuses and times only these rows have, so the expectation is exactly these rows.
    await prisma.andonEvent.createMany({
      data: Array.from({ length: ROWS }, (_, n) => ({
        lineId: bagger.lineId,
        equipmentId: bagger.id,
        type: "HELP" as const,
        priority: "LOW" as const,
        status: "CLOSED" as const,
        raisedAt: timeOf(n),
        resolvedAt: t0,
        closedAt: t0,
      })),
    });
    await prisma.maintenanceWorkOrder.createMany({
      data: Array.from({ length: ROWS }, (_, n) => ({
        number: `WO-PAGE-${n}`,
        equipmentId: bagger.id,
        type: "CORRECTIVE" as const,
        status: "CANCELLED" as const,
        title: `Paged order ${n}`,
        createdAt: timeOf(n),
      })),
    });
    await prisma.productionAlert.createMany({
      data: Array.from({ length: ROWS }, (_, n) => ({
        kind: "OEE_BELOW_TARGET" as const,
        lineId: bagger.lineId,
        status: "CLEARED" as const,
        threshold: 0.6,
        observedValue: 0.5,
        message: `Paged alert ${n}`,
        raisedAt: timeOf(n),
        clearedAt: t0,
      })),
    });
    const newestFirst = <Row extends { id: string }>(rows: Row[], at: (row: Row) => Date) =>
      rows
        .sort((a, b) => at(b).getTime() - at(a).getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map((row) => row.id);
    expected.andonEventsConnection = newestFirst(
      await prisma.andonEvent.findMany({ where: { type: "HELP", status: "CLOSED" } }),
      (row) => row.raisedAt,
    );
    expected.maintenanceWorkOrdersConnection = newestFirst(
      await prisma.maintenanceWorkOrder.findMany({ where: { number: { startsWith: "WO-PAGE-" } } }),
      (row) => row.createdAt,
    );
    expected.productionAlertsConnection = newestFirst(
      await prisma.productionAlert.findMany({ where: { message: { startsWith: "Paged alert" } } }),
      (row) => row.raisedAt,
    );
  });
  afterAll(async () => {
    await subgraph?.close();
    await plant?.close();
  });

  const lists = [
    ["andonEventsConnection", "status: [CLOSED], type: [HELP]"],
    ["maintenanceWorkOrdersConnection", "status: [CANCELLED]"],
    ["productionAlertsConnection", "status: [CLEARED]"],
  ] as const;

  async function page(field: string, filter: string, first: number, after: string | null) {
    const response = await callSubgraph<Record<string, Page>>(
      subgraph.server.url,
      token,
      `query ($first: Int, $after: String) { ${field}(${filter}, first: $first, after: $after) {
        edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`,
      { first, after },
    );
    expect(response.errors).toBeUndefined();
    return response.data![field]!;
  }

  it.each(lists)("%s reads every row once, newest first, 70 at a time past the old cap", async (field, filter) => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const connection: Page = await page(field, filter, 70, after);
      pages++;
      expect(connection.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...connection.edges.map((edge) => edge.node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(pages).toBe(Math.ceil(ROWS / 70));
    expect(seen).toEqual(expected[field]);
  });

  it("a row raised between two pages neither shifts nor repeats the rows of the next page", async () => {
    const [field, filter] = lists[0];
    const first = await page(field, filter, 50, null);
    const bagger = await plant.db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    const newer = await plant.db.prisma.andonEvent.create({
      data: {
        lineId: bagger.lineId,
        type: "HELP",
        priority: "LOW",
        status: "CLOSED",
        raisedAt: new Date(t0.getTime() + 60_000),
        resolvedAt: new Date(t0.getTime() + 120_000),
        closedAt: new Date(t0.getTime() + 120_000),
      },
    });
    try {
      const second = await page(field, filter, 50, first.pageInfo.endCursor);
      expect(second.edges.map((edge) => edge.node.id)).toEqual(expected[field]!.slice(50, 100));
    } finally {
      await plant.db.prisma.andonEvent.delete({ where: { id: newer.id } });
    }
  });

  it("the capped lists still answer old clients with their first rows", async () => {
    const response = await callSubgraph<{ andonEvents: { id: string }[]; productionAlerts: { id: string }[] }>(
      subgraph.server.url,
      token,
      `{ andonEvents(status: [CLOSED], type: [HELP], first: 200) { id }
         productionAlerts(status: [CLEARED], first: 100) { id } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.andonEvents.map((a) => a.id)).toEqual(expected.andonEventsConnection!.slice(0, 200));
    expect(response.data!.productionAlerts.map((a) => a.id)).toEqual(
      expected.productionAlertsConnection!.slice(0, 100),
    );
  });

  it.each([
    ["a cursor of another list", async () => (await page(lists[1][0], lists[1][1], 1, null)).pageInfo.endCursor],
    ["a cursor that is no cursor", async () => "bm90IGEgY3Vyc29y"],
  ])("is refused with BAD_USER_INPUT for %s", async (_what, cursorOf) => {
    const after = await cursorOf();
    const response = await callSubgraph(
      subgraph.server.url,
      token,
      `query ($after: String) { andonEventsConnection(first: 5, after: $after) { edges { cursor } } }`,
      { after },
    );
    expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("refuses a page of more than 200 with BAD_USER_INPUT", async () => {
    const response = await callSubgraph(
      subgraph.server.url,
      token,
      "{ productionAlertsConnection(first: 201) { edges { cursor } } }",
    );
    expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
