// Subscriptions through the gateway against two real subgraphs ("plant" owns Line and lineChanged,
// "andon" adds openAndonCount): cross-subgraph events, one shared upstream for many subscribers,
// the graphql-ws protocol's refusals, and what subscribers are told when the subgraph drops.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { composeServices } from "@apollo/composition";
import { identifyRequest, issueAccessToken } from "@ms5/kit/auth";
import { signGatewayRequest } from "@ms5/kit/subgraph";
import { type InterruptibleTcpProxy, startInterruptibleTcpProxy } from "@ms5/kit/testing";
import { permissionsOf, type Role } from "@ms5/schema";
import { type CollectedSubscription, collectSubscription, waitUntil } from "@ms5/test-support";
import { parse } from "graphql";
import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  type FederatedTestPlant,
  type GatewayTestEnvironment,
  openGatewayTestEnvironment,
  startFederatedTestPlant,
  TEST_GATEWAY_SECRET,
} from "../testing/index.ts";
import { attachFederatedSubscriptions, type FederatedSubscriptions } from "./index.ts";

const LINE_CHANGED = "subscription LineChanged { lineChanged { id name openAndonCount } }";

const dataPayloads = (subscription: CollectedSubscription) => subscription.payloads.filter((payload) => payload.data);

/** A raw graphql-transport-ws socket: sends `beforeAck`, then (once acknowledged) `afterAck`; reports the close. */
function rawSession(
  url: string,
  beforeAck: (string | object)[],
  afterAck: (string | object)[] = [],
): Promise<{ code: number; reason: string; received: { type: string; payload?: unknown }[] }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, "graphql-transport-ws");
    const received: { type: string; payload?: unknown }[] = [];
    const send = (message: string | object) =>
      socket.send(typeof message === "string" ? message : JSON.stringify(message));
    socket.on("open", () => beforeAck.forEach(send));
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { type: string; payload?: unknown };
      received.push(message);
      if (message.type === "connection_ack") afterAck.forEach(send);
      if (message.type === "error" || message.type === "complete") socket.close(1000);
    });
    socket.on("close", (code, reason) => resolve({ code, reason: String(reason), received }));
    socket.on("error", reject);
  });
}

describe("federated subscriptions through the gateway", () => {
  let env: GatewayTestEnvironment;
  let plant: FederatedTestPlant;
  let proxy: InterruptibleTcpProxy;
  let httpServer: Server;
  let subscriptions: FederatedSubscriptions;
  let url: string;
  let engineer: string;
  let operator: string;
  const clients: Client[] = [];

  async function tokenFor(roles: Role[]): Promise<string> {
    const { token } = await issueAccessToken(env.keys, {
      kind: "user",
      userId: crypto.randomUUID(),
      name: "Thandiwe Mokoena",
      roles,
    });
    return token;
  }

  function connect(token = operator): Client {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    clients.push(client);
    return client;
  }

  /** Renames a line on the plant subgraph directly, signed as the gateway. */
  async function renameLine(id: string, name: string): Promise<void> {
    const body = JSON.stringify({
      query: "mutation ($id: ID!, $name: String!) { setLineName(id: $id, name: $name) { id } }",
      variables: { id, name },
    });
    const authorization = `Bearer ${engineer}`;
    const plantUrl = plant.subgraphs.find((subgraph) => subgraph.name === "plant")!.url;
    const response = await fetch(plantUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization,
        ...signGatewayRequest({ secret: TEST_GATEWAY_SECRET, body, authorization }),
      },
      body,
    });
    const result = (await response.json()) as { errors?: unknown };
    expect(result.errors).toBeUndefined();
  }

  /** Renames until `received` passes: the subgraph's Redis subscription may still be starting. */
  async function renameUntil(received: () => boolean, name: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!received()) {
      if (Date.now() > deadline) throw new Error("no event arrived");
      await renameLine(plant.lines.bagging.id, name);
      const settle = Date.now() + 300;
      while (!received() && Date.now() < settle) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  beforeAll(async () => {
    env = await openGatewayTestEnvironment();
    plant = await startFederatedTestPlant({
      gatewaySecret: TEST_GATEWAY_SECRET,
      verificationKeys: env.keys,
      prisma: env.db.prisma,
      redis: env.redis,
      logger: env.logger,
      lineChangedChannel: `${env.redisPrefix}line-changed`,
    });
    const composed = composeServices(
      plant.subgraphs.map((subgraph) => ({ name: subgraph.name, url: subgraph.url, typeDefs: parse(subgraph.sdl) })),
    );
    if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join("\n"));
    const plantSubgraph = plant.subgraphs.find((subgraph) => subgraph.name === "plant")!;
    proxy = await startInterruptibleTcpProxy(plantSubgraph.url);
    httpServer = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    subscriptions = attachFederatedSubscriptions(httpServer, {
      supergraphSdl: composed.supergraphSdl,
      subgraphs: plant.subgraphs.map((subgraph) =>
        subgraph.name === "plant" ? { ...subgraph, url: proxy.url } : subgraph,
      ),
      gatewaySecret: TEST_GATEWAY_SECRET,
      verificationKeys: env.keys,
      logger: env.logger,
      settings: { upstreamRetryInitialDelayMs: 50, upstreamRetryMaxDelayMs: 200, upstreamRetryAttempts: 3 },
    });
    url = `ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}/graphql`;
    engineer = await tokenFor(["ENGINEER"]);
    operator = await tokenFor(["OPERATOR"]);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await subscriptions?.close();
    await new Promise((resolve) => httpServer?.close(resolve));
    await proxy?.close();
    await plant?.close();
    await env?.dispose();
  });

  it("delivers a plant mutation's event with openAndonCount resolved by the andon subgraph", async () => {
    const subscription = collectSubscription(connect(), LINE_CHANGED);
    await renameUntil(() => dataPayloads(subscription).length > 0, "Bagging Line 1 (renamed)");
    expect(dataPayloads(subscription)[0]).toEqual({
      data: { lineChanged: { id: plant.lines.bagging.id, name: "Bagging Line 1 (renamed)", openAndonCount: 2 } },
    });
    subscription.dispose();
    await waitUntil(() => subscriptions.upstreamCount === 0);
  });

  it("gives 200 subscribers of one operation one upstream subscription, one plan and one entity resolution per event", async () => {
    const subscriptionsAtSubgraph = plant.counters.lineChangedSubscriptions;
    const plansBuilt = subscriptions.plansBuilt;
    const first = collectSubscription(connect(), LINE_CHANGED);
    await renameUntil(() => dataPayloads(first).length > 0, "Bagging Line 1 (warm)");
    const others = Array.from({ length: 199 }, () => collectSubscription(connect(), LINE_CHANGED));
    await waitUntil(() => subscriptions.subscriberCount === 200, { timeoutMs: 20_000 });
    const batchesBefore = plant.counters.andonCountBatches.length;

    await renameLine(plant.lines.bagging.id, "Bagging Line 1 (shared)");
    const all = [first, ...others];
    await waitUntil(() => all.every((subscription) => dataPayloads(subscription).some(isShared)), {
      timeoutMs: 20_000,
    });

    expect(plant.counters.lineChangedSubscriptions - subscriptionsAtSubgraph).toBe(1);
    expect(subscriptions.upstreamCount).toBe(1);
    expect(plant.counters.andonCountBatches.length - batchesBefore).toBe(1);
    expect(subscriptions.plansBuilt - plansBuilt).toBeLessThanOrEqual(1);
    for (const subscription of others) {
      expect(dataPayloads(subscription)).toEqual([
        { data: { lineChanged: { id: plant.lines.bagging.id, name: "Bagging Line 1 (shared)", openAndonCount: 2 } } },
      ]);
    }
    for (const subscription of all) subscription.dispose();
    await waitUntil(() => subscriptions.upstreamCount === 0);
  });

  it("keeps subscribers with different permissions on separate upstream subscriptions", async () => {
    const asOperator = collectSubscription(connect(operator), LINE_CHANGED);
    const asEngineer = collectSubscription(connect(engineer), LINE_CHANGED);
    await waitUntil(() => subscriptions.subscriberCount === 2);
    expect(subscriptions.upstreamCount).toBe(2);
    asOperator.dispose();
    await waitUntil(() => subscriptions.upstreamCount === 1);
    asEngineer.dispose();
    await waitUntil(() => subscriptions.upstreamCount === 0);
  });

  it("completes the upstream subscription when the last subscriber leaves", async () => {
    const a = collectSubscription(connect(), LINE_CHANGED);
    const b = collectSubscription(connect(), LINE_CHANGED);
    await waitUntil(() => subscriptions.subscriberCount === 2);
    a.dispose();
    await waitUntil(() => subscriptions.subscriberCount === 1);
    expect(subscriptions.upstreamCount).toBe(1);
    b.dispose();
    await waitUntil(() => subscriptions.upstreamCount === 0);
  });

  it("tells subscribers when the subgraph drops, then resumes and delivers again", async () => {
    const subscription = collectSubscription(connect(), LINE_CHANGED);
    await renameUntil(() => dataPayloads(subscription).length > 0, "Bagging Line 1 (before drop)");

    await proxy.interrupt();
    await waitUntil(() => subscription.payloads.some((payload) => statusOf(payload)?.status === "reconnecting"));
    await proxy.restore();
    await waitUntil(() => subscription.payloads.some((payload) => statusOf(payload)?.status === "resumed"));
    const before = dataPayloads(subscription).length;
    await renameUntil(() => dataPayloads(subscription).length > before, "Bagging Line 1 (after drop)");

    expect(dataPayloads(subscription).at(-1)?.data).toEqual({
      lineChanged: { id: plant.lines.bagging.id, name: "Bagging Line 1 (after drop)", openAndonCount: 2 },
    });
    expect(statusOf(subscription.payloads.find((payload) => statusOf(payload))!)).toMatchObject({
      status: "reconnecting",
      eventsMayBeMissed: true,
    });
    expect(subscription.done).toBe(false);
    subscription.dispose();
    await waitUntil(() => subscriptions.upstreamCount === 0);
  });

  it("ends subscriptions with SERVICE_UNAVAILABLE and a complete when the subgraph stays down", async () => {
    const subscription = collectSubscription(connect(), LINE_CHANGED);
    await renameUntil(() => dataPayloads(subscription).length > 0, "Bagging Line 1 (before outage)");
    await proxy.interrupt();
    try {
      await waitUntil(() => subscription.done);
      expect(subscription.payloads.at(-1)).toEqual({
        errors: [{ message: expect.any(String), extensions: { code: "SERVICE_UNAVAILABLE" } }],
      });
      expect(subscription.payloads.filter((payload) => statusOf(payload)?.status === "reconnecting")).toHaveLength(3);
      expect(subscriptions.upstreamCount).toBe(0);
    } finally {
      await proxy.restore();
    }
  });

  it("ends only the feeds of a credential the subgraph refuses; the others re-subscribe with their own credential", async () => {
    // A gateway that admits a credential the subgraphs do not (as a key revoked after connecting).
    const forged = "Bearer forged-credential";
    const server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const lenient = attachFederatedSubscriptions(server, {
      supergraphSdl: composeServices(
        plant.subgraphs.map((subgraph) => ({ name: subgraph.name, url: subgraph.url, typeDefs: parse(subgraph.sdl) })),
      ).supergraphSdl as string,
      subgraphs: plant.subgraphs,
      gatewaySecret: TEST_GATEWAY_SECRET,
      verificationKeys: env.keys,
      logger: env.logger,
      identify: async (authorization) =>
        authorization === forged
          ? {
              kind: "user",
              userId: crypto.randomUUID(),
              name: "Forged",
              roles: ["OPERATOR"],
              permissions: permissionsOf(["OPERATOR"]),
            }
          : identifyRequest(authorization, { verificationKeys: env.keys }),
    });
    const lenientUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    const connectTo = (authorization: string) => {
      const client = createClient({
        url: lenientUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization },
      });
      clients.push(client);
      return client;
    };
    try {
      // The forged credential never lapses, so the shared upstream connects with it first.
      const refused = collectSubscription(connectTo(forged), LINE_CHANGED);
      const honest = collectSubscription(connectTo(`Bearer ${operator}`), LINE_CHANGED);
      await waitUntil(() => refused.done);
      expect(refused.payloads.at(-1)?.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      await renameUntil(() => dataPayloads(honest).length > 0, "Bagging Line 1 (after a refused credential)");

      expect(honest.done).toBe(false);
      expect(honest.payloads.filter((payload) => payload.errors)).toEqual([]);
      expect(dataPayloads(refused)).toEqual([]);
      expect(lenient.upstreamCount).toBe(1);
    } finally {
      await lenient.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  describe("graphql-ws protocol refusals", () => {
    const subscribe = (id: string) => ({ id, type: "subscribe", payload: { query: LINE_CHANGED } });
    const init = (token: string | undefined) => ({
      type: "connection_init",
      payload: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });

    it("closes with 4401 when a subscribe arrives before connection_init", async () => {
      const { code, received } = await rawSession(url, [subscribe("1")]);
      expect(code).toBe(4401);
      expect(received).toEqual([]);
    });

    it("closes with 4401 when connection_init carries a bad token", async () => {
      const { code } = await rawSession(url, [init("not-a-jwt")]);
      expect(code).toBe(4401);
    });

    it("closes with 4401 when connection_init carries no authorization", async () => {
      const { code } = await rawSession(url, [init(undefined)]);
      expect(code).toBe(4401);
    });

    it("closes with 4409 when a subscription id is used twice", async () => {
      const { code } = await rawSession(url, [init(operator)], [subscribe("1"), subscribe("1")]);
      expect(code).toBe(4409);
    });

    it("closes with 4400 on a malformed JSON frame", async () => {
      const { code } = await rawSession(url, [init(operator)], ['{"type": "subscribe", ']);
      expect(code).toBe(4400);
    });

    it("answers an invalid subscription with an error message and starts nothing upstream", async () => {
      const before = plant.counters.lineChangedSubscriptions;
      const { received } = await rawSession(
        url,
        [init(operator)],
        [{ id: "1", type: "subscribe", payload: { query: "subscription { lineChanged { noSuchField } }" } }],
      );
      expect(received.at(-1)).toMatchObject({ type: "error", payload: [{ extensions: { code: "BAD_USER_INPUT" } }] });
      expect(plant.counters.lineChangedSubscriptions).toBe(before);
    });

    it("refuses queries over WebSocket with a pointer to HTTP", async () => {
      const { received } = await rawSession(
        url,
        [init(operator)],
        [{ id: "1", type: "subscribe", payload: { query: "{ lines { id } }" } }],
      );
      expect(received.at(-1)).toMatchObject({ type: "error", payload: [{ extensions: { code: "BAD_USER_INPUT" } }] });
    });
  });
});

function isShared(payload: { data?: Record<string, unknown> | null }): boolean {
  const line = payload.data?.lineChanged as { name?: string } | undefined;
  return line?.name === "Bagging Line 1 (shared)";
}

function statusOf(payload: {
  extensions?: Record<string, unknown>;
}): { status: string; eventsMayBeMissed?: boolean } | undefined {
  return payload.extensions?.subscriptionStatus as { status: string } | undefined;
}
