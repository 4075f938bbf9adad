// Shared by the plant-and-work GraphQL tests: the seeded demo plant in its own database, the schema
// executed in-process as a given person or service account, and a fingerprint of tables to prove a
// refused operation changed nothing.

import type { PrismaClient } from "@ms5/db";
import { seedPlant } from "@ms5/db/seed";
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import { createLogger, type RedisClient } from "@ms5/kit";
import { createSubgraphContext } from "@ms5/kit/subgraph";
import { type Permission, permissionsOf, type Role } from "@ms5/schema";
import { graphql } from "graphql";
import { inject } from "vitest";
import type { ProductionContextExtras } from "../builder.ts";
import { schema } from "../schema/index.ts";

/** A value of a GraphQL result, read by shape in assertions. */
// biome-ignore lint/suspicious/noExplicitAny: assertions read results by shape; the schema, not TypeScript, types them.
export type Loose = any;

export interface GraphQLTestResult {
  data?: Record<string, Loose> | null;
  errors?: readonly { message: string; extensions: Record<string, unknown> }[];
}

export type Caller =
  | { kind: "user"; userId: string; roles: Role[] }
  | { kind: "service"; serviceAccountId: string; scopes: Permission[] };

export interface GraphQLTestPlant {
  db: TestDatabase;
  prisma: PrismaClient;
  users: Record<"admin" | "pmanager" | "smanager" | "engineer" | "operator" | "operator2" | "viewer", string>;
  /** A user caller by username, with the roles given (defaults to the user's own). */
  as(username: keyof GraphQLTestPlant["users"], roles: Role[]): Caller;
  run(
    caller: Caller,
    source: string,
    variables?: Record<string, unknown>,
    prisma?: PrismaClient,
  ): Promise<GraphQLTestResult>;
}

const logger = createLogger({ service: "production-graphql-test", level: "silent" });

export async function openGraphQLTestPlant(
  options: { redis?: RedisClient; now?: Date; contextExtras?: ProductionContextExtras } = {},
): Promise<GraphQLTestPlant> {
  const { runId, databaseServerUrl, templateDatabase } = inject("testRun");
  const db = await createTestDatabase({ serverUrl: databaseServerUrl, runId, templateDatabase });
  try {
    await seedPlant(db.prisma, { fastHashing: true, ...(options.now ? { now: options.now } : {}) });
    const names = ["admin", "pmanager", "smanager", "engineer", "operator", "operator2", "viewer"] as const;
    const users = Object.fromEntries(
      await Promise.all(
        names.map(async (username) => [username, (await db.prisma.user.findUniqueOrThrow({ where: { username } })).id]),
      ),
    ) as GraphQLTestPlant["users"];
    return {
      db,
      prisma: db.prisma,
      users,
      as: (username, roles) => ({ kind: "user", userId: users[username], roles }),
      async run(caller, source, variables = {}, prisma = db.prisma) {
        const identity =
          caller.kind === "user"
            ? {
                kind: "user" as const,
                userId: caller.userId,
                name: "test",
                roles: caller.roles,
                permissions: permissionsOf(caller.roles),
              }
            : {
                kind: "service" as const,
                serviceAccountId: caller.serviceAccountId,
                name: "integrator",
                permissions: new Set(caller.scopes),
              };
        const contextValue = createSubgraphContext(
          { identity, prisma, redis: (options.redis ?? undefined) as never, logger, correlationId: "graphql-test" },
          options.contextExtras,
        );
        return (await graphql({ schema, source, variableValues: variables, contextValue })) as GraphQLTestResult;
      },
    };
  } catch (error) {
    await db.drop();
    throw error;
  }
}

/**
 * A digest of every row of the tables (and the audit log), to compare before and after an operation
 * that must change nothing.
 */
export async function tableFingerprint(prisma: PrismaClient, tables: readonly string[]): Promise<string> {
  const parts: string[] = [];
  for (const table of [...tables, "audit_log"]) {
    const [row] = await prisma.$queryRawUnsafe<{ digest: string | null }[]>(
      `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM "${table}" t`,
    );
    parts.push(`${table}:${row?.digest}`);
  }
  return parts.join(",");
}

/** The typename and code of a mutation's typed result, e.g. { __typename: "InputInvalid", code: "BAD_USER_INPUT" }. */
export const RESULT_SELECTION = `__typename ... on ExpectedError { code message }
  ... on InputInvalid { field } ... on NotFound { entity id } ... on DuplicateKey { field value }
  ... on InvalidStatusChange { from to }`;
