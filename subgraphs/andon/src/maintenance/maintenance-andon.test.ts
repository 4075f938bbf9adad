// A maintenance andon raised through the running subgraph opens its work order in the raise
// transaction; a technician then takes it through the API, and a bad step is a typed refusal.
import { createLogger, ManualClock } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { AndonSubgraph } from "../andon-subgraph.ts";
import { applyFaultRise } from "../andons/fault-andons.ts";
import {
  type AndonTestPlant,
  callSubgraph,
  openAndonTestPlant,
  startAndonTestSubgraph,
} from "../testing/andon-test-plant.ts";

const logger = createLogger({ service: "andon-maintenance-test", level: "silent" });
const t0 = new Date(Date.UTC(2026, 10, 27, 10, 0, 0));

describe("work orders from andons, through the API", () => {
  const run = inject("testRun");
  let plant: AndonTestPlant;
  let subgraph: AndonSubgraph;

  beforeAll(async () => {
    plant = await openAndonTestPlant(run, t0);
    subgraph = await startAndonTestSubgraph(plant, {
      logger,
      keyPrefix: `${testRedisPrefix(run.runId)}andon-maintenance:`,
      clock: new ManualClock(t0),
      faults: false,
      scheduler: false,
      alerts: false,
    });
  });
  afterAll(async () => {
    await subgraph?.close();
    await plant?.close();
  });

  it("raising a maintenance andon on Bagger 1 opens one corrective work order the technician can take and finish", async () => {
    const bagger = await plant.db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    const raised = await callSubgraph<{
      raiseAndon: { data: { id: string; maintenanceWorkOrders: { id: string }[] } };
    }>(
      subgraph.server.url,
      await plant.tokenOf("operator"),
      `mutation ($input: RaiseAndonInput!) { raiseAndon(input: $input) { ... on MutationRaiseAndonSuccess {
        data { id maintenanceWorkOrders { id } } } } }`,
      {
        input: {
          lineId: bagger.lineId,
          equipmentId: bagger.id,
          type: "MAINTENANCE",
          priority: "HIGH",
          note: "Sealing jaw jammed",
        },
      },
    );
    const andonId = raised.data!.raiseAndon.data.id;
    const technician = await plant.tokenOf("technician");
    const read = await callSubgraph<{
      andonEvent: {
        maintenanceWorkOrders: {
          id: string;
          type: string;
          priority: string;
          status: string;
          title: string;
          equipment: { id: string };
        }[];
      };
    }>(
      subgraph.server.url,
      technician,
      `query ($id: ID!) { andonEvent(id: $id) { maintenanceWorkOrders { id type priority status title equipment { id } } } }`,
      { id: andonId },
    );
    const orders = read.data!.andonEvent.maintenanceWorkOrders;
    expect(orders).toEqual([
      {
        id: expect.any(String),
        type: "CORRECTIVE",
        priority: "HIGH",
        status: "OPEN",
        title: "Bagger 1: Sealing jaw jammed",
        equipment: { id: bagger.id },
      },
    ]);
    const workOrderId = orders[0]!.id;

    const early = await callSubgraph<{ completeMaintenanceWorkOrder: Record<string, unknown> }>(
      subgraph.server.url,
      technician,
      `mutation ($id: ID!) { completeMaintenanceWorkOrder(workOrderId: $id, failureCause: "worn jaw") {
        __typename ... on ExpectedError { code } } }`,
      { id: workOrderId },
    );
    expect(early.data!.completeMaintenanceWorkOrder).toEqual({
      __typename: "InvalidMaintenanceTransition",
      code: "INVALID_STATE_TRANSITION",
    });
    const step = (mutation: string) =>
      callSubgraph<Record<string, { __typename: string }>>(subgraph.server.url, technician, mutation, {
        id: workOrderId,
      });
    expect(
      (await step(`mutation ($id: ID!) { startMaintenanceWorkOrder(workOrderId: $id) { __typename } }`)).data,
    ).toEqual({
      startMaintenanceWorkOrder: { __typename: "MutationStartMaintenanceWorkOrderSuccess" },
    });
    expect(
      (
        await step(
          `mutation ($id: ID!) { completeMaintenanceWorkOrder(workOrderId: $id, failureCause: "worn jaw") { __typename } }`,
        )
      ).data,
    ).toEqual({ completeMaintenanceWorkOrder: { __typename: "MutationCompleteMaintenanceWorkOrderSuccess" } });
  });

  it("a maintenance PLC fault opens one work order, and the fault repeating while open opens no second one", async () => {
    const bagger = await plant.db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    const rise = (entry: string) =>
      applyFaultRise(subgraph.runtime, {
        streamEntryId: entry,
        stream: "test:faults",
        equipmentId: bagger.id,
        lineId: bagger.lineId,
        faultCode: "BG-002",
        faultText: "Film break",
        bitIndex: 2,
        at: t0,
      });
    const first = await rise("1-0");
    expect(first.outcome).toBe("raised");
    expect((await rise("2-0")).outcome).toBe("repeated");
    const orders = await plant.db.prisma.maintenanceWorkOrder.findMany({ where: { andonId: first.andon!.id } });
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({
      equipmentId: bagger.id,
      type: "CORRECTIVE",
      status: "OPEN",
      title: "Bagger 1: BG-002",
    });
  });

  it("links a PLC fault's andon and work order to the stop it is part of, whichever of the two lands first", async () => {
    const prisma = plant.db.prisma;
    const loader = await prisma.equipment.findUniqueOrThrow({ where: { code: "LOADER-1" } });
    const rise = (entry: string, faultCode: string, at: Date) =>
      applyFaultRise(subgraph.runtime, {
        streamEntryId: entry,
        stream: "test:link-faults",
        equipmentId: loader.id,
        lineId: loader.lineId,
        faultCode,
        faultText: "",
        bitIndex: 1,
        at,
      });
    const stopAt = (at: Date) =>
      prisma.downtimeEvent.create({
        data: { equipmentId: loader.id, lineId: loader.lineId, startedAt: at, category: "UNPLANNED", source: "PLC" },
      });
    const linksOf = async (andonId: string) => ({
      andon: (await prisma.andonEvent.findUniqueOrThrow({ where: { id: andonId } })).downtimeEventId,
      workOrders: (await prisma.maintenanceWorkOrder.findMany({ where: { andonId } })).map((w) => w.downtimeEventId),
    });

    // The stop first (the production consumer was quicker): the raise links it.
    const first = new Date(t0.getTime() + 60_000);
    const stop = await stopAt(first);
    const raised = await rise("10-0", "LD-MAINT-1", first);
    expect(await linksOf(raised.andon!.id)).toEqual({ andon: stop.id, workOrders: [stop.id] });
    await prisma.downtimeEvent.update({
      where: { id: stop.id },
      data: { endedAt: new Date(first.getTime() + 30_000) },
    });

    // The andon first: the stop opening two seconds later links it and its work order.
    const second = new Date(t0.getTime() + 120_000);
    const early = await rise("11-0", "LD-MAINT-2", second);
    expect(await linksOf(early.andon!.id)).toEqual({ andon: null, workOrders: [null] });
    const later = await stopAt(new Date(second.getTime() + 2_000));
    expect(await linksOf(early.andon!.id)).toEqual({ andon: later.id, workOrders: [later.id] });

    // A stop long after the fault is not the fault's.
    await prisma.downtimeEvent.update({
      where: { id: later.id },
      data: { endedAt: new Date(second.getTime() + 5_000) },
    });
    const third = new Date(t0.getTime() + 600_000);
    const lone = await rise("12-0", "LD-MAINT-3", third);
    await stopAt(new Date(third.getTime() + 60_000));
    expect((await linksOf(lone.andon!.id)).andon).toBeNull();
  });

  it("other andon types open no work order", async () => {
    const bagger = await plant.db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    const raised = await callSubgraph<{ raiseAndon: { data: { maintenanceWorkOrders: unknown[] } } }>(
      subgraph.server.url,
      await plant.tokenOf("operator"),
      `mutation ($input: RaiseAndonInput!) { raiseAndon(input: $input) { ... on MutationRaiseAndonSuccess {
        data { maintenanceWorkOrders { id } } } } }`,
      { input: { lineId: bagger.lineId, equipmentId: bagger.id, type: "QUALITY", priority: "LOW" } },
    );
    expect(raised.data!.raiseAndon.data.maintenanceWorkOrders).toEqual([]);
  });
});
