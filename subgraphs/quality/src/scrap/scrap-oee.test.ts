// A scrap record changes the hour's OEE quality by the hand-computed amount, end to end: recorded
// through the quality API, announced on the scrap stream, recomputed by the production subgraph's
// consumer from its event log (OEE is defined there, once), published as oeeUpdated; a PLC reject
// scrapped again changes nothing (never counted twice). First-pass yield moves with it.
import { createLogger } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { createProductionSubgraph, type ProductionSubgraph } from "@ms5/production/subgraph";
import { eventually } from "@ms5/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { QualitySubgraph } from "../quality-subgraph.ts";
import {
  callSubgraph,
  openQualityTestPlant,
  type QualityTestPlant,
  startQualityTestSubgraph,
  TEST_GATEWAY_SECRET,
} from "../testing/quality-test-plant.ts";

const HOUR = 3_600_000;
const RECORD_SCRAP = `mutation ($input: ScrapInput!) { recordScrap(input: $input) {
  __typename ... on MutationRecordScrapSuccess { data { id quantity madeAt plcCountedAsReject } } ... on ExpectedError { code message } } }`;
const FIRST_PASS_YIELD = `query ($lines: [_Any!]!, $from: DateTime!, $to: DateTime!) { _entities(representations: $lines) {
  ... on Line { firstPassYield(from: $from, to: $to) { unitsMade firstPassGood yield } } } }`;

describe("scrap and OEE", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}scrap-oee:`;
  // The whole previous hour: nothing of it is still to come.
  const hourStart = new Date(Math.floor(Date.now() / HOUR) * HOUR - HOUR);
  let plant: QualityTestPlant;
  let quality: QualitySubgraph;
  let production: ProductionSubgraph;
  let lineId: string;
  const oeeEvents: string[] = [];
  let unsubscribe: () => Promise<void>;

  const lineQuality = async () =>
    (await plant.db.prisma.oeeRecord.findFirst({
      where: { subjectKey: `LINE:${lineId}:*`, bucket: "HOUR", bucketStart: hourStart },
      select: { quality: true, goodCount: true, rejectCount: true, totalCount: true },
    })) ?? null;

  beforeAll(async () => {
    plant = await openQualityTestPlant(run, hourStart);
    lineId = await plant.lineIdOf("bagging-1");
    const bagger = await plant.db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    // Bagger 1 (the line's constraint) runs the whole hour and counts 900 good and 100 rejected bags.
    await plant.db.prisma.equipmentStateChange.create({
      data: {
        equipmentId: bagger.id,
        state: "RUNNING",
        startedAt: hourStart,
        endedAt: new Date(hourStart.getTime() + HOUR),
      },
    });
    await plant.db.prisma.productionCount.create({
      data: {
        equipmentId: bagger.id,
        lineId,
        recordedAt: new Date(hourStart.getTime() + 600_000),
        goodDelta: 900,
        rejectDelta: 100,
      },
    });
    quality = await startQualityTestSubgraph(plant, { keyPrefix });
    production = await createProductionSubgraph({
      prisma: plant.db.prisma,
      redis: plant.redis,
      logger: createLogger({ service: "production-test", level: "silent" }),
      verificationKeys: plant.keys,
      gatewaySecret: TEST_GATEWAY_SECRET,
      port: 0,
      production: false,
      keyPrefix,
      telemetry: { consumerName: "production-scrap-test", sequenceAudit: false, settings: { blockMs: 50 } },
    });
    const subscriber = plant.redis.duplicate();
    await subscriber.connect();
    await subscriber.subscribe(`${keyPrefix}{${lineId}}:live`, (message) => {
      const event = JSON.parse(message) as { kind: string; oeeRecordId?: string };
      if (event.kind === "oee" && event.oeeRecordId) oeeEvents.push(event.oeeRecordId);
    });
    unsubscribe = async () => subscriber.destroy();
  });
  afterAll(async () => {
    await unsubscribe?.();
    await production?.close();
    await quality?.close();
    await plant?.close();
  });

  const recordScrap = async (username: string, quantity: number, plcCountedAsReject: boolean) => {
    const response = await callSubgraph<{ recordScrap: { __typename: string; code?: string } }>(
      quality.server.url,
      await plant.tokenOf(username),
      RECORD_SCRAP,
      {
        input: {
          lineId,
          disposition: "SCRAP",
          quantity,
          madeAt: new Date(hourStart.getTime() + 900_000).toISOString(),
          plcCountedAsReject,
          reason: "Seal open",
        },
      },
    );
    return response;
  };

  it("leaves the hour at quality 0.90 when the scrapped units are PLC rejects already (never counted twice)", async () => {
    const response = await recordScrap("operator", 30, true);
    expect(response.data?.recordScrap.__typename).toBe("MutationRecordScrapSuccess");
    const figures = await eventually(lineQuality);
    expect(figures).toEqual({ quality: 0.9, goodCount: 900, rejectCount: 100, totalCount: 1000 });
  });

  it("moves 50 scrapped good units to reject: quality 850 / 1000 = 0.85 and oeeUpdated fires", async () => {
    const heardBefore = oeeEvents.length;
    const response = await recordScrap("operator", 50, false);
    expect(response.data?.recordScrap.__typename).toBe("MutationRecordScrapSuccess");
    const figures = await eventually(async () => {
      const row = await lineQuality();
      return row && row.quality < 0.9 ? row : null;
    });
    expect(figures).toEqual({ quality: 0.85, goodCount: 850, rejectCount: 150, totalCount: 1000 });
    await eventually(async () => oeeEvents.length > heardBefore);
  });

  it("gives first-pass yield 850 / 1000 over the hour", async () => {
    const response = await callSubgraph<{
      _entities: { firstPassYield: { unitsMade: number; firstPassGood: number; yield: number } }[];
    }>(quality.server.url, await plant.tokenOf("inspector"), FIRST_PASS_YIELD, {
      lines: [{ __typename: "Line", id: lineId }],
      from: hourStart.toISOString(),
      to: new Date(hourStart.getTime() + HOUR).toISOString(),
    });
    expect(response.data?._entities[0]?.firstPassYield).toEqual({ unitsMade: 1000, firstPassGood: 850, yield: 0.85 });
  });

  it("gives first-pass yield per product and per shift, by hand: 360/420, 285/330, 645/750, 195/200, 555/620", async () => {
    // Two shifts before the hour above, so its figures stay as they are.
    const shift1 = { from: new Date(hourStart.getTime() - 3 * HOUR), to: new Date(hourStart.getTime() - 2 * HOUR) };
    const shift2 = { from: shift1.to, to: new Date(hourStart.getTime() - HOUR) };
    const at = (shift: { from: Date }, minutes: number) => new Date(shift.from.getTime() + minutes * 60_000);
    const bagger = await plant.db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    const [a, b] = await plant.db.prisma.productType.findMany({ orderBy: { code: "asc" }, take: 2 });
    const reporter = await plant.userIdOf("operator");
    await plant.db.prisma.productionCount.createMany({
      data: [
        {
          equipmentId: bagger.id,
          lineId,
          productTypeId: a!.id,
          recordedAt: at(shift1, 10),
          goodDelta: 400,
          rejectDelta: 20,
        },
        {
          equipmentId: bagger.id,
          lineId,
          productTypeId: b!.id,
          recordedAt: at(shift1, 40),
          goodDelta: 300,
          rejectDelta: 30,
        },
        {
          equipmentId: bagger.id,
          lineId,
          productTypeId: a!.id,
          recordedAt: at(shift2, 10),
          goodDelta: 200,
          rejectDelta: 0,
        },
      ],
    });
    const scrap = (productTypeId: string, madeAt: Date, quantity: number, plcCountedAsReject: boolean) => ({
      lineId,
      equipmentId: bagger.id,
      productTypeId,
      disposition: "SCRAP" as const,
      quantity,
      madeAt,
      plcCountedAsReject,
      reportedById: reporter,
    });
    await plant.db.prisma.scrapRecord.createMany({
      data: [
        scrap(a!.id, at(shift1, 15), 40, false),
        // Counted by the PLC as rejects already: not a second loss of first-pass yield.
        scrap(a!.id, at(shift1, 20), 10, true),
        scrap(b!.id, at(shift1, 45), 15, false),
        scrap(a!.id, at(shift2, 15), 5, false),
      ],
    });
    const fpy = async (window: { from: Date; to: Date }, productTypeId?: string) => {
      const response = await callSubgraph<{
        _entities: { firstPassYield: { unitsMade: number; firstPassGood: number; yield: number } }[];
      }>(
        quality.server.url,
        await plant.tokenOf("inspector"),
        `query ($lines: [_Any!]!, $from: DateTime!, $to: DateTime!, $product: ID) { _entities(representations: $lines) {
          ... on Line { firstPassYield(from: $from, to: $to, productTypeId: $product) { unitsMade firstPassGood yield } } } }`,
        { lines: [{ __typename: "Line", id: lineId }], from: window.from, to: window.to, product: productTypeId },
      );
      return response.data?._entities[0]?.firstPassYield;
    };
    expect(await fpy(shift1, a!.id)).toEqual({ unitsMade: 420, firstPassGood: 360, yield: 360 / 420 });
    expect(await fpy(shift1, b!.id)).toEqual({ unitsMade: 330, firstPassGood: 285, yield: 285 / 330 });
    expect(await fpy(shift1)).toEqual({ unitsMade: 750, firstPassGood: 645, yield: 0.86 });
    expect(await fpy(shift2, a!.id)).toEqual({ unitsMade: 200, firstPassGood: 195, yield: 0.975 });
    expect(await fpy({ from: shift1.from, to: shift2.to }, a!.id)).toEqual({
      unitsMade: 620,
      firstPassGood: 555,
      yield: 555 / 620,
    });
  });

  it("refuses scrap from someone without scrap:record (a viewer) and records nothing", async () => {
    const before = await plant.db.prisma.scrapRecord.count();
    const response = await recordScrap("viewer", 5, false);
    expect(response.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await plant.db.prisma.scrapRecord.count()).toBe(before);
  });
});
