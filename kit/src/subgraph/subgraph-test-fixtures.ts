// Shared by the subgraph kit's tests only: a tiny subgraph made with the kit (Line entity, a guarded
// query, mutation and subscription), counters of what actually ran, and a stand-in for the gateway.
import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import type { Role } from "@ms5/schema";
import { GraphQLError } from "graphql";
import { inject } from "vitest";
import { issueAccessToken } from "../auth/access-tokens.ts";
import type { SigningKeyRing } from "../auth/signing-keys.ts";
import { ApiError, ExpectedError } from "./api-errors.ts";
import { signGatewayRequest } from "./gateway-signature.ts";
import { subgraphSchemaOf } from "./subgraph-builder.ts";
import { createTestSubgraphBuilder, defineTestLineEntity, redisChannelMessages } from "./testing/index.ts";

/** A secret as long as the kit demands. */
export const TEST_GATEWAY_SECRET = "test-gateway-secret-0123456789abcdefghijklmnopqrstuvwxyz";

export function openTestDatabase(): Promise<TestDatabase> {
  const { runId, databaseServerUrl, templateDatabase } = inject("testRun");
  return createTestDatabase({ serverUrl: databaseServerUrl, runId, templateDatabase });
}

/** What the test subgraph's resolvers really did, so refusals can be shown to have run nothing. */
export interface ExecutionCounters {
  lineBatches: string[][];
  linesQueries: number;
  renameCalls: number;
  subscriptionsStarted: number;
}

class LineNotFound extends ExpectedError {
  constructor(readonly lineId: string) {
    super("NOT_FOUND", `There is no line ${lineId}.`);
  }
}

/** The test subgraph's schema, its counters and the Redis channel its subscription listens on. */
export function buildTestSubgraph(renamedChannel: string) {
  const counters: ExecutionCounters = { lineBatches: [], linesQueries: 0, renameCalls: 0, subscriptionsStarted: 0 };
  const builder = createTestSubgraphBuilder();
  const { LineRef, lineById } = defineTestLineEntity(builder, { onBatch: (ids) => counters.lineBatches.push(ids) });

  builder.objectType(LineNotFound, {
    name: "LineNotFound",
    interfaces: [ExpectedError],
    fields: (t) => ({ lineId: t.exposeID("lineId") }),
  });

  builder.queryFields((t) => ({
    lines: t.prismaField({
      type: ["Line"],
      authScopes: { permission: "plant:read" },
      resolve: (query, _root, _args, context) => {
        counters.linesQueries++;
        return context.prisma.line.findMany({ ...query, orderBy: { name: "asc" } });
      },
    }),
    whoAmI: t.string({
      authScopes: { authenticated: true },
      resolve: (_root, _args, context) => (context.identity.kind === "anonymous" ? "" : context.identity.name),
    }),
    // A bug in a resolver, carrying something no client should read.
    brokenReport: t.string({
      authScopes: { authenticated: true },
      resolve: () => {
        throw new Error("connection to 10.0.0.7 refused (password=hunter2)");
      },
    }),
    // Failures raised on purpose, in the two ways a resolver may: the kit's class or a GraphQLError with a code.
    shiftReport: t.string({
      authScopes: { authenticated: true },
      args: { shift: t.arg.string({ required: true }) },
      resolve: (_root, { shift }) => {
        if (shift === "night") throw new ApiError("SERVICE_UNAVAILABLE", "The report store is down; retry shortly.");
        throw new GraphQLError(`No report for shift ${shift}.`, { extensions: { code: "NOT_FOUND" } });
      },
    }),
    // Holds the request open, to show that close() lets in-flight requests finish.
    slowEcho: t.string({
      authScopes: { authenticated: true },
      args: { text: t.arg.string({ required: true }), delayMs: t.arg.int({ required: true }) },
      resolve: async (_root, { text, delayMs }) => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return text;
      },
    }),
  }));

  builder.mutationFields((t) => ({
    renameLine: t.field({
      type: LineRef,
      authScopes: { permission: "plant:manage" },
      errors: { types: [LineNotFound] },
      args: { id: t.arg.id({ required: true }), name: t.arg.string({ required: true }) },
      resolve: async (_root, { id, name }, context) => {
        counters.renameCalls++;
        const lineId = String(id);
        const existing = await context.prisma.line.findUnique({ where: { id: lineId } });
        if (!existing) throw new LineNotFound(lineId);
        const line = await context.prisma.line.update({ where: { id: lineId }, data: { name } });
        await context.redis.publish(renamedChannel, line.id);
        return line;
      },
    }),
  }));

  builder.subscriptionFields((t) => ({
    lineRenamed: t.field({
      type: LineRef,
      authScopes: { permission: "plant:read" },
      subscribe: (_root, _args, context) => {
        counters.subscriptionsStarted++;
        return redisChannelMessages(context.redis, renamedChannel);
      },
      resolve: async (lineId: string, _args, context) => {
        const line = await context.loaders.of(lineById).load(lineId);
        if (!line) throw new Error(`line ${lineId} vanished`);
        return line;
      },
    }),
  }));

  return { schema: subgraphSchemaOf(builder), counters };
}

export async function accessTokenFor(keys: SigningKeyRing, roles: Role[], name = "Daniel Okafor"): Promise<string> {
  const { token } = await issueAccessToken(keys, { kind: "user", userId: randomUUID(), name, roles });
  return token;
}

export interface GraphQLResponseBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** Plays the gateway: posts an operation to a subgraph, signed unless told otherwise. */
export async function postAsGateway(
  url: string,
  operation: { query: string; variables?: Record<string, unknown> },
  options: { token?: string; signed?: boolean; secret?: string; tamper?: (body: string) => string } = {},
): Promise<{ status: number; body: GraphQLResponseBody }> {
  const body = JSON.stringify(operation);
  const authorization = options.token ? `Bearer ${options.token}` : undefined;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (authorization) headers.authorization = authorization;
  if (options.signed !== false) {
    Object.assign(headers, signGatewayRequest({ secret: options.secret ?? TEST_GATEWAY_SECRET, body, authorization }));
  }
  const response = await fetch(url, { method: "POST", headers, body: options.tamper?.(body) ?? body });
  return { status: response.status, body: (await response.json()) as GraphQLResponseBody };
}
