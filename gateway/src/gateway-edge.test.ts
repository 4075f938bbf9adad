// The gateway's edge end to end (a real gateway with graphql-ws in front of the two fixture
// subgraphs, real PostgreSQL and Redis): trusted documents enforced for people's sessions while
// integrators' API keys may send any operation within the limits, API keys in every accepted form
// with exactly their scopes, and the request metrics /metrics shows afterwards.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { issueAccessToken, issueApiKey, revokeApiKey } from "@ms5/kit/auth";
import type { Permission, Role } from "@ms5/schema";
import { waitUntil } from "@ms5/test-support";
import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createGateway, type Gateway } from "./gateway.ts";
import { TRUSTED_DOCUMENTS_DEFAULT_PATH } from "./gateway-environment.ts";
import { attachFederatedSubscriptions, type FederatedSubscriptions } from "./subscriptions/index.ts";
import { composeSupergraph } from "./supergraph-composition.ts";
import { type FederatedTestPlant, startFederatedTestPlant } from "./testing/federated-test-plant.ts";
import {
  type GatewayTestEnvironment,
  openGatewayTestEnvironment,
  TEST_GATEWAY_SECRET,
} from "./testing/gateway-test-environment.ts";
import { documentHash, readTrustedDocuments, TrustedDocuments } from "./trusted-documents.ts";

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string; reason?: string } }[];
}

const LINES = "query Lines { lines { name } }";
const LINES_WITH_ANDONS = "query LinesWithAndons { lines { name openAndonCount } }";
const LINE_CHANGED = "subscription LineChanged { lineChanged { id name } }";
/** Not in the manifest: what a person with devtools open might send. */
const ARBITRARY = "{ lines { id name } }";

const idOf = (document: string) => `sha256:${documentHash(document)}`;
/** The web app's manifest as codegen writes it (`sha256:<hex of the printed document>` -> document). */
const MANIFEST = new TrustedDocuments(
  Object.fromEntries([LINES, LINES_WITH_ANDONS, LINE_CHANGED].map((document) => [idOf(document), document])),
);

function codesOf(body: GraphQLBody): (string | undefined)[] {
  return (body.errors ?? []).map((error) => error.extensions?.code);
}

/**
 * A graphql-transport-ws session: connection_init with `params`, then `subscribe` once acknowledged;
 * closed at the first error or event, or once `accepted` resolves.
 */
function session(
  url: string,
  params: Record<string, unknown>,
  subscribe?: Record<string, unknown>,
  accepted?: () => Promise<void>,
): Promise<{ code: number; reason: string; received: { type: string; payload?: unknown }[] }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, "graphql-transport-ws");
    const received: { type: string; payload?: unknown }[] = [];
    socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: params })));
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { type: string; payload?: unknown };
      received.push(message);
      if (message.type === "connection_ack") {
        if (!subscribe) socket.close(1000);
        else {
          socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: subscribe }));
          void accepted?.().then(() => socket.close(1000), reject);
        }
      }
      if (message.type === "error" || message.type === "next") socket.close(1000);
    });
    socket.on("close", (code, reason) => resolve({ code, reason: String(reason), received }));
    socket.on("error", reject);
  });
}

describe("the gateway's edge: trusted documents, API keys and metrics", () => {
  let environment: GatewayTestEnvironment;
  let plant: FederatedTestPlant;
  let supergraphSdl: string;
  let enforcing: Gateway;
  let subscriptions: FederatedSubscriptions | undefined;
  let url: string;
  let wsUrl: string;
  let origin: string;
  let operator: string;
  let serviceAccountId: string;
  const clients: Client[] = [];

  async function post(
    body: unknown,
    headers: Record<string, string> = {},
    target = url,
  ): Promise<{ status: number; body: GraphQLBody }> {
    const response = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as GraphQLBody };
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  async function tokenFor(roles: Role[]): Promise<string> {
    const subject = { kind: "user" as const, userId: randomUUID(), name: "Sipho Dlamini", roles };
    return (await issueAccessToken(environment.keys, subject)).token;
  }

  async function apiKeyWith(scopes: Permission[], expiresAt: Date | null = null): Promise<{ key: string; id: string }> {
    const issued = await issueApiKey(environment.db.prisma, { serviceAccountId, scopes, expiresAt });
    return { key: issued.key, id: issued.apiKeyId };
  }

  beforeAll(async () => {
    environment = await openGatewayTestEnvironment();
    plant = await startFederatedTestPlant({
      gatewaySecret: TEST_GATEWAY_SECRET,
      verificationKeys: environment.keys,
      prisma: environment.db.prisma,
      redis: environment.redis,
      logger: environment.logger,
      lineChangedChannel: `${environment.redisPrefix}edge-line-changed`,
    });
    supergraphSdl = composeSupergraph(plant.subgraphs).supergraphSdl;
    const subgraphs = plant.subgraphs.map(({ name, url: subgraphUrl }) => ({ name, url: subgraphUrl }));
    enforcing = await createGateway({
      supergraphSdl,
      subgraphUrls: Object.fromEntries(subgraphs.map((subgraph) => [subgraph.name, subgraph.url])),
      gatewaySecret: TEST_GATEWAY_SECRET,
      signingKeys: environment.keys,
      prisma: environment.db.prisma,
      redis: environment.redis,
      logger: environment.logger,
      production: false,
      settings: { trustedDocuments: "enforce" },
      trustedDocuments: MANIFEST,
      auth: { keyPrefix: `${environment.redisPrefix}edge:` },
      attachSubscriptions: (httpServer, edge) => {
        subscriptions = attachFederatedSubscriptions(httpServer, {
          supergraphSdl,
          subgraphs,
          gatewaySecret: TEST_GATEWAY_SECRET,
          verificationKeys: environment.keys,
          logger: environment.logger,
          edge,
        });
        return subscriptions;
      },
    });
    ({ url } = await enforcing.listen(0));
    origin = new URL(url).origin;
    wsUrl = url.replace(/^http/, "ws");
    operator = await tokenFor(["OPERATOR"]);
    const account = await environment.db.prisma.serviceAccount.create({
      data: { name: `mes-${randomUUID().slice(0, 8)}` },
    });
    serviceAccountId = account.id;
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await enforcing?.close();
    await plant?.close();
    await environment?.dispose();
  });

  describe("trusted documents, enforced", () => {
    it("runs a trusted document an operator sends by its id (documentId)", async () => {
      const { status, body } = await post({ documentId: idOf(LINES) }, bearer(operator));
      expect(status).toBe(200);
      expect(body).toEqual({ data: { lines: [{ name: "Bagging Line 1" }, { name: "Loading Line 1" }] } });
    });

    it("runs a trusted document sent by Apollo's persistedQuery sha256Hash", async () => {
      const { body } = await post(
        { extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(LINES_WITH_ANDONS) } } },
        bearer(operator),
      );
      expect(body.errors).toBeUndefined();
      expect(body.data?.lines).toContainEqual({ name: "Bagging Line 1", openAndonCount: 2 });
    });

    it("runs a trusted document sent as its exact text", async () => {
      const { body } = await post({ query: LINES }, bearer(operator));
      expect(body.errors).toBeUndefined();
    });

    it("runs a trusted document by id over GET with the preflight header", async () => {
      const response = await fetch(`${url}?documentId=${encodeURIComponent(idOf(LINES))}`, {
        headers: { ...bearer(operator), "apollo-require-preflight": "true" },
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as GraphQLBody).errors).toBeUndefined();
    });

    it("refuses an operator's arbitrary document with PERSISTED_QUERY_NOT_FOUND and runs nothing", async () => {
      const before = plant.counters.linesQueries;
      const { status, body } = await post({ query: ARBITRARY }, bearer(operator));
      expect(status).toBe(400);
      expect(codesOf(body)).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
      expect(plant.counters.linesQueries).toBe(before);
    });

    it("refuses an anonymous caller's arbitrary document the same way (no schema probing)", async () => {
      const { body } = await post({ query: "{ __schema { types { name } } }" });
      expect(codesOf(body)).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
    });

    it("refuses a document id that is not in the manifest with PERSISTED_QUERY_NOT_FOUND", async () => {
      const { body } = await post({ documentId: idOf(ARBITRARY) }, bearer(operator));
      expect(codesOf(body)).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
    });

    it("refuses an arbitrary document smuggled under a trusted id, and runs nothing", async () => {
      const calls = plant.counters.setLineNameCalls;
      const { status, body } = await post(
        {
          documentId: idOf(LINES),
          query: `mutation { setLineName(id: "${plant.lines.bagging.id}", name: "x") { id } }`,
        },
        bearer(operator),
      );
      expect(status).toBe(400);
      expect(codesOf(body)).toEqual(["BAD_USER_INPUT"]);
      expect(plant.counters.setLineNameCalls).toBe(calls);
    });

    it("refuses a malformed document id with BAD_USER_INPUT", async () => {
      const { body } = await post({ documentId: "md5:abc" }, bearer(operator));
      expect(codesOf(body)).toEqual(["BAD_USER_INPUT"]);
    });

    it("lets an integrator's API key send an arbitrary operation", async () => {
      const { key } = await apiKeyWith(["plant:read"]);
      const { body } = await post({ query: ARBITRARY }, { authorization: `ApiKey ${key}` });
      expect(body.errors).toBeUndefined();
      expect(body.data?.lines).toHaveLength(2);
    });

    it("lets a service account's access token send an arbitrary operation", async () => {
      const { token } = await issueAccessToken(environment.keys, {
        kind: "service",
        serviceAccountId,
        name: "ERP",
        scopes: ["plant:read"],
      });
      const { body } = await post({ query: ARBITRARY }, bearer(token));
      expect(body.errors).toBeUndefined();
    });

    it("still holds an API key's arbitrary operation to the limits: a depth bomb is QUERY_TOO_COMPLEX", async () => {
      const { key } = await apiKeyWith(["plant:read"]);
      const before = plant.counters.linesQueries;
      const nested = `${"... on Line { ".repeat(20)}name${" }".repeat(20)}`;
      const { status, body } = await post({ query: `{ lines { ${nested} } }` }, { "x-api-key": key });
      expect(status).toBe(400);
      expect(codesOf(body)).toContain("QUERY_TOO_COMPLEX");
      expect(plant.counters.linesQueries).toBe(before);
    });

    it("refuses a forged ms5_ key that tries to pass as an integrator, with UNAUTHENTICATED", async () => {
      const forged = `ms5_${"a".repeat(12)}_${"b".repeat(64)}`;
      const before = plant.counters.linesQueries;
      const { status, body } = await post({ query: ARBITRARY }, { "x-api-key": forged });
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "api-key-invalid" });
      expect(plant.counters.linesQueries).toBe(before);
    });

    it("refuses an operator's token sent as an API key with UNAUTHENTICATED", async () => {
      const { status, body } = await post({ query: ARBITRARY }, { "x-api-key": operator });
      expect(status).toBe(401);
      expect(codesOf(body)).toEqual(["UNAUTHENTICATED"]);
    });

    it("subscribes an operator to a trusted subscription by id over graphql-ws", async () => {
      const before = plant.counters.lineChangedSubscriptions;
      const { received } = await session(wsUrl, bearer(operator), { query: "", documentId: idOf(LINE_CHANGED) }, () =>
        waitUntil(() => plant.counters.lineChangedSubscriptions > before),
      );
      expect(received.map((message) => message.type)).toEqual(["connection_ack"]);
      await waitUntil(() => subscriptions?.upstreamCount === 0);
    });

    it("refuses an operator's arbitrary subscription over graphql-ws and starts nothing upstream", async () => {
      const before = plant.counters.lineChangedSubscriptions;
      const { received } = await session(wsUrl, bearer(operator), {
        query: "subscription { lineChanged { id code } }",
      });
      expect(received.at(-1)).toMatchObject({
        type: "error",
        payload: [{ extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }],
      });
      expect(plant.counters.lineChangedSubscriptions).toBe(before);
    });

    it("lets an API key subscribe with an arbitrary document over graphql-ws", async () => {
      const { key } = await apiKeyWith(["plant:read"]);
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { apiKey: key },
      });
      clients.push(client);
      const errors: unknown[] = [];
      const dispose = client.subscribe(
        { query: "subscription { lineChanged { id code } }" },
        { next: () => {}, error: (error) => errors.push(error), complete: () => {} },
      );
      await waitUntil(() => (subscriptions?.subscriberCount ?? 0) > 0);
      expect(errors).toEqual([]);
      dispose();
      await waitUntil(() => subscriptions?.subscriberCount === 0);
    });

    it("refuses an API key's over-deep subscription with QUERY_TOO_COMPLEX", async () => {
      const { key } = await apiKeyWith(["plant:read"]);
      const nested = `${"... on Line { ".repeat(20)}id${" }".repeat(20)}`;
      const { received } = await session(
        wsUrl,
        { apiKey: key },
        { query: `subscription { lineChanged { ${nested} } }` },
      );
      const last = received.at(-1) as { type: string; payload: { message: string; extensions: { code: string } }[] };
      expect(last.type).toBe("error");
      // Only the depth: twenty fragments on one line cost next to nothing once lists are priced by size.
      expect(last.payload.map((error) => error.extensions.code)).toEqual(["QUERY_TOO_COMPLEX"]);
      expect(last.payload.map((error) => error.message)).toContainEqual(expect.stringMatching(/depth limit of 12/));
    });
  });

  describe("operation limits over graphql-ws", () => {
    it("refuses an API key's huge subscription document past the token limit, starting nothing", async () => {
      const { key } = await apiKeyWith(["plant:read"]);
      const before = plant.counters.lineChangedSubscriptions;
      const { received } = await session(
        wsUrl,
        { apiKey: key },
        { query: `subscription { lineChanged { ${"id ".repeat(3000)}} }` },
      );
      expect(received.at(-1)).toMatchObject({
        type: "error",
        payload: [{ message: expect.stringMatching(/Token limit of 2000/), extensions: { code: "QUERY_TOO_COMPLEX" } }],
      });
      expect(plant.counters.lineChangedSubscriptions).toBe(before);
    });
  });

  describe("trusted documents in the other modes", () => {
    async function gatewayIn(mode: "off" | "allow"): Promise<Gateway> {
      return createGateway({
        supergraphSdl,
        subgraphUrls: Object.fromEntries(plant.subgraphs.map((subgraph) => [subgraph.name, subgraph.url])),
        gatewaySecret: TEST_GATEWAY_SECRET,
        signingKeys: environment.keys,
        prisma: environment.db.prisma,
        redis: environment.redis,
        logger: environment.logger,
        settings: { trustedDocuments: mode },
        trustedDocuments: MANIFEST,
      });
    }

    it("allow: resolves document ids and still runs an operator's arbitrary document", async () => {
      const allowing = await gatewayIn("allow");
      try {
        const { url: allowUrl } = await allowing.listen(0);
        expect((await post({ documentId: idOf(LINES) }, bearer(operator), allowUrl)).body.errors).toBeUndefined();
        expect((await post({ query: ARBITRARY }, bearer(operator), allowUrl)).body.errors).toBeUndefined();
      } finally {
        await allowing.close();
      }
    });

    it("off: refuses document ids with PERSISTED_QUERY_NOT_FOUND", async () => {
      const off = await gatewayIn("off");
      try {
        const { url: offUrl } = await off.listen(0);
        expect(codesOf((await post({ documentId: idOf(LINES) }, bearer(operator), offUrl)).body)).toEqual([
          "PERSISTED_QUERY_NOT_FOUND",
        ]);
      } finally {
        await off.close();
      }
    });

    it("will not start enforcing without a manifest", async () => {
      await expect(
        createGateway({
          supergraphSdl,
          gatewaySecret: TEST_GATEWAY_SECRET,
          signingKeys: environment.keys,
          prisma: environment.db.prisma,
          redis: environment.redis,
          logger: environment.logger,
          settings: { trustedDocuments: "enforce" },
        }),
      ).rejects.toThrow(/no manifest/);
    });
  });

  describe("the manifest", () => {
    it("refuses an entry whose document does not hash to its id (edited by hand)", () => {
      expect(() => new TrustedDocuments({ [idOf(LINES)]: ARBITRARY })).toThrow(/does not hash to its id/);
    });

    it("reads every document of the web app's committed manifest", async () => {
      const root = path.resolve(import.meta.dirname, "../..");
      const manifestPath = path.join(root, TRUSTED_DOCUMENTS_DEFAULT_PATH);
      const documents = await readTrustedDocuments(manifestPath);
      const committed = Object.keys(JSON.parse(await readFile(manifestPath, "utf8")) as Record<string, string>);
      // The web app sends its operations by id: an empty or partly read manifest would refuse them all.
      expect(committed.length).toBeGreaterThan(0);
      expect(documents.size).toBe(committed.length);
    });
  });

  describe("API keys at the edge", () => {
    it("gives an integrator with Authorization: ApiKey exactly its scopes", async () => {
      const { key } = await apiKeyWith(["plant:read"]);
      const headers = { authorization: `ApiKey ${key}` };
      expect((await post({ query: LINES }, headers)).body.errors).toBeUndefined();
      // andon:read is not among its scopes: the andon subgraph's field is refused, the rest answered.
      const { body: partial } = await post({ query: LINES_WITH_ANDONS }, headers);
      expect(codesOf(partial)).toContain("FORBIDDEN");
      const calls = plant.counters.setLineNameCalls;
      const { body: mutation } = await post(
        { query: `mutation { setLineName(id: "${plant.lines.bagging.id}", name: "ERP was here") { id } }` },
        headers,
      );
      expect(codesOf(mutation)).toEqual(["FORBIDDEN"]);
      expect(plant.counters.setLineNameCalls).toBe(calls);
    });

    it("accepts the same key in X-Api-Key and as Bearer, with andon:read granted", async () => {
      const { key } = await apiKeyWith(["plant:read", "andon:read"]);
      for (const headers of [{ "x-api-key": key }, bearer(key)]) {
        const { body } = await post({ query: LINES_WITH_ANDONS }, headers);
        expect(body.errors).toBeUndefined();
      }
    });

    it("refuses a revoked key with UNAUTHENTICATED before anything runs", async () => {
      const { key, id } = await apiKeyWith(["plant:read"]);
      expect(await revokeApiKey(environment.db.prisma, id)).toBe(true);
      const before = plant.counters.linesQueries;
      const { status, body } = await post({ query: LINES }, { "x-api-key": key });
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "api-key-revoked" });
      expect(plant.counters.linesQueries).toBe(before);
    });

    it("refuses an expired key with UNAUTHENTICATED", async () => {
      const { key, id } = await apiKeyWith(["plant:read"], new Date(Date.now() + 60_000));
      await environment.db.prisma.apiKey.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const { status, body } = await post({ query: LINES }, { authorization: `ApiKey ${key}` });
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "api-key-expired" });
    });

    it("refuses two different credentials in Authorization and X-Api-Key", async () => {
      const { key } = await apiKeyWith(["plant:read"]);
      const { status, body } = await post({ query: LINES }, { ...bearer(operator), "x-api-key": key });
      expect(status).toBe(401);
      expect(codesOf(body)).toEqual(["UNAUTHENTICATED"]);
    });

    it("admits an API key in graphql-ws connection_init, in each accepted form", async () => {
      const { key } = await apiKeyWith(["plant:read"]);
      for (const params of [{ apiKey: key }, { authorization: `ApiKey ${key}` }, bearer(key)]) {
        const { received } = await session(wsUrl, params);
        expect(received.map((message) => message.type)).toEqual(["connection_ack"]);
      }
    });

    it("closes graphql-ws with 4401 for a revoked or an expired key", async () => {
      const revoked = await apiKeyWith(["plant:read"]);
      await revokeApiKey(environment.db.prisma, revoked.id);
      const expired = await apiKeyWith(["plant:read"], new Date(Date.now() + 60_000));
      await environment.db.prisma.apiKey.update({
        where: { id: expired.id },
        data: { expiresAt: new Date(Date.now() - 1000) },
      });
      for (const key of [revoked.key, expired.key]) {
        const { code, received } = await session(wsUrl, { apiKey: key });
        expect(code).toBe(4401);
        expect(received).toEqual([]);
      }
    });
  });

  describe("metrics", () => {
    it("shows requests by operation type and outcome, error codes, latency and the live side in /metrics", async () => {
      await post({ query: LINES }, bearer(operator));
      await post({ query: ARBITRARY }, bearer(operator));
      await post(
        { query: `mutation { setLineName(id: "${plant.lines.bagging.id}", name: "x") { id } }` },
        {
          authorization: `ApiKey ${(await apiKeyWith(["plant:read"])).key}`,
        },
      );
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: bearer(operator),
      });
      clients.push(client);
      const events: unknown[] = [];
      const dispose = client.subscribe(
        { query: LINE_CHANGED },
        { next: (event) => events.push(event), error: () => {}, complete: () => {} },
      );
      await waitUntil(() => subscriptions?.upstreamCount === 1);
      // An integrator renames the line (to its own name) until the event arrives: the subgraph's
      // Redis subscription may still be starting when the first rename is published.
      const manager = { authorization: `ApiKey ${(await apiKeyWith(["plant:read", "plant:manage"])).key}` };
      const deadline = Date.now() + 10_000;
      while (events.length === 0) {
        if (Date.now() > deadline) throw new Error("no event arrived");
        const rename = `mutation { setLineName(id: "${plant.lines.bagging.id}", name: "Bagging Line 1") { id } }`;
        expect((await post({ query: rename }, manager)).body.errors).toBeUndefined();
        await waitUntil(() => events.length > 0, { timeoutMs: 300 }).catch(() => {});
      }

      const text = await (await fetch(`${origin}/metrics`)).text();
      const series = (name: string, labels: string) => new RegExp(`^${name}\\{[^}]*${labels}[^}]*\\} [1-9]`, "m");
      expect(text).toMatch(
        series("gateway_graphql_requests_total", 'transport="http",operation_type="query",outcome="success"'),
      );
      expect(text).toMatch(
        series("gateway_graphql_requests_total", 'transport="http",operation_type="unknown",outcome="refused"'),
      );
      expect(text).toMatch(
        series("gateway_graphql_requests_total", 'transport="http",operation_type="mutation",outcome="error"'),
      );
      expect(text).toMatch(series("gateway_graphql_errors_total", 'transport="http",code="PERSISTED_QUERY_NOT_FOUND"'));
      expect(text).toMatch(series("gateway_graphql_errors_total", 'transport="http",code="FORBIDDEN"'));
      expect(text).toMatch(
        series("gateway_graphql_request_duration_seconds_count", 'operation_type="query",outcome="success"'),
      );
      expect(text).toMatch(
        series(
          "gateway_graphql_requests_total",
          'transport="websocket",operation_type="subscription",outcome="success"',
        ),
      );
      expect(text).toMatch(/^gateway_websocket_connections\{[^}]*\} [1-9]/m);
      expect(text).toMatch(/^gateway_subscriptions\{[^}]*\} 1$/m);
      expect(text).toMatch(/^gateway_upstream_subscriptions\{[^}]*\} 1$/m);
      expect(text).toMatch(/^gateway_subscription_events_total\{[^}]*\} [1-9]/m);
      expect(text).toMatch(/^gateway_subscription_deliveries_total\{[^}]*\} [1-9]/m);
      dispose();
      await waitUntil(() => subscriptions?.upstreamCount === 0);
    });
  });
});
