// End to end through the gateway: bag weights on the line's telemetry stream (as the bridge
// publishes them) drift, a run rule breaks, and a tablet subscribed to spcViolation over the gateway's
// graphql-ws receives it; a caller without permissions cannot subscribe.
import { createLogger } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { STREAM_SCHEMA_VERSION, streamKey } from "@ms5/schema";
import { eventually, gatewaySubscriptionClient } from "@ms5/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type QualityGateway, startQualityGateway } from "../testing/quality-gateway.ts";
import { openQualityTestPlant, type QualityTestPlant } from "../testing/quality-test-plant.ts";

const SUBSCRIPTION = `subscription ($characteristicId: ID) { spcViolation(characteristicId: $characteristicId) {
  id rule chart sequence pointSequences characteristic { name } } }`;

interface Heard {
  rule: string;
  chart: string;
  sequence: number;
  pointSequences: number[];
  characteristic: { name: string };
}

describe("a check weigher drift reaches a subscribed tablet through the gateway", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}violation-e2e:`;
  let plant: QualityTestPlant;
  let floor: QualityGateway;
  let characteristicId: string;
  let seq = 0;

  const publishWeights = async (values: readonly number[]) => {
    for (const value of values) {
      seq++;
      await plant.redis.xAdd(streamKey("bagging-1", "telemetry", keyPrefix), "*", {
        v: STREAM_SCHEMA_VERSION,
        type: "weight",
        plc: "PLC-BAG1",
        seq: String(seq),
        equipment: "CW-1",
        line: "bagging-1",
        ts: String(Date.now()),
        value: String(value),
        unit: "kg",
        weighCount: String(seq),
      });
    }
  };

  beforeAll(async () => {
    plant = await openQualityTestPlant(run, new Date());
    characteristicId = (
      await plant.db.prisma.qualityCharacteristic.findFirstOrThrow({ where: { liveSignal: "weight" } })
    ).id;
    floor = await startQualityGateway({
      prisma: plant.db.prisma,
      redis: plant.redis,
      logger: createLogger({ service: "quality-e2e", level: "silent" }),
      keys: plant.keys,
      keyPrefix,
      scheduler: false,
      weights: { settings: { blockMs: 50 } },
    });
    // 25 in-control subgroups freeze the limits: values alternate closely around 25.10 kg.
    const baseline = Array.from({ length: 125 }, (_, i) => [25.1, 25.12, 25.08, 25.11, 25.09][i % 5]!);
    await publishWeights(baseline);
    await eventually(() => plant.db.prisma.spcControlLimits.findFirst({ where: { characteristicId } }));
  });
  afterAll(async () => {
    await floor?.close();
    await plant?.close();
  });

  it("delivers the violation the drifted subgroup breaks to the inspector's subscription", async () => {
    const client = gatewaySubscriptionClient(floor.wsUrl, await plant.tokenOf("inspector"));
    const heard: Heard[] = [];
    const errors: unknown[] = [];
    const unsubscribe = client.subscribe<{ spcViolation: Heard }>(
      { query: SUBSCRIPTION, variables: { characteristicId } },
      {
        next: ({ data }) => {
          if (data?.spcViolation) heard.push(data.spcViolation);
        },
        error: (error) => errors.push(error),
        complete: () => undefined,
      },
    );
    try {
      // graphql-ws acknowledges no subscribe: wait until the subgraph listens on the quality channel.
      await eventually(async () => floor.subgraph.bus.listenerCount > 0);
      await publishWeights([25.4, 25.42, 25.38, 25.41, 25.39]);
      const violation = await eventually(async () => heard.find((v) => v.rule === "WE1" && v.chart === "location"));
      expect(violation).toMatchObject({
        rule: "WE1",
        chart: "location",
        sequence: 26,
        pointSequences: [26],
        characteristic: { name: "Bag net weight" },
      });
      expect(errors).toEqual([]);
    } finally {
      unsubscribe();
      await client.dispose();
    }
  });

  it("serves the chart with limits, zones, violations and capability through the gateway", async () => {
    const response = await fetch(floor.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await plant.tokenOf("inspector")}` },
      body: JSON.stringify({
        query: `query ($id: ID!) { spcChart(characteristicId: $id, last: 1000) {
          chartType limits { centerLine upperControlLimit lowerControlLimit baselineLast }
          points { sequence value zone rules } violations { rule sequence } capability { sampleCount cp cpk pp ppk sigmaWithinMethod } } }`,
        variables: { id: characteristicId },
      }),
    });
    const body = (await response.json()) as {
      data?: {
        spcChart: {
          chartType: string;
          points: { sequence: number; zone: string; rules: string[] }[];
          capability: { sampleCount: number; sigmaWithinMethod: string };
        };
      };
      errors?: unknown;
    };
    expect(body.errors).toBeUndefined();
    const chart = body.data!.spcChart;
    expect(chart.chartType).toBe("XBAR_R");
    expect(chart.points).toHaveLength(26);
    expect(chart.points.at(-1)).toMatchObject({ sequence: 26, zone: "OUT" });
    expect(chart.points.at(-1)!.rules).toContain("WE1");
    expect(chart.capability).toMatchObject({ sampleCount: 130, sigmaWithinMethod: "R̄/d2" });
  });

  it("serves the same chart as parallel lists through the gateway, the violations as indices into them", async () => {
    const token = await plant.tokenOf("inspector");
    const ask = async (selection: string) => {
      const response = await fetch(floor.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: `query ($id: ID!) { spcChart(characteristicId: $id, last: 1000) { ${selection} } }`,
          variables: { id: characteristicId },
        }),
      });
      const body = (await response.json()) as { data?: { spcChart: Record<string, unknown> }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      return body.data!.spcChart;
    };
    const { series } = (await ask(
      "series { sequences times sources values upperControlLimits lowerControlLimits zones dispersionValues violationPoints violationRules violationCharts }",
    )) as {
      series: {
        sequences: number[];
        times: number[];
        sources: string[];
        values: number[];
        upperControlLimits: number[] | null;
        zones: string[];
        dispersionValues: (number | null)[];
        violationPoints: number[];
        violationRules: string[];
        violationCharts: string[];
      };
    };
    const { points, violations } = (await ask(
      "points { sequence at source value zone dispersionValue } violations { rule chart sequence }",
    )) as {
      points: { sequence: number; at: string; source: string; value: number; zone: string; dispersionValue: number }[];
      violations: { rule: string; chart: string; sequence: number }[];
    };
    expect(series.sequences).toEqual(points.map((p) => p.sequence));
    expect(series.times).toEqual(points.map((p) => Date.parse(p.at)));
    expect(series.sources).toEqual(points.map((p) => p.source));
    expect(series.values).toEqual(points.map((p) => p.value));
    expect(series.zones).toEqual(points.map((p) => p.zone));
    expect(series.dispersionValues).toEqual(points.map((p) => p.dispersionValue));
    // An X̄-R chart's points all have the chart's limits: no list of them is sent.
    expect(series.upperControlLimits).toBeNull();
    expect(
      series.violationPoints.map((index, i) => ({
        rule: series.violationRules[i],
        chart: series.violationCharts[i],
        sequence: series.sequences[index],
      })),
    ).toEqual(violations);
    expect(series.violationRules).toContain("WE1");
  });

  it("refuses the subscription to a caller holding no permissions: the gateway closes with 4403", async () => {
    const { issueAccessToken } = await import("@ms5/kit/auth");
    const viewer = await plant.db.prisma.user.findUniqueOrThrow({ where: { username: "viewer" } });
    const token = (await issueAccessToken(plant.keys, { kind: "user", userId: viewer.id, name: "nobody", roles: [] }))
      .token;
    const client = gatewaySubscriptionClient(floor.wsUrl, token);
    try {
      const outcome = await new Promise<{ code?: number }>((resolve) => {
        client.subscribe(
          { query: SUBSCRIPTION, variables: { characteristicId } },
          {
            next: () => resolve({}),
            error: (error) => resolve(error as { code?: number }),
            complete: () => resolve({}),
          },
        );
      });
      expect(outcome.code).toBe(4403);
    } finally {
      await client.dispose();
    }
  });

  it("tells a subscribed chart each batch of subgroups the weights form, so an open chart moves with no rule broken", async () => {
    const client = gatewaySubscriptionClient(floor.wsUrl, await plant.tokenOf("inspector"));
    const heard: { characteristicId: string; count: number }[] = [];
    const unsubscribe = client.subscribe<{ spcSubgroupsAdded: { characteristicId: string; count: number } }>(
      {
        query: "subscription ($id: ID!) { spcSubgroupsAdded(characteristicId: $id) { characteristicId count } }",
        variables: { id: characteristicId },
      },
      {
        next: ({ data }) => {
          if (data?.spcSubgroupsAdded) heard.push(data.spcSubgroupsAdded);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    try {
      await eventually(async () => floor.subgraph.bus.listenerCount > 0);
      // Ten in-control weights: two subgroups, whether in one batch or two.
      await publishWeights([25.1, 25.12, 25.08, 25.11, 25.09, 25.1, 25.12, 25.08, 25.11, 25.09]);
      await eventually(async () => heard.reduce((sum, event) => sum + event.count, 0) === 2);
      expect(heard.every((event) => event.characteristicId === characteristicId)).toBe(true);
    } finally {
      unsubscribe();
      await client.dispose();
    }
  });
});
