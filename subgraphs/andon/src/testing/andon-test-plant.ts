// What the andon subgraph's tests share: a fresh database with the demo plant, a connected Redis, a
// signing key ring with a token per demo user, a photo directory, and a caller that signs requests
// as the gateway does.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Escalation, Role } from "@ms5/db";
import { seedPlant } from "@ms5/db/seed";
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import { createRedisClient, type RedisClient } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, issueAccessToken, type SigningKeyRing } from "@ms5/kit/auth";
import { signGatewayRequest } from "@ms5/kit/subgraph";
import { STREAM_SCHEMA_VERSION, streamKey } from "@ms5/schema";
import { type AndonSubgraph, type AndonSubgraphOptions, createAndonSubgraph } from "../andon-subgraph.ts";

export interface TestRunServices {
  runId: string;
  databaseServerUrl: string;
  templateDatabase: string;
  redisUrl: string;
}

export const TEST_GATEWAY_SECRET = "andon-test-gateway-secret-0123456789abcdef";

export interface AndonTestPlant {
  db: TestDatabase;
  redis: RedisClient;
  keys: SigningKeyRing;
  photoDirectory: string;
  /** A bearer token for a seeded user by username (admin, pmanager, smanager, operator, technician, viewer...). */
  tokenOf(username: string): Promise<string>;
  userIdOf(username: string): Promise<string>;
  /** The id of a seeded line by code (bagging-1, bagging-2, loading-1...). */
  lineIdOf(code: string): Promise<string>;
  /** The acknowledge escalation an andon's raise started. */
  acknowledgeEscalationOf(andonId: string): Promise<Escalation>;
  close(): Promise<void>;
}

export async function openAndonTestPlant(run: TestRunServices, now: Date): Promise<AndonTestPlant> {
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
    const photoDirectory = await mkdtemp(path.join(tmpdir(), "andon-photos-"));
    const user = (username: string) => db.prisma.user.findUniqueOrThrow({ where: { username } });
    return {
      db,
      redis,
      keys,
      photoDirectory,
      async tokenOf(username) {
        const row = await user(username);
        const subject = { kind: "user" as const, userId: row.id, name: row.username, roles: row.roles as Role[] };
        return (await issueAccessToken(keys, subject)).token;
      },
      async userIdOf(username) {
        return (await user(username)).id;
      },
      async lineIdOf(code) {
        return (await db.prisma.line.findUniqueOrThrow({ where: { code } })).id;
      },
      acknowledgeEscalationOf(andonId) {
        return db.prisma.escalation.findUniqueOrThrow({ where: { andonId_kind: { andonId, kind: "ACKNOWLEDGE" } } });
      },
      async close() {
        redis.destroy();
        await rm(photoDirectory, { recursive: true, force: true });
        await db.drop();
      },
    };
  } catch (error) {
    await db.drop();
    throw error;
  }
}

/** What a test chooses of its subgraph; the plant supplies the rest. */
export type AndonTestSubgraphOptions = Omit<
  AndonSubgraphOptions,
  "prisma" | "redis" | "verificationKeys" | "gatewaySecret" | "port" | "production" | "photoDirectory"
> & {
  /** @default the plant's Redis connection */
  redis?: RedisClient;
};

/** An andon subgraph over the plant's database, keys and photo directory, on a free port, signed as the tests' gateway. */
export function startAndonTestSubgraph(
  plant: AndonTestPlant,
  options: AndonTestSubgraphOptions,
): Promise<AndonSubgraph> {
  return createAndonSubgraph({
    prisma: plant.db.prisma,
    redis: plant.redis,
    verificationKeys: plant.keys,
    gatewaySecret: TEST_GATEWAY_SECRET,
    port: 0,
    production: false,
    photoDirectory: plant.photoDirectory,
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

/** Appends a fault edge to a line's fault stream as the bridge does. */
export async function publishFault(
  redis: RedisClient,
  keyPrefix: string,
  fault: {
    line: string;
    equipment: string;
    bitIndex: number;
    faultCode: string;
    at: Date;
    seq: number;
    edge?: "rising" | "falling";
  },
): Promise<string> {
  return redis.xAdd(streamKey(fault.line, "faults", keyPrefix), "*", {
    v: STREAM_SCHEMA_VERSION,
    type: "fault",
    plc: "PLC-BAG1",
    seq: String(fault.seq),
    equipment: fault.equipment,
    line: fault.line,
    ts: String(fault.at.getTime()),
    edge: fault.edge ?? "rising",
    bitIndex: String(fault.bitIndex),
    faultCode: fault.faultCode,
    faultText: "test fault",
    firstOut: "false",
  });
}
