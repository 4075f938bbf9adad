// What the quality subgraph's tests share: a fresh database with the demo plant, a connected Redis,
// a signing key ring with a token per demo user, a quality subgraph on a free port, and a caller that
// signs requests as the gateway does.
import type { Role } from "@ms5/db";
import { seedPlant } from "@ms5/db/seed";
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import { createLogger, createRedisClient, type RedisClient } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, issueAccessToken, type SigningKeyRing } from "@ms5/kit/auth";
import { signGatewayRequest } from "@ms5/kit/subgraph";
import { createQualitySubgraph, type QualitySubgraph, type QualitySubgraphOptions } from "../quality-subgraph.ts";

export interface TestRunServices {
  runId: string;
  databaseServerUrl: string;
  templateDatabase: string;
  redisUrl: string;
}

export const TEST_GATEWAY_SECRET = "quality-test-gateway-secret-0123456789abcdef";

export interface QualityTestPlant {
  db: TestDatabase;
  redis: RedisClient;
  keys: SigningKeyRing;
  tokenOf(username: string): Promise<string>;
  userIdOf(username: string): Promise<string>;
  lineIdOf(code: string): Promise<string>;
  equipmentIdOf(code: string): Promise<string>;
  close(): Promise<void>;
}

export async function openQualityTestPlant(run: TestRunServices, now: Date): Promise<QualityTestPlant> {
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
    const user = (username: string) => db.prisma.user.findUniqueOrThrow({ where: { username } });
    return {
      db,
      redis,
      keys,
      async tokenOf(username) {
        const row = await user(username);
        return (
          await issueAccessToken(keys, { kind: "user", userId: row.id, name: row.username, roles: row.roles as Role[] })
        ).token;
      },
      async userIdOf(username) {
        return (await user(username)).id;
      },
      async lineIdOf(code) {
        return (await db.prisma.line.findUniqueOrThrow({ where: { code } })).id;
      },
      async equipmentIdOf(code) {
        return (await db.prisma.equipment.findUniqueOrThrow({ where: { code } })).id;
      },
      async close() {
        redis.destroy();
        await db.drop();
      },
    };
  } catch (error) {
    await db.drop();
    throw error;
  }
}

/** A quality subgraph over the plant's database and keys, on a free port, signed as the tests' gateway. */
export function startQualityTestSubgraph(
  plant: QualityTestPlant,
  options: Partial<Omit<QualitySubgraphOptions, "prisma" | "verificationKeys" | "gatewaySecret" | "port">> & {
    keyPrefix: string;
  },
): Promise<QualitySubgraph> {
  return createQualitySubgraph({
    prisma: plant.db.prisma,
    redis: plant.redis,
    logger: createLogger({ service: "quality-test", level: "silent" }),
    verificationKeys: plant.keys,
    gatewaySecret: TEST_GATEWAY_SECRET,
    port: 0,
    production: false,
    weights: false,
    scheduler: false,
    ...options,
  });
}

export interface GraphQLResponse<Data = Record<string, unknown>> {
  data?: Data;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Calls the subgraph over HTTP as the gateway does (bearer token plus the gateway's signature). */
export async function callSubgraph<Data = Record<string, unknown>>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse<Data>> {
  const body = JSON.stringify({ query, variables });
  const authorization = `Bearer ${token}`;
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization,
      ...signGatewayRequest({ secret: TEST_GATEWAY_SECRET, body, authorization }),
    },
    body,
  });
  return (await response.json()) as GraphQLResponse<Data>;
}
