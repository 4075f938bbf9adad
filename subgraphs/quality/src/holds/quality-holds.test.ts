// Holds and defects through the API: an inspector holds a work order, only quality:manage approves
// its disposition and releases it, each step once; defects recorded at the line make the Pareto and
// reach a defectRecorded listener.
import { testRedisPrefix } from "@ms5/kit/testing";
import { eventually } from "@ms5/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { QualityEventMessage } from "../quality-events/quality-event-message.ts";
import type { QualitySubgraph } from "../quality-subgraph.ts";
import {
  callSubgraph,
  openQualityTestPlant,
  type QualityTestPlant,
  startQualityTestSubgraph,
} from "../testing/quality-test-plant.ts";

const PLACE = `mutation ($id: ID!) { placeQualityHold(workOrderId: $id, reason: "Seal failures on pallet 4") {
  __typename ... on MutationPlaceQualityHoldSuccess { data { id status } } ... on ExpectedError { code } } }`;
const DISPOSITION = `mutation ($id: ID!) { dispositionQualityHold(holdId: $id, disposition: REWORK, note: "Reseal") {
  __typename ... on MutationDispositionQualityHoldSuccess { data { id status disposition } } ... on ExpectedError { code } } }`;
const RELEASE = `mutation ($id: ID!) { releaseQualityHold(holdId: $id) {
  __typename ... on MutationReleaseQualityHoldSuccess { data { id status } } ... on ExpectedError { code } } }`;
const DEFECT = `mutation ($input: DefectInput!) { recordDefect(input: $input) {
  __typename ... on MutationRecordDefectSuccess { data { id quantity } } ... on ExpectedError { code } } }`;

type Result = { __typename: string; code?: string; data?: { id: string; status?: string; disposition?: string } };

describe("holds and defects", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}holds:`;
  let plant: QualityTestPlant;
  let subgraph: QualitySubgraph;
  let workOrderId: string;
  const heard: QualityEventMessage[] = [];

  beforeAll(async () => {
    plant = await openQualityTestPlant(run, new Date());
    subgraph = await startQualityTestSubgraph(plant, { keyPrefix });
    workOrderId = (await plant.db.prisma.workOrder.findFirstOrThrow({ orderBy: { number: "asc" } })).id;
    const events = await subgraph.bus.events(["defect-recorded"]);
    void (async () => {
      for await (const event of events) heard.push(event);
    })();
  });
  afterAll(async () => {
    await subgraph?.close();
    await plant?.close();
  });

  const call = async (username: string, query: string, variables: Record<string, unknown>) =>
    callSubgraph<Record<string, Result>>(subgraph.server.url, await plant.tokenOf(username), query, variables);

  it("holds a work order once, lets only quality:manage disposition and release it, and audits each step", async () => {
    const placed = (await call("inspector", PLACE, { id: workOrderId })).data!.placeQualityHold!;
    expect(placed).toMatchObject({ __typename: "MutationPlaceQualityHoldSuccess", data: { status: "ON_HOLD" } });
    const holdId = placed.data!.id;
    expect((await call("inspector", PLACE, { id: workOrderId })).data!.placeQualityHold!.code).toBe(
      "INVALID_STATE_TRANSITION",
    );

    const byOperator = await call("operator", DISPOSITION, { id: holdId });
    expect(byOperator.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await plant.db.prisma.qualityHold.findUniqueOrThrow({ where: { id: holdId } })).status).toBe("ON_HOLD");

    expect((await call("inspector", RELEASE, { id: holdId })).data!.releaseQualityHold!.code).toBe(
      "INVALID_STATE_TRANSITION",
    );
    expect((await call("inspector", DISPOSITION, { id: holdId })).data!.dispositionQualityHold).toMatchObject({
      data: { status: "DISPOSITIONED", disposition: "REWORK" },
    });
    expect((await call("inspector", RELEASE, { id: holdId })).data!.releaseQualityHold).toMatchObject({
      data: { status: "RELEASED" },
    });
    const audit = await plant.db.prisma.auditLog.findMany({
      where: { entityType: "QualityHold", entityId: holdId },
      orderBy: { id: "asc" },
    });
    expect(audit.map((entry) => entry.action)).toEqual(["hold.place", "hold.disposition", "hold.release"]);
  });

  it("records defects, publishes them and ranks them in the line's Pareto", async () => {
    const lineId = await plant.lineIdOf("bagging-1");
    const [open, torn] = await Promise.all([
      plant.db.prisma.defectCode.findUniqueOrThrow({ where: { code: "SEAL-OPEN" } }),
      plant.db.prisma.defectCode.findUniqueOrThrow({ where: { code: "BAG-TORN" } }),
    ]);
    for (const [code, quantity] of [
      [open.id, 3],
      [torn.id, 1],
      [open.id, 2],
    ] as const) {
      const result = (await call("inspector", DEFECT, { input: { defectCodeId: code, lineId, quantity } })).data!
        .recordDefect!;
      expect(result.__typename).toBe("MutationRecordDefectSuccess");
    }
    const refused = (await call("inspector", DEFECT, { input: { defectCodeId: open.id, lineId, quantity: 0 } })).data!
      .recordDefect!;
    expect(refused.code).toBe("BAD_USER_INPUT");
    await eventually(async () => heard.length === 3);
    const pareto = await callSubgraph<{
      _entities: {
        defectPareto: { defectCode: { code: string }; quantity: number; share: number; cumulativeShare: number }[];
      }[];
    }>(
      subgraph.server.url,
      await plant.tokenOf("viewer"),
      `query ($lines: [_Any!]!, $from: DateTime!, $to: DateTime!) { _entities(representations: $lines) {
        ... on Line { defectPareto(from: $from, to: $to) { defectCode { code } quantity share cumulativeShare } } } }`,
      {
        lines: [{ __typename: "Line", id: lineId }],
        from: new Date(Date.now() - 3_600_000).toISOString(),
        to: new Date(Date.now() + 60_000).toISOString(),
      },
    );
    expect(pareto.data!._entities[0]!.defectPareto).toEqual([
      { defectCode: { code: "SEAL-OPEN" }, quantity: 5, share: 5 / 6, cumulativeShare: 5 / 6 },
      { defectCode: { code: "BAG-TORN" }, quantity: 1, share: 1 / 6, cumulativeShare: 1 },
    ]);
  });
});
