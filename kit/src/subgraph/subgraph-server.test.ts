// A subgraph made with the kit, served on a real port against real PostgreSQL and Redis: what the
// gateway can do through it, and what everyone else cannot.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Line } from "@ms5/db";
import type { TestDatabase } from "@ms5/db/test-database";
import { waitUntil } from "@ms5/test-support";
import { createClient as createGraphQLWsClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { createSigningKeyRing, generateSigningKey, type SigningKeyRing } from "../auth/signing-keys.ts";
import { createLogger } from "../logger.ts";
import { createRedisClient, type RedisClient } from "../redis-client.ts";
import { testRedisPrefix } from "../testing/redis-key-prefix.ts";
import { GATEWAY_WEBSOCKET_INIT_BODY, signGatewayRequest } from "./gateway-signature.ts";
import { type SubgraphServer, startSubgraphServer } from "./subgraph-server.ts";
import {
  accessTokenFor,
  buildTestSubgraph,
  openTestDatabase,
  postAsGateway,
  TEST_GATEWAY_SECRET,
} from "./subgraph-test-fixtures.ts";
import { insertTestLines } from "./testing/index.ts";

const silent = createLogger({ service: "test-subgraph", level: "silent" });

/** Connects to graphql-ws as the gateway would, or as told; resolves with the first event or the close. */
function webSocketUrl(server: SubgraphServer): string {
  return server.url.replace(/^http/, "ws");
}

function signedInitPayload(token: string | undefined): Record<string, unknown> {
  const authorization = token ? `Bearer ${token}` : undefined;
  return {
    ...(authorization ? { authorization } : {}),
    ...signGatewayRequest({ secret: TEST_GATEWAY_SECRET, body: GATEWAY_WEBSOCKET_INIT_BODY, authorization }),
  };
}

/** A raw graphql-transport-ws socket: sends `messages` once open and reports how the server closed it. */
function rawSocketSession(
  url: string,
  messages: unknown[],
): Promise<{ code: number; reason: string; received: unknown[] }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, "graphql-transport-ws");
    const received: unknown[] = [];
    socket.on("open", () => {
      for (const message of messages) socket.send(JSON.stringify(message));
    });
    socket.on("message", (data) => received.push(JSON.parse(String(data))));
    socket.on("close", (code, reason) => resolve({ code, reason: String(reason), received }));
    socket.on("error", reject);
  });
}

describe("a subgraph made with the kit", () => {
  let db: TestDatabase;
  let redis: RedisClient;
  let keys: SigningKeyRing;
  let server: SubgraphServer;
  let subgraph: ReturnType<typeof buildTestSubgraph>;
  let lines: { bagging: Line; loading: Line };
  let sdlDirectory: string;
  let renamedChannel: string;
  let engineer: string;
  let operator: string;

  beforeAll(async () => {
    db = await openTestDatabase();
    redis = createRedisClient({ url: inject("testRun").redisUrl });
    await redis.connect();
    keys = await createSigningKeyRing([await generateSigningKey()]);
    lines = await insertTestLines(db.prisma);
    renamedChannel = `${testRedisPrefix(inject("testRun").runId)}line-renamed`;
    subgraph = buildTestSubgraph(renamedChannel);
    sdlDirectory = await mkdtemp(path.join(tmpdir(), "ms5-subgraph-sdl-"));
    server = await startSubgraphServer({
      name: "test-subgraph",
      schema: subgraph.schema,
      port: 0,
      prisma: db.prisma,
      redis,
      logger: silent,
      verificationKeys: keys,
      gatewaySecret: TEST_GATEWAY_SECRET,
      sdlPath: path.join(sdlDirectory, "schema.graphql"),
      production: false,
    });
    engineer = await accessTokenFor(keys, ["ENGINEER"]);
    operator = await accessTokenFor(keys, ["OPERATOR"], "Sipho Dlamini");
  });

  afterAll(async () => {
    await server?.close();
    redis?.destroy();
    await db?.drop();
    if (sdlDirectory) await rm(sdlDirectory, { recursive: true, force: true });
  });

  it("answers a query over HTTP for a caller with a valid access token", async () => {
    const { status, body } = await postAsGateway(
      server.url,
      { query: "{ lines { id code name } }" },
      { token: operator },
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.lines).toEqual([
      { id: lines.bagging.id, code: lines.bagging.code, name: "Bagging Line 1" },
      { id: lines.loading.id, code: lines.loading.code, name: "Loading Line 1" },
    ]);
  });

  it("resolves two Line references through _entities in one DataLoader batch", async () => {
    subgraph.counters.lineBatches.length = 0;
    const { body } = await postAsGateway(
      server.url,
      {
        query:
          "query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Line { id name } } }",
        variables: {
          representations: [
            { __typename: "Line", id: lines.loading.id },
            { __typename: "Line", id: lines.bagging.id },
          ],
        },
      },
      { token: operator },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities).toEqual([
      { id: lines.loading.id, name: "Loading Line 1" },
      { id: lines.bagging.id, name: "Bagging Line 1" },
    ]);
    expect(subgraph.counters.lineBatches).toEqual([[lines.loading.id, lines.bagging.id]]);
  });

  it("delivers a subscription over graphql-ws on the same port and path", async () => {
    const client = createGraphQLWsClient({
      url: webSocketUrl(server),
      webSocketImpl: WebSocket,
      connectionParams: signedInitPayload(operator),
      retryAttempts: 0,
    });
    try {
      const events = client.iterate<{ lineRenamed: { id: string; name: string } }>({
        query: "subscription { lineRenamed { id name } }",
      });
      const first = events.next();
      await waitUntil(async () => {
        const counts = await redis.pubSubNumSub(renamedChannel);
        return counts[renamedChannel] === 1;
      });
      const renamed = await postAsGateway(
        server.url,
        {
          query:
            'mutation ($id: ID!) { renameLine(id: $id, name: "Bagging Line One") { ... on MutationRenameLineSuccess { data { name } } } }',
          variables: { id: lines.bagging.id },
        },
        { token: engineer },
      );
      expect(renamed.body.errors).toBeUndefined();
      const event = await first;
      expect(event.value).toEqual({ data: { lineRenamed: { id: lines.bagging.id, name: "Bagging Line One" } } });
      await events.return?.();
      // Unsubscribing releases the Redis subscription behind it.
      await waitUntil(async () => (await redis.pubSubNumSub(renamedChannel))[renamedChannel] === 0);
    } finally {
      await client.dispose();
    }
  });

  it("returns an expected outcome as a typed result, not an error", async () => {
    const { body } = await postAsGateway(
      server.url,
      {
        query:
          'mutation { renameLine(id: "00000000-0000-4000-8000-000000000000", name: "x") { __typename ... on ExpectedError { code message } } }',
      },
      { token: engineer },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.renameLine).toEqual({
      __typename: "LineNotFound",
      code: "NOT_FOUND",
      message: "There is no line 00000000-0000-4000-8000-000000000000.",
    });
  });

  describe("attacks", () => {
    it("refuses a direct _entities call without the gateway signature with 401, resolving nothing", async () => {
      subgraph.counters.lineBatches.length = 0;
      const { status, body } = await postAsGateway(
        server.url,
        {
          query: "query ($r: [_Any!]!) { _entities(representations: $r) { ... on Line { id name } } }",
          variables: { r: [{ __typename: "Line", id: lines.bagging.id }] },
        },
        { token: operator, signed: false },
      );
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "signature-missing" });
      expect(body.data).toBeUndefined();
      expect(subgraph.counters.lineBatches).toEqual([]);
    });

    it("refuses a signed request whose body was changed on the way, running nothing", async () => {
      const before = subgraph.counters.renameCalls;
      const { status, body } = await postAsGateway(
        server.url,
        { query: `mutation { renameLine(id: "${lines.loading.id}", name: "Loading Line 1") { __typename } }` },
        { token: engineer, tamper: (original) => original.replace("Loading Line 1", "Hijacked") },
      );
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "signature-mismatch" });
      expect(subgraph.counters.renameCalls).toBe(before);
      expect((await db.prisma.line.findUniqueOrThrow({ where: { id: lines.loading.id } })).name).toBe("Loading Line 1");
    });

    it("refuses a request signed with another secret", async () => {
      const { status } = await postAsGateway(
        server.url,
        { query: "{ lines { id } }" },
        { token: operator, secret: "not-the-gateway-secret-0123456789abcdefghijklmnop" },
      );
      expect(status).toBe(401);
    });

    it("refuses a graphql-ws connection_init without the gateway signature with 4401, starting nothing", async () => {
      const before = subgraph.counters.subscriptionsStarted;
      const session = await rawSocketSession(webSocketUrl(server), [
        { type: "connection_init", payload: { authorization: `Bearer ${operator}` } },
        { type: "subscribe", id: "1", payload: { query: "subscription { lineRenamed { id } }" } },
      ]);
      expect(session.code).toBe(4401);
      expect(session.received).toEqual([]);
      expect(subgraph.counters.subscriptionsStarted).toBe(before);
    });

    it("refuses a signed graphql-ws connection_init whose token does not verify with 4401", async () => {
      const strangerKeys = await createSigningKeyRing([await generateSigningKey()]);
      const forged = await accessTokenFor(strangerKeys, ["ADMIN"]);
      const session = await rawSocketSession(webSocketUrl(server), [
        { type: "connection_init", payload: signedInitPayload(forged) },
      ]);
      expect(session.code).toBe(4401);
      expect(session.reason).toMatch(/not valid/);
    });

    it("refuses a token signed by a key the gateway does not have, at the door with 401", async () => {
      const strangerKeys = await createSigningKeyRing([await generateSigningKey()]);
      const forged = await accessTokenFor(strangerKeys, ["ADMIN"]);
      const { status, body } = await postAsGateway(server.url, { query: "{ lines { id } }" }, { token: forged });
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "unknown-kid" });
    });

    it("gives an operator calling a manager mutation FORBIDDEN, and the mutation does not run", async () => {
      const before = subgraph.counters.renameCalls;
      const { status, body } = await postAsGateway(
        server.url,
        { query: `mutation { renameLine(id: "${lines.loading.id}", name: "Mine now") { __typename } }` },
        { token: operator },
      );
      expect(status).toBe(200);
      expect(body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(body.errors?.[0]?.message).toContain('"plant:manage"');
      expect(subgraph.counters.renameCalls).toBe(before);
      expect((await db.prisma.line.findUniqueOrThrow({ where: { id: lines.loading.id } })).name).toBe("Loading Line 1");
    });

    it("gives an anonymous caller UNAUTHENTICATED for a guarded query, which does not run", async () => {
      const before = subgraph.counters.linesQueries;
      const { body } = await postAsGateway(server.url, { query: "{ lines { id } }" });
      expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      expect(subgraph.counters.linesQueries).toBe(before);
    });

    it("gives an anonymous subscriber UNAUTHENTICATED when the subscription starts", async () => {
      const before = subgraph.counters.subscriptionsStarted;
      const session = await new Promise<unknown[]>((resolve, reject) => {
        const client = createGraphQLWsClient({
          url: webSocketUrl(server),
          webSocketImpl: WebSocket,
          connectionParams: signedInitPayload(undefined),
          retryAttempts: 0,
        });
        const seen: unknown[] = [];
        client.subscribe(
          { query: "subscription { lineRenamed { id } }" },
          {
            next: (value) => seen.push(value),
            error: (error) => {
              void client.dispose();
              if (Array.isArray(error)) resolve(error);
              else reject(error);
            },
            complete: () => {
              void client.dispose();
              resolve(seen);
            },
          },
        );
      });
      expect(JSON.stringify(session)).toContain('"code":"UNAUTHENTICATED"');
      expect(subgraph.counters.subscriptionsStarted).toBe(before);
    });

    it("refuses a body over the size limit with 413 before reading it", async () => {
      const { status, body } = await postAsGateway(
        server.url,
        { query: `{ lines { id } } # ${"x".repeat(1024 * 1024)}` },
        { token: operator },
      );
      expect(status).toBe(413);
      expect(body.errors?.[0]?.extensions?.code).toBe("PAYLOAD_TOO_LARGE");
    });

    it("refuses a batched array of operations", async () => {
      const body = JSON.stringify([{ query: "{ whoAmI }" }, { query: "{ whoAmI }" }]);
      const authorization = `Bearer ${operator}`;
      const response = await fetch(server.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization,
          ...signGatewayRequest({ secret: TEST_GATEWAY_SECRET, body, authorization }),
        },
        body,
      });
      expect(response.status).toBe(400);
    });
  });

  it("answers /health with the database and Redis checks, and /metrics with the subgraph's series", async () => {
    const base = server.url.replace(/\/graphql$/, "");
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      service: "test-subgraph",
      status: "ok",
      checks: { database: { ok: true }, redis: { ok: true } },
    });
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain('subgraph_refused_requests_total{transport="http",reason="signature-missing"');
    expect(text).toContain("subgraph_http_request_duration_seconds_bucket");
  });

  it("writes the printed subgraph SDL with the entity key and the federation link", async () => {
    const sdl = await readFile(path.join(sdlDirectory, "schema.graphql"), "utf8");
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.9"');
    expect(sdl).toMatch(/type Line\s+@key\(fields: "id"\)/);
    expect(sdl).toContain("interface ExpectedError");
    expect(sdl).toContain("lineRenamed: Line");
    expect(sdl).not.toContain("_entities");
  });
});

describe("a subgraph in production", () => {
  let db: TestDatabase;
  let redis: RedisClient;
  let server: SubgraphServer;
  let token: string;
  const logged: string[] = [];

  beforeAll(async () => {
    db = await openTestDatabase();
    redis = createRedisClient({ url: inject("testRun").redisUrl });
    await redis.connect();
    const keys = await createSigningKeyRing([await generateSigningKey()]);
    const logger = createLogger({
      service: "test-subgraph",
      level: "error",
      destination: { write: (line: string) => void logged.push(line) },
    });
    server = await startSubgraphServer({
      name: "test-subgraph",
      schema: buildTestSubgraph("unused").schema,
      port: 0,
      prisma: db.prisma,
      redis,
      logger,
      verificationKeys: keys,
      gatewaySecret: TEST_GATEWAY_SECRET,
      production: true,
    });
    token = await accessTokenFor(keys, ["VIEWER"]);
  });

  afterAll(async () => {
    await server?.close();
    redis?.destroy();
    await db?.drop();
  });

  it("hides an unexpected error's message behind INTERNAL_SERVER_ERROR, and logs it with its detail", async () => {
    const { body } = await postAsGateway(server.url, { query: "{ brokenReport }" }, { token });
    expect(body.errors).toEqual([
      {
        message: "Internal server error",
        locations: [{ line: 1, column: 3 }],
        path: ["brokenReport"],
        extensions: { code: "INTERNAL_SERVER_ERROR" },
      },
    ]);
    expect(JSON.stringify(body)).not.toContain("hunter2");
    expect(logged.join("\n")).toContain("password=hunter2");
    expect(logged.join("\n")).toContain('"correlationId"');
  });

  it("keeps the message and code of an error raised on purpose", async () => {
    const night = await postAsGateway(server.url, { query: '{ shiftReport(shift: "night") }' }, { token });
    expect(night.body.errors?.[0]).toMatchObject({
      message: "The report store is down; retry shortly.",
      extensions: { code: "SERVICE_UNAVAILABLE" },
    });
    const early = await postAsGateway(server.url, { query: '{ shiftReport(shift: "early") }' }, { token });
    expect(early.body.errors?.[0]).toMatchObject({
      message: "No report for shift early.",
      extensions: { code: "NOT_FOUND" },
    });
  });

  it("maps a query that does not validate to BAD_USER_INPUT", async () => {
    const { body } = await postAsGateway(server.url, { query: "{ lines { nope } }" }, { token });
    expect(body.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT" });
  });

  it("refuses introspection", async () => {
    const { body } = await postAsGateway(server.url, { query: "{ __schema { types { name } } }" }, { token });
    expect(body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(body.data).toBeUndefined();
  });
});

describe("closing a subgraph server", () => {
  it("lets an in-flight request finish, closes subscriptions with 1001 and leaves no open handles", async () => {
    const db = await openTestDatabase();
    const redis = createRedisClient({ url: inject("testRun").redisUrl });
    await redis.connect();
    const keys = await createSigningKeyRing([await generateSigningKey()]);
    const token = await accessTokenFor(keys, ["VIEWER"]);
    const channel = `${testRedisPrefix(inject("testRun").runId)}close-test`;
    const handles = () =>
      process.getActiveResourcesInfo().filter((kind) => kind === "TCPServerWrap" || kind === "TCPSocketWrap").length;
    const before = handles();

    const server = await startSubgraphServer({
      name: "test-subgraph",
      schema: buildTestSubgraph(channel).schema,
      port: 0,
      prisma: db.prisma,
      redis,
      logger: silent,
      verificationKeys: keys,
      gatewaySecret: TEST_GATEWAY_SECRET,
      settings: { shutdownGracePeriodMs: 2_000 },
    });
    const subscriber = new Promise<{ code: number }>((resolve) => {
      const socket = new WebSocket(webSocketUrl(server), "graphql-transport-ws");
      socket.on("open", () =>
        socket.send(JSON.stringify({ type: "connection_init", payload: signedInitPayload(token) })),
      );
      // Subscribing before the acknowledgement would be refused (4401), as the protocol says.
      socket.on("message", (data) => {
        if ((JSON.parse(String(data)) as { type: string }).type !== "connection_ack") return;
        const subscribe = { type: "subscribe", id: "1", payload: { query: "subscription { lineRenamed { id } }" } };
        socket.send(JSON.stringify(subscribe));
      });
      socket.on("close", (code) => resolve({ code }));
    });
    await waitUntil(async () => (await redis.pubSubNumSub(channel))[channel] === 1);
    const inFlight = postAsGateway(server.url, { query: '{ slowEcho(text: "finished", delayMs: 300) }' }, { token });
    await new Promise((resolve) => setTimeout(resolve, 50));

    await server.close();

    expect((await inFlight).body.data).toEqual({ slowEcho: "finished" });
    expect((await subscriber).code).toBe(1001);
    await expect(fetch(`${server.url.replace(/\/graphql$/, "")}/health`)).rejects.toThrow();
    await waitUntil(async () => (await redis.pubSubNumSub(channel))[channel] === 0);
    await waitUntil(() => handles() <= before);

    redis.destroy();
    await db.drop();
  });
});
