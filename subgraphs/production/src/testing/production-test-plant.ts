// What the production subgraph's tests share: the seeded database and Redis of a test run, a client
// that calls the subgraph signed as the gateway does, and the fields of a PLC state entry.
import { seedPlant } from "@ms5/db/seed";
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import { createRedisClient, type RedisClient } from "@ms5/kit";
import { signGatewayRequest } from "@ms5/kit/subgraph";

/** The run-wide services vitest's global setup provides through inject("testRun"). */
export interface TestRunServices {
  runId: string;
  databaseServerUrl: string;
  templateDatabase: string;
  redisUrl: string;
}

export interface SeededTestPlant {
  db: TestDatabase;
  redis: RedisClient;
}

/** A fresh database with the demo plant seeded as of `now`, and a connected Redis client. */
export async function openSeededTestPlant(run: TestRunServices, now: Date): Promise<SeededTestPlant> {
  const db = await createTestDatabase({
    serverUrl: run.databaseServerUrl,
    runId: run.runId,
    templateDatabase: run.templateDatabase,
  });
  // The caller's afterAll cannot drop a database it never received, so a failed start drops it here.
  try {
    await seedPlant(db.prisma, { fastHashing: true, now });
    const redis = createRedisClient({ url: run.redisUrl });
    await redis.connect();
    return { db, redis };
  } catch (error) {
    await db.drop();
    throw error;
  }
}

export type SignedGraphQLCall<Body> = (
  token: string,
  query: string,
  variables?: Record<string, unknown>,
) => Promise<Body>;

/**
 * Calls the subgraph over HTTP with a bearer token and the gateway's signature, as the gateway does.
 * The URL is read at call time, because the server starts in beforeAll after the client is made.
 */
export function signedGraphQLCaller<Body>(urlOf: () => string, gatewaySecret: string): SignedGraphQLCall<Body> {
  return async (token, query, variables = {}) => {
    const body = JSON.stringify({ query, variables });
    const authorization = `Bearer ${token}`;
    const response = await fetch(urlOf(), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization,
        ...signGatewayRequest({ secret: gatewaySecret, body, authorization }),
      },
      body,
    });
    return (await response.json()) as Body;
  };
}

/** The fields of a PLC state entry, blank where the bridge leaves them blank, overridden by `extra`. */
export function plcStateFields(state: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    type: "state",
    state,
    previousState: "",
    stateCode: "",
    firstOutFaultCode: "",
    firstOutFaultBit: "",
    ...extra,
  };
}
