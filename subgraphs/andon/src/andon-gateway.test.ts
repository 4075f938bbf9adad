// The andon path end to end through the real gateway: an operator raises a critical andon over
// HTTP, the escalation's first level (due at once) fires on the subgraph's own scheduler, and the
// production manager subscribed to myNotifications over the gateway's WebSocket receives it.
import { createLogger } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { eventually, gatewaySubscriptionClient } from "@ms5/test-support";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { saveEscalationRule } from "./escalation/escalation-rule-admin.ts";
import { type AndonGateway, startAndonGateway } from "./testing/andon-gateway.ts";
import { type AndonTestPlant, openAndonTestPlant } from "./testing/andon-test-plant.ts";

const logger = createLogger({ service: "andon-gateway-test", level: "silent" });

describe("an andon raised through the gateway", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}andon-gateway:`;
  let plant: AndonTestPlant;
  let floor: AndonGateway;
  let client: Client;

  beforeAll(async () => {
    plant = await openAndonTestPlant(run, new Date());
    floor = await startAndonGateway({
      prisma: plant.db.prisma,
      redis: plant.redis,
      logger,
      keys: plant.keys,
      keyPrefix,
      photoDirectory: plant.photoDirectory,
      faults: false,
      scheduler: { settings: { maxSleepMs: 200 } },
    });
  });
  afterAll(async () => {
    await client?.dispose();
    await floor?.close();
    await plant?.close();
  });

  it("reaches the production manager's myNotifications subscription when its first level is due at once", async () => {
    const line = await plant.db.prisma.line.findUniqueOrThrow({ where: { code: "loading-1" } });
    await saveEscalationRule(floor.subgraph.runtime, null, {
      name: "Loading safety now",
      priority: "CRITICAL",
      lineId: line.id,
      andonType: "SAFETY",
      acknowledgeTimeoutSeconds: 30,
      resolveTimeoutSeconds: 600,
      levels: [
        {
          level: 1,
          kind: "ACKNOWLEDGE",
          delaySeconds: 0,
          channels: ["IN_APP"],
          recipients: [{ kind: "USER", userId: await plant.userIdOf("pmanager") }],
        },
      ],
    });
    client = gatewaySubscriptionClient(floor.wsUrl, await plant.tokenOf("pmanager"));
    const received: { andonId: string | null; title: string }[] = [];
    const errors: unknown[] = [];
    client.subscribe(
      { query: "subscription { myNotifications { andonId title } }" },
      {
        next: (payload) => {
          if (payload.errors) errors.push(...payload.errors);
          const notification = payload.data?.myNotifications as { andonId: string | null; title: string } | undefined;
          if (notification) received.push(notification);
        },
        error: (error) => errors.push(error),
        complete: () => {},
      },
    );
    // The subgraph's feed listens for the manager once the gateway's upstream subscription is in place.
    const channel = `${keyPrefix}notifications:${await plant.userIdOf("pmanager")}`;
    await eventually(async () => {
      const counts = (await plant.redis.pubSubNumSub(channel)) as Record<string, number>;
      return (Object.values(counts)[0] ?? 0) > 0;
    });

    const response = await fetch(floor.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await plant.tokenOf("operator")}` },
      body: JSON.stringify({
        query: `mutation ($input: RaiseAndonInput!) { raiseAndon(input: $input) {
          __typename ... on MutationRaiseAndonSuccess { data { id } } } }`,
        variables: { input: { lineId: line.id, type: "SAFETY", priority: "CRITICAL", note: "guard broken" } },
      }),
    });
    const body = (await response.json()) as { data?: { raiseAndon: { data?: { id: string } } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    const andonId = body.data!.raiseAndon.data!.id;
    await eventually(async () => received.some((n) => n.andonId === andonId));
    expect(received.find((n) => n.andonId === andonId)?.title).toContain("CRITICAL safety andon not acknowledged");
    expect(errors).toEqual([]);
  });
});
