// What the reporting subgraph's tests share: a fresh database with the demo plant, a connected
// Redis, a signing key ring with a token per demo user, the subgraph on a free port, and a caller
// that signs requests as the gateway does.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Role } from "@ms5/db";
import { seedPlant } from "@ms5/db/seed";
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import { createLogger, createRedisClient, type RedisClient } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, issueAccessToken, type SigningKeyRing } from "@ms5/kit/auth";
import { signGatewayRequest } from "@ms5/kit/subgraph";
import {
  createReportingSubgraph,
  type ReportingSubgraph,
  type ReportingSubgraphOptions,
} from "../reporting-subgraph.ts";

export interface TestRunServices {
  runId: string;
  databaseServerUrl: string;
  templateDatabase: string;
  redisUrl: string;
}

export const TEST_GATEWAY_SECRET = "reporting-test-gateway-secret-0123456789abcdef";

export interface GraphQLResponse<Data = Record<string, unknown>> {
  data?: Data;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export interface ReportingTestPlant {
  db: TestDatabase;
  redis: RedisClient;
  keys: SigningKeyRing;
  subgraph: ReportingSubgraph;
  reportDirectory: string;
  tokenOf(username: string): Promise<string>;
  /** Calls the subgraph as the gateway does (bearer token plus the gateway's signature). */
  call<Data = Record<string, unknown>>(
    token: string,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<Data>>;
  close(): Promise<void>;
}

export async function openReportingTestPlant(
  run: TestRunServices,
  now: Date,
  options: Pick<
    ReportingSubgraphOptions,
    "rollup" | "runner" | "scheduler" | "email" | "instanceId" | "keyPrefix" | "renderConcurrency"
  > = {
    rollup: false,
    runner: false,
  },
): Promise<ReportingTestPlant> {
  const db = await createTestDatabase({
    serverUrl: run.databaseServerUrl,
    runId: run.runId,
    templateDatabase: run.templateDatabase,
  });
  try {
    await seedPlant(db.prisma, { fastHashing: true, now });
    const redis = createRedisClient({ url: run.redisUrl });
    await redis.connect();
    const keys = await createSigningKeyRing([await generateSigningKey()]);
    const reportDirectory = await mkdtemp(path.join(tmpdir(), "reports-"));
    const subgraph = await createReportingSubgraph({
      prisma: db.prisma,
      redis,
      logger: createLogger({ service: "reporting-test", level: "silent" }),
      verificationKeys: keys,
      gatewaySecret: TEST_GATEWAY_SECRET,
      port: 0,
      production: false,
      reportDirectory,
      rollup: false,
      runner: false,
      scheduler: false,
      ...options,
    });
    return {
      db,
      redis,
      keys,
      subgraph,
      reportDirectory,
      async tokenOf(username) {
        const row = await db.prisma.user.findUniqueOrThrow({ where: { username } });
        const subject = { kind: "user" as const, userId: row.id, name: row.username, roles: row.roles as Role[] };
        return (await issueAccessToken(keys, subject)).token;
      },
      async call(token, query, variables = {}) {
        const body = JSON.stringify({ query, variables });
        const authorization = `Bearer ${token}`;
        const response = await fetch(subgraph.server.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization,
            ...signGatewayRequest({ secret: TEST_GATEWAY_SECRET, body, authorization }),
          },
          body,
        });
        return (await response.json()) as never;
      },
      async close() {
        await subgraph.close();
        redis.destroy();
        await rm(reportDirectory, { recursive: true, force: true });
        await db.drop();
      },
    };
  } catch (error) {
    await db.drop();
    throw error;
  }
}
