// The gateway end to end: a real gateway in front of the two real fixture subgraphs, against real
// PostgreSQL and Redis. What callers can do through it, and the attacks it refuses.
import { randomUUID } from "node:crypto";
import { hashSecret } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, issueAccessToken } from "@ms5/kit/auth";
import type { Role } from "@ms5/schema";
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TokenResponse } from "./auth-endpoints.ts";
import { createGateway, type Gateway, subgraphEndpointsOf } from "./gateway.ts";
import { composeSupergraph } from "./supergraph-composition.ts";
import { type FederatedTestPlant, startFederatedTestPlant } from "./testing/federated-test-plant.ts";
import {
  type GatewayTestEnvironment,
  openGatewayTestEnvironment,
  TEST_GATEWAY_SECRET,
} from "./testing/gateway-test-environment.ts";

/** scrypt parameters cheap enough for tests. */
const FAST_HASH = { N: 1024, r: 8, p: 1, keyLength: 32 };
const PASSWORD = "floor-demo-2026";

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string; reason?: string } }[];
}

/** A token response or an error answer; a test reads the part the status says it has. */
type AuthAnswer = TokenResponse & { error: { code: string; reason?: string; message: string } };

function codesOf(body: GraphQLBody): (string | undefined)[] {
  return (body.errors ?? []).map((error) => error.extensions?.code);
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

describe("the gateway in front of two subgraphs", () => {
  let environment: GatewayTestEnvironment;
  let plant: FederatedTestPlant;
  let supergraphSdl: string;
  let gateway: Gateway;
  let url: string;
  let origin: string;
  let productionGateway: Gateway;
  let productionUrl: string;
  let operator: string;
  let engineer: string;
  let user: { username: string; employeeId: string };

  async function post(
    body: unknown,
    options: { token?: string; headers?: Record<string, string>; target?: string } = {},
  ): Promise<{ status: number; body: GraphQLBody; headers: Headers }> {
    const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(options.target ?? url, {
      method: "POST",
      headers,
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as GraphQLBody, headers: response.headers };
  }

  async function postAuth(
    path: string,
    body: unknown,
  ): Promise<{ status: number; body: AuthAnswer; headers: Headers }> {
    const response = await fetch(`${origin}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  async function tokenFor(roles: Role[]): Promise<string> {
    const { token } = await issueAccessToken(environment.keys, {
      kind: "user",
      userId: randomUUID(),
      name: "Test Person",
      roles,
    });
    return token;
  }

  async function createUser(input: { pin?: string; roles?: Role[] } = {}) {
    const unique = randomUUID().slice(0, 8);
    return environment.db.prisma.user.create({
      data: {
        username: `user-${unique}`,
        employeeId: `E-${unique}`,
        firstName: "Sipho",
        lastName: "Dlamini",
        roles: input.roles ?? ["OPERATOR"],
        passwordHash: await hashSecret(PASSWORD, FAST_HASH),
        pinHash: input.pin ? await hashSecret(input.pin, FAST_HASH) : null,
      },
    });
  }

  beforeAll(async () => {
    environment = await openGatewayTestEnvironment();
    plant = await startFederatedTestPlant({
      gatewaySecret: TEST_GATEWAY_SECRET,
      verificationKeys: environment.keys,
      prisma: environment.db.prisma,
      redis: environment.redis,
      logger: environment.logger,
      lineChangedChannel: `${environment.redisPrefix}line-changed`,
    });
    supergraphSdl = composeSupergraph(plant.subgraphs).supergraphSdl;
    const common = {
      supergraphSdl,
      subgraphUrls: Object.fromEntries(plant.subgraphs.map((subgraph) => [subgraph.name, subgraph.url])),
      gatewaySecret: TEST_GATEWAY_SECRET,
      signingKeys: environment.keys,
      prisma: environment.db.prisma,
      redis: environment.redis,
      logger: environment.logger,
    };
    gateway = await createGateway({
      ...common,
      production: false,
      auth: { keyPrefix: `${environment.redisPrefix}gw:` },
    });
    ({ url } = await gateway.listen(0));
    origin = new URL(url).origin;
    productionGateway = await createGateway({
      ...common,
      production: true,
      auth: { keyPrefix: `${environment.redisPrefix}gw-prod:` },
    });
    ({ url: productionUrl } = await productionGateway.listen(0));
    operator = await tokenFor(["OPERATOR"]);
    engineer = await tokenFor(["ENGINEER"]);
    user = await createUser({ pin: "1234" });
  });

  afterAll(async () => {
    await gateway?.close();
    await productionGateway?.close();
    await plant?.close();
    await environment?.dispose();
  });

  describe("queries and mutations", () => {
    it("answers a query spanning both subgraphs for a caller with a valid token", async () => {
      const batchesBefore = plant.counters.andonCountBatches.length;
      const { status, body } = await post({ query: "{ lines { name openAndonCount } }" }, { token: operator });
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data?.lines).toEqual([
        { name: "Bagging Line 1", openAndonCount: 2 },
        { name: "Loading Line 1", openAndonCount: 0 },
      ]);
      // Both lines' counts were resolved by the andon subgraph in one batch.
      expect(plant.counters.andonCountBatches.length - batchesBefore).toBe(1);
    });

    it("lets an engineer rename a line through the plant:manage mutation", async () => {
      const { body } = await post(
        {
          query: "mutation ($id: ID!, $name: String!) { setLineName(id: $id, name: $name) { name openAndonCount } }",
          variables: { id: plant.lines.loading.id, name: "Loading Line 1" },
        },
        { token: engineer },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data?.setLineName).toEqual({ name: "Loading Line 1", openAndonCount: 0 });
    });

    it("refuses an operator calling the plant:manage mutation with FORBIDDEN, and runs nothing", async () => {
      const callsBefore = plant.counters.setLineNameCalls;
      const { body } = await post(
        { query: `mutation { setLineName(id: "${plant.lines.bagging.id}", name: "Mine now") { name } }` },
        { token: operator },
      );
      expect(codesOf(body)).toEqual(["FORBIDDEN"]);
      expect(body.errors?.[0]?.message).toMatch(/plant:manage/);
      expect(plant.counters.setLineNameCalls).toBe(callsBefore);
    });

    it("refuses an anonymous caller with UNAUTHENTICATED", async () => {
      const { body } = await post({ query: "{ lines { name } }" });
      expect(codesOf(body)).toEqual(["UNAUTHENTICATED"]);
      expect(body.data?.lines ?? null).toBeNull();
    });

    it("answers a malformed query with BAD_USER_INPUT", async () => {
      const { status, body } = await post({ query: "{ lines { name " }, { token: operator });
      expect(status).toBe(400);
      expect(codesOf(body)).toEqual(["BAD_USER_INPUT"]);
    });

    it("answers SERVICE_UNAVAILABLE when a subgraph cannot be reached", async () => {
      const cutOff = await createGateway({
        supergraphSdl,
        subgraphUrls: { plant: "http://127.0.0.1:1/graphql" },
        gatewaySecret: TEST_GATEWAY_SECRET,
        signingKeys: environment.keys,
        prisma: environment.db.prisma,
        redis: environment.redis,
        logger: environment.logger,
        production: true,
      });
      try {
        const { url: cutOffUrl } = await cutOff.listen(0);
        const { body } = await post({ query: "{ lines { name } }" }, { token: operator, target: cutOffUrl });
        expect(codesOf(body)).toEqual(["SERVICE_UNAVAILABLE"]);
        expect(body.errors?.[0]?.message).toMatch(/plant service cannot be reached/);
      } finally {
        await cutOff.close();
      }
    });

    it("answers an unknown path with 404 NOT_FOUND", async () => {
      const response = await fetch(`${origin}/graphiql`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: { code: "NOT_FOUND", message: expect.any(String) } });
    });

    it("serves /health", async () => {
      const response = await fetch(`${origin}/health`);
      expect(response.status).toBe(200);
    });
  });

  describe("attacks on the operation", () => {
    it("refuses a depth bomb before any subgraph runs", async () => {
      const queriesBefore = plant.counters.linesQueries;
      const nested = `${"... on Line { ".repeat(20)}name${" }".repeat(20)}`;
      const { status, body } = await post({ query: `{ lines { ${nested} } }` }, { token: operator });
      expect(status).toBe(400);
      expect(codesOf(body)).toContain("QUERY_TOO_COMPLEX");
      expect(body.errors?.map((error) => error.message)).toContainEqual(expect.stringMatching(/depth limit of 12/));
      expect(plant.counters.linesQueries).toBe(queriesBefore);
    });

    it("refuses an alias bomb", async () => {
      const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: lines { name }`).join(" ");
      const { status, body } = await post({ query: `{ ${aliases} }` }, { token: operator });
      expect(status).toBe(400);
      expect(codesOf(body)).toContain("QUERY_TOO_COMPLEX");
      expect(body.errors?.[0]?.message).toMatch(/Aliases limit/);
    });

    it("refuses a huge query past the token limit", async () => {
      const { status, body } = await post({ query: `{ lines { ${"name ".repeat(3000)}} }` }, { token: operator });
      expect(status).toBe(400);
      expect(codesOf(body)).toEqual(["QUERY_TOO_COMPLEX"]);
      expect(body.errors?.[0]?.message).toMatch(/Token limit of 2000/);
    });

    it("refuses a directive flood", async () => {
      const { body } = await post(
        { query: `{ lines { name ${"@include(if: true) ".repeat(40)}} }` },
        { token: operator },
      );
      expect(codesOf(body)).toContain("QUERY_TOO_COMPLEX");
    });

    it("refuses a request body larger than the cap with 413 PAYLOAD_TOO_LARGE", async () => {
      const { status, body } = await post(
        { query: "{ lines { name } }", variables: { padding: "x".repeat(300 * 1024) } },
        { token: operator },
      );
      expect(status).toBe(413);
      expect(codesOf(body)).toEqual(["PAYLOAD_TOO_LARGE"]);
    });

    it("refuses a batched array of operations", async () => {
      const queriesBefore = plant.counters.linesQueries;
      const { status, body } = await post([{ query: "{ lines { name } }" }, { query: "{ lines { name } }" }], {
        token: operator,
      });
      expect(status).toBe(400);
      expect(codesOf(body)).toEqual(["BAD_USER_INPUT"]);
      expect(plant.counters.linesQueries).toBe(queriesBefore);
    });

    it("refuses a CSRF simple request: a GET without the preflight header", async () => {
      const queriesBefore = plant.counters.linesQueries;
      const response = await fetch(`${url}?query=${encodeURIComponent("{ lines { name } }")}`, {
        headers: { authorization: `Bearer ${operator}` },
      });
      const body = (await response.json()) as GraphQLBody;
      expect(response.status).toBe(400);
      expect(codesOf(body)).toEqual(["BAD_USER_INPUT"]);
      expect(body.errors?.[0]?.message).toMatch(/Cross-Site Request Forgery/);
      expect(plant.counters.linesQueries).toBe(queriesBefore);
    });

    it("refuses a CSRF simple request: a text/plain POST", async () => {
      const queriesBefore = plant.counters.linesQueries;
      const { status, body } = await post(JSON.stringify({ query: "{ lines { name } }" }), {
        token: operator,
        headers: { "content-type": "text/plain" },
      });
      expect(status).toBe(400);
      expect(body.errors?.[0]?.message).toMatch(/Cross-Site Request Forgery/);
      expect(plant.counters.linesQueries).toBe(queriesBefore);
    });

    it("accepts a GET query that carries the preflight header", async () => {
      const response = await fetch(`${url}?query=${encodeURIComponent("{ lines { name } }")}`, {
        headers: { authorization: `Bearer ${operator}`, "apollo-require-preflight": "true" },
      });
      expect(response.status).toBe(200);
    });

    it("refuses introspection in production", async () => {
      const { body } = await post(
        { query: "{ __schema { types { name } } }" },
        { token: operator, target: productionUrl },
      );
      expect(codesOf(body)).toEqual(["BAD_USER_INPUT"]);
      expect(body.data ?? null).toBeNull();
    });

    it("allows introspection outside production", async () => {
      const { body } = await post({ query: "{ __schema { queryType { name } } }" }, { token: operator });
      expect(body.errors).toBeUndefined();
    });

    it("hides an internal error's detail in production but keeps a documented code", async () => {
      const { body } = await post(
        { query: `mutation { setLineName(id: "${randomUUID()}", name: "x") { name } }` },
        { token: engineer, target: productionUrl },
      );
      expect(codesOf(body)).toEqual(["INTERNAL_SERVER_ERROR"]);
      expect(body.errors?.[0]?.message).toBe("Internal server error");
    });
  });

  describe("attacks with forged or stale tokens: the gateway forwards, the subgraph refuses", () => {
    async function refusalOf(token: string) {
      const queriesBefore = plant.counters.linesQueries;
      const { body } = await post({ query: "{ lines { name } }" }, { token });
      expect(plant.counters.linesQueries).toBe(queriesBefore);
      expect(codesOf(body)).toEqual(["UNAUTHENTICATED"]);
      return body.errors?.[0]?.extensions?.reason;
    }

    it("refuses a JWT with alg none", async () => {
      const [header, payload] = operator.split(".");
      const parsedHeader = JSON.parse(Buffer.from(header!, "base64url").toString());
      const forged = `${base64url({ ...parsedHeader, alg: "none" })}.${payload}.`;
      expect(await refusalOf(forged)).toBeDefined();
    });

    it("refuses an expired JWT", async () => {
      const { token } = await issueAccessToken(
        environment.keys,
        { kind: "user", userId: randomUUID(), name: "Late", roles: ["OPERATOR"] },
        { now: () => new Date(Date.now() - 3600_000) },
      );
      expect(await refusalOf(token)).toBe("expired");
    });

    it("refuses a JWT for another audience", async () => {
      const { token } = await issueAccessToken(
        environment.keys,
        { kind: "user", userId: randomUUID(), name: "Elsewhere", roles: ["OPERATOR"] },
        { audience: "another-api" },
      );
      expect(await refusalOf(token)).toBe("wrong-audience");
    });

    it("refuses a JWT signed with an unknown kid", async () => {
      const strangerKeys = await createSigningKeyRing([await generateSigningKey()]);
      const { token } = await issueAccessToken(strangerKeys, {
        kind: "user",
        userId: randomUUID(),
        name: "Stranger",
        roles: ["ADMIN"],
      });
      expect(await refusalOf(token)).toBe("unknown-kid");
    });

    it("refuses a JWT whose payload was tampered with", async () => {
      const [header, payload, signature] = operator.split(".");
      const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
      const tampered = `${header}.${base64url({ ...claims, roles: ["ADMIN"] })}.${signature}`;
      expect(await refusalOf(tampered)).toBe("bad-signature");
    });

    it("refuses a direct subgraph call without the gateway's signature with 401", async () => {
      const plantUrl = plant.subgraphs.find((subgraph) => subgraph.name === "plant")!.url;
      const response = await fetch(plantUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${engineer}` },
        body: JSON.stringify({
          query: "query ($r: [_Any!]!) { _entities(representations: $r) { ... on Line { name } } }",
          variables: { r: [{ __typename: "Line", id: plant.lines.bagging.id }] },
        }),
      });
      expect(response.status).toBe(401);
      expect(codesOf((await response.json()) as GraphQLBody)).toEqual(["UNAUTHENTICATED"]);
    });
  });

  describe("sign-in", () => {
    it("signs in with a username and password, and the token works through the gateway", async () => {
      const { status, body } = await postAuth("/auth/login", { login: user.username, password: PASSWORD });
      expect(status).toBe(200);
      expect(body).toMatchObject({
        tokenType: "Bearer",
        expiresIn: 600,
        mustChangePassword: false,
        mustChangePin: false,
        user: { username: user.username, roles: ["OPERATOR"] },
      });
      expect(body.refreshToken).toMatch(/^ms5rt_/);
      const { body: query } = await post({ query: "{ lines { name } }" }, { token: body.accessToken });
      expect(query.errors).toBeUndefined();
    });

    it("signs in with an employee id and password", async () => {
      const { status, body } = await postAuth("/auth/login", { login: user.employeeId, password: PASSWORD });
      expect(status).toBe(200);
      expect(body.user.employeeId).toBe(user.employeeId);
    });

    it("signs in on a tablet with an employee id and PIN", async () => {
      const { status, body } = await postAuth("/auth/pin", { login: user.employeeId, pin: "1234" });
      expect(status).toBe(200);
      expect(typeof body.accessToken).toBe("string");
    });

    it("refuses a wrong password with 401 UNAUTHENTICATED in the JSON error shape", async () => {
      const { status, body } = await postAuth("/auth/login", { login: user.username, password: "wrong" });
      expect(status).toBe(401);
      expect(body).toEqual({
        error: { code: "UNAUTHENTICATED", reason: "invalid-credentials", message: expect.any(String) },
      });
    });

    it("refuses a body without a login with 400 BAD_USER_INPUT", async () => {
      const { status, body } = await postAuth("/auth/login", { password: PASSWORD });
      expect(status).toBe(400);
      expect(body.error.code).toBe("BAD_USER_INPUT");
    });

    it("locks the account after 6 wrong passwords, even against the right one, answering as a wrong password", async () => {
      const victim = await createUser();
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 6; attempt++) {
        statuses.push((await postAuth("/auth/login", { login: victim.username, password: `guess-${attempt}` })).status);
      }
      // The lock is not announced: a locked name must answer as an unknown one does.
      expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
      const { status, body, headers } = await postAuth("/auth/login", { login: victim.username, password: PASSWORD });
      expect(status).toBe(401);
      expect(body.error).toMatchObject({ code: "UNAUTHENTICATED", reason: "invalid-credentials" });
      expect(headers.get("retry-after")).toBeNull();
      const row = await environment.db.prisma.user.findUniqueOrThrow({ where: { id: victim.id } });
      expect(row.lockedUntil?.getTime()).toBeGreaterThan(Date.now());
    });

    // Each unknown name is checked against a production-cost scrypt hash (seconds on a loaded
    // machine), so eleven of them get a wider bound than the default.
    it("rate-limits attempts per login name, for names that do not exist too", async () => {
      const login = `ghost-${randomUUID().slice(0, 8)}`;
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 11; attempt++) {
        statuses.push((await postAuth("/auth/login", { login, password: "x" })).status);
      }
      expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
      const { status, body, headers } = await postAuth("/auth/login", { login, password: "x" });
      expect(status).toBe(429);
      expect(body.error).toMatchObject({ code: "RATE_LIMITED", reason: "too-many-attempts" });
      expect(Number(headers.get("retry-after"))).toBeGreaterThan(0);
    }, 120_000);

    it("rate-limits attempts per client address across login names", async () => {
      const strict = await createGateway({
        supergraphSdl,
        gatewaySecret: TEST_GATEWAY_SECRET,
        signingKeys: environment.keys,
        prisma: environment.db.prisma,
        redis: environment.redis,
        logger: environment.logger,
        production: false,
        auth: { keyPrefix: `${environment.redisPrefix}gw-strict:`, perAddress: { maxAttempts: 3, windowSeconds: 60 } },
      });
      try {
        const { url: strictUrl } = await strict.listen(0);
        const attempt = (login: string) =>
          fetch(new URL("/auth/login", strictUrl), {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ login, password: "x" }),
          });
        for (const login of ["a-1", "a-2", "a-3"]) expect((await attempt(login)).status).toBe(401);
        const refused = await attempt("a-4");
        expect(refused.status).toBe(429);
        expect(refused.headers.get("retry-after")).toBeTruthy();
        expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("RATE_LIMITED");
      } finally {
        await strict.close();
      }
    });

    it("publishes a JWKS that verifies an issued access token", async () => {
      const { body } = await postAuth("/auth/login", { login: user.username, password: PASSWORD });
      const jwks = (await (await fetch(`${origin}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
      expect(JSON.stringify(jwks)).not.toMatch(/"d":/);
      const { payload, protectedHeader } = await jwtVerify(body.accessToken, createLocalJWKSet(jwks), {
        issuer: "ms5-floor",
        audience: "ms5-floor-api",
      });
      expect(protectedHeader.kid).toBe(environment.keys.current.kid);
      expect(payload.roles).toEqual(["OPERATOR"]);
    });
  });

  describe("refresh and sign-out", () => {
    it("rotates a refresh token, and refuses the old one reused after rotation, ending the whole family", async () => {
      const { body: signedIn } = await postAuth("/auth/login", { login: user.username, password: PASSWORD });
      const rotated = await postAuth("/auth/refresh", { refreshToken: signedIn.refreshToken });
      expect(rotated.status).toBe(200);
      expect(rotated.body.refreshToken).not.toBe(signedIn.refreshToken);

      const reused = await postAuth("/auth/refresh", { refreshToken: signedIn.refreshToken });
      expect(reused.status).toBe(401);
      expect(reused.body.error).toMatchObject({ code: "UNAUTHENTICATED", reason: "refresh-token-reused" });
      // The thief's replay also killed the legitimate new token.
      const afterReuse = await postAuth("/auth/refresh", { refreshToken: rotated.body.refreshToken });
      expect(afterReuse.status).toBe(401);
    });

    it("signs out: the refresh token no longer works", async () => {
      const { body: signedIn } = await postAuth("/auth/login", { login: user.username, password: PASSWORD });
      const loggedOut = await postAuth("/auth/logout", { refreshToken: signedIn.refreshToken });
      expect(loggedOut.status).toBe(204);
      const refreshed = await postAuth("/auth/refresh", { refreshToken: signedIn.refreshToken });
      expect(refreshed.status).toBe(401);
      expect(refreshed.body.error.code).toBe("UNAUTHENTICATED");
    });

    it("refuses a form-encoded sign-in (a cross-site simple request)", async () => {
      const response = await fetch(`${origin}/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `login=${user.username}&password=${PASSWORD}`,
      });
      expect(response.status).toBe(415);
    });
  });
  describe("wiring", () => {
    it("lists the supergraph's subgraphs with their configured URLs", () => {
      const plantUrl = plant.subgraphs.find((subgraph) => subgraph.name === "plant")!.url;
      expect(subgraphEndpointsOf(supergraphSdl, { andon: "http://andon.example/graphql" })).toEqual([
        { name: "andon", url: "http://andon.example/graphql" },
        { name: "plant", url: plantUrl },
      ]);
    });

    it("hands its http.Server to the subscriptions transport and closes that first", async () => {
      const events: string[] = [];
      let attachedTo: unknown;
      const withSubscriptions = await createGateway({
        supergraphSdl,
        gatewaySecret: TEST_GATEWAY_SECRET,
        signingKeys: environment.keys,
        prisma: environment.db.prisma,
        redis: environment.redis,
        logger: environment.logger,
        attachSubscriptions: (httpServer) => {
          attachedTo = httpServer;
          return {
            async close() {
              events.push("subscriptions closed");
            },
          };
        },
      });
      expect(attachedTo).toBe(withSubscriptions.httpServer);
      await withSubscriptions.listen(0);
      withSubscriptions.httpServer.once("close", () => events.push("http closed"));
      await withSubscriptions.close();
      expect(events).toEqual(["subscriptions closed", "http closed"]);
    });
  });
});
