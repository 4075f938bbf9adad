// The floor the hostile suite attacks: a fresh database with the demo plant (its real users and
// passwords), the real production and andon subgraphs, and the real gateway over the committed
// supergraph with graphql-ws attached, on free ports, with the gateway's own defaults. Attacks go
// through sockets only, as a tablet, a browser or an integrator would send them.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { NotificationDispatcher } from "@ms5/andon/notifications";
import { createAndonSubgraph } from "@ms5/andon/subgraph";
import type { PrismaClient, Role } from "@ms5/db";
import { seedPlant } from "@ms5/db/seed";
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import {
  accountStandingsOf,
  attachFederatedSubscriptions,
  createGateway,
  type FederatedSubscriptionSettings,
  type FederatedSubscriptions,
  type Gateway,
  type GatewayConfig,
  subgraphEndpointsOf,
} from "@ms5/gateway";
import { createLogger, createRedisClient, type RedisClient } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, issueAccessToken, type SigningKeyRing } from "@ms5/kit/auth";
import { type InterruptibleTcpProxy, startInterruptibleTcpProxy, testRedisPrefix } from "@ms5/kit/testing";
import { createProductionSubgraph } from "@ms5/production/subgraph";
import { FORWARDED_FOR_HEADER, PROXY_SECRET_HEADER } from "@ms5/schema";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";

const SUPERGRAPH_URL = new URL("../../schema/supergraph.graphql", import.meta.url);

/** The demo plant's password for every seeded user (prisma/src/seed). */
export const DEMO_PASSWORD = "floor-demo-2026";

/** The gateway-to-subgraph secret of this floor; attacks that forge signatures need to know its length only. */
export const HOSTILE_GATEWAY_SECRET = "hostile-suite-gateway-secret-0123456789abcdefghijkl";

/** The floor's GATEWAY_PROXY_SECRET: sign-ins carrying it are from the web server (the sign-in proxy). */
export const HOSTILE_PROXY_SECRET = "hostile-suite-proxy-secret-0123456789abcdefghijklmnop";

/** The headers the web server adds to a sign-in it proxies for a browser at `clientAddress`. */
export function viaSignInProxy(clientAddress: string): Record<string, string> {
  return { [PROXY_SECRET_HEADER]: HOSTILE_PROXY_SECRET, [FORWARDED_FOR_HEADER]: clientAddress };
}

/** The run's shared servers, as vitest.global-setup.ts provides them (`inject("testRun")`). */
export interface TestRunServices {
  runId: string;
  databaseServerUrl: string;
  templateDatabase: string;
  redisUrl: string;
}

export interface GraphQLAnswer<Data = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: Data | null;
    errors?: { message: string; extensions?: { code?: string; [key: string]: unknown } }[];
  };
}

export interface AuthAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { accessToken?: string; error?: { code: string; reason?: string; message: string } };
}

export interface HostilePlant {
  db: TestDatabase;
  prisma: PrismaClient;
  redis: RedisClient;
  keys: SigningKeyRing;
  /** Prefix of this floor's Redis keys (rate limiters, streams, live channels). */
  keyPrefix: string;
  gateway: Gateway;
  /** http://127.0.0.1:<port> of the gateway. */
  origin: string;
  /** The gateway's /graphql. */
  url: string;
  wsUrl: string;
  subgraphUrls: Readonly<Record<string, string>>;
  /** The gateway's graphql-ws side (upstream and subscriber counts). */
  subscriptions: FederatedSubscriptions;
  /**
   * With `proxiedSubgraphs`: the proxy in front of each subgraph that the gateway calls through,
   * to cut its connections as a restarting subgraph would.
   */
  subgraphProxies: Readonly<Record<string, InterruptibleTcpProxy>>;
  /**
   * An access token for a seeded user as sign-in would issue it (no sign-in attempt is spent);
   * `lifetimeSeconds` issues a short-lived one.
   */
  tokenOf(username: string, roles?: Role[], options?: { lifetimeSeconds?: number }): Promise<string>;
  userIdOf(username: string): Promise<string>;
  /**
   * Sends an in-app notification to these users through the andon subgraph's notification
   * dispatcher (the path escalations take); resolves with the ids of the rows it made.
   */
  notify(userIds: string[], subject: string): Promise<string[]>;
  /** A query or mutation over HTTP through the gateway. */
  graphql<Data = Record<string, unknown>>(
    query: string,
    options?: { token?: string; variables?: Record<string, unknown>; headers?: Record<string, string> },
  ): Promise<GraphQLAnswer<Data>>;
  /** A JSON POST to one of the gateway's /auth endpoints. */
  auth(endpoint: string, body: unknown, headers?: Record<string, string>): Promise<AuthAnswer>;
  /** A graphql-ws client of the gateway with this credential in connection_init. */
  wsClient(connectionParams: Record<string, unknown>): Client;
  close(): Promise<void>;
}

export interface HostilePlantOptions {
  /**
   * Every server production-safe, as a deployment runs (and as an unset NODE_ENV now means).
   * @default true
   */
  production?: boolean;
  /** Overrides passed to createGateway (settings, production, auth...). */
  gateway?: Partial<Pick<GatewayConfig, "settings" | "production" | "auth" | "trustedDocuments">>;
  /** Runs the andon escalation timer loop (off: escalations fire only when a test asks). */
  escalationLoop?: boolean;
  /** Overrides of the gateway's subscription settings (caps, account check interval...). */
  subscriptions?: Partial<FederatedSubscriptionSettings>;
  /** Puts an interruptible TCP proxy between the gateway and each subgraph (`subgraphProxies`). */
  proxiedSubgraphs?: boolean;
}

export async function openHostilePlant(run: TestRunServices, options: HostilePlantOptions = {}): Promise<HostilePlant> {
  const logger = createLogger({ service: "hostile-suite", level: "silent" });
  const keyPrefix = `${testRedisPrefix(run.runId)}hostile-${Math.random().toString(36).slice(2, 8)}:`;
  const db = await createTestDatabase({
    serverUrl: run.databaseServerUrl,
    runId: run.runId,
    templateDatabase: run.templateDatabase,
  });
  const closers: (() => Promise<void>)[] = [() => db.drop()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
  };
  try {
    await seedPlant(db.prisma, { fastHashing: true });
    const redis = createRedisClient({ url: run.redisUrl });
    await redis.connect();
    closers.push(async () => redis.destroy());
    const keys = await createSigningKeyRing([await generateSigningKey()]);
    const photoDirectory = await mkdtemp(path.join(tmpdir(), "hostile-photos-"));
    closers.push(() => rm(photoDirectory, { recursive: true, force: true }));

    // What both subgraphs are started with: this floor's stores, keys and secret, production-safe.
    const subgraphBasics = {
      prisma: db.prisma,
      redis,
      logger,
      verificationKeys: keys,
      gatewaySecret: HOSTILE_GATEWAY_SECRET,
      port: 0,
      production: options.production ?? true,
    };
    const production = await createProductionSubgraph({
      ...subgraphBasics,
      telemetry: { consumerName: "hostile-production", keyPrefix, settings: { blockMs: 200 } },
      liveEvents: { keyPrefix },
    });
    closers.push(() => production.close());
    const andon = await createAndonSubgraph({
      ...subgraphBasics,
      keyPrefix,
      instanceId: "hostile-andon",
      photoDirectory,
      email: null,
      faults: false,
      scheduler: options.escalationLoop ? { settings: { maxSleepMs: 200 } } : false,
      alerts: false,
    });
    closers.push(() => andon.close());

    const supergraphSdl = await readFile(SUPERGRAPH_URL, "utf8");
    const directUrls = { production: production.server.url, andon: andon.server.url };
    const subgraphProxies: Record<string, InterruptibleTcpProxy> = {};
    if (options.proxiedSubgraphs) {
      for (const [name, target] of Object.entries(directUrls)) {
        const proxy = await startInterruptibleTcpProxy(target);
        closers.push(() => proxy.close());
        subgraphProxies[name] = proxy;
      }
    }
    const subgraphUrls = options.proxiedSubgraphs
      ? { production: subgraphProxies.production?.url ?? "", andon: subgraphProxies.andon?.url ?? "" }
      : directUrls;
    let subscriptions: FederatedSubscriptions | undefined;
    const gateway = await createGateway({
      supergraphSdl,
      subgraphUrls,
      gatewaySecret: HOSTILE_GATEWAY_SECRET,
      signingKeys: keys,
      prisma: db.prisma,
      redis,
      logger,
      production: options.production ?? true,
      ...options.gateway,
      auth: { keyPrefix, proxySecret: HOSTILE_PROXY_SECRET, ...options.gateway?.auth },
      attachSubscriptions: (httpServer, edge) => {
        subscriptions = attachFederatedSubscriptions(httpServer, {
          supergraphSdl,
          subgraphs: subgraphEndpointsOf(supergraphSdl, subgraphUrls),
          gatewaySecret: HOSTILE_GATEWAY_SECRET,
          verificationKeys: keys,
          logger,
          edge,
          accountStandings: accountStandingsOf(db.prisma),
          ...(options.subscriptions ? { settings: options.subscriptions } : {}),
        });
        return subscriptions;
      },
    });
    if (!subscriptions) throw new Error("the gateway did not attach its subscriptions");
    const attached = subscriptions;
    closers.push(() => gateway.close());
    const { url } = await gateway.listen(0, "127.0.0.1");
    const origin = new URL(url).origin;

    const userOf = (username: string) => db.prisma.user.findUniqueOrThrow({ where: { username } });
    return {
      db,
      prisma: db.prisma,
      redis,
      keys,
      keyPrefix,
      gateway,
      origin,
      url,
      wsUrl: url.replace(/^http/, "ws"),
      subgraphUrls,
      subscriptions: attached,
      subgraphProxies,
      async tokenOf(username, roles, tokenOptions) {
        const user = await userOf(username);
        const subject = {
          kind: "user" as const,
          userId: user.id,
          name: `${user.firstName} ${user.lastName}`,
          roles: roles ?? (user.roles as Role[]),
        };
        const lifetime = tokenOptions?.lifetimeSeconds;
        return (
          await issueAccessToken(keys, subject, lifetime === undefined ? {} : { accessTokenLifetimeSeconds: lifetime })
        ).token;
      },
      async userIdOf(username) {
        return (await userOf(username)).id;
      },
      async notify(userIds, subject) {
        const dispatcher = new NotificationDispatcher({ prisma: db.prisma, redis, logger, email: null, keyPrefix });
        const outcome = await dispatcher.dispatchWithOutcome({
          recipientUserIds: userIds,
          channels: ["IN_APP"],
          subject,
          body: subject,
          dedupeKey: `hostile-${Math.random().toString(36).slice(2)}`,
        });
        return outcome.created.map((row) => row.id);
      },
      async graphql(query, { token, variables, headers } = {}) {
        const response = await fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...headers,
          },
          body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
        });
        const text = await response.text();
        return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
      },
      async auth(endpoint, body, headers = {}) {
        const response = await fetch(`${origin}/auth/${endpoint}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(body),
        });
        const text = await response.text();
        return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
      },
      wsClient(connectionParams) {
        return createClient({
          url: url.replace(/^http/, "ws"),
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          lazy: true,
          connectionParams,
        });
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Error codes of an answer, in order. */
export function codesOf(answer: GraphQLAnswer): (string | undefined)[] {
  return (answer.body.errors ?? []).map((error) => error.extensions?.code);
}
