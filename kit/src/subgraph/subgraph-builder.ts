// The one Pothos SchemaBuilder setup of every subgraph: Federation 2, directives, Prisma, DataLoader,
// scope-auth from the permission matrix, and typed error results.
import type PrismaTypes from "@ms5/db/pothos-types";
import type { Permission } from "@ms5/schema";
import SchemaBuilder, { type NormalizeSchemeBuilderOptions } from "@pothos/core";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import DirectivesPlugin from "@pothos/plugin-directives";
import ErrorsPlugin from "@pothos/plugin-errors";
import FederationPlugin from "@pothos/plugin-federation";
import PrismaPlugin, { type PothosPrismaDatamodel } from "@pothos/plugin-prisma";
import ScopeAuthPlugin, { type AuthFailure, AuthScopeFailureType } from "@pothos/plugin-scope-auth";
import type { GraphQLSchema } from "graphql";
import { AuthError } from "../auth/auth-error.ts";
import { hasPermission } from "../auth/request-identity.ts";
import { ExpectedError } from "./api-errors.ts";
import { InputInvalid, NotFound } from "./expected-errors.ts";
import { LIVE_FEED_SUBGRAPH_OPTIONS } from "./live-feed-scope.ts";
import { DATE_TIME_SCALAR } from "./plant-arguments.ts";
import type { SubgraphContext } from "./subgraph-context.ts";
import { FEDERATION_LINK_URL } from "./subgraph-defaults.ts";

/**
 * The scopes a field or type may require: `{ permission: "plant:read" }` (from the one matrix in
 * schema/src/permissions.ts, via the caller's roles or API-key scopes) or `{ authenticated: true }`.
 */
export interface SubgraphAuthScopes {
  authenticated: boolean;
  permission: Permission;
}

/** The builder's types; a subgraph may add its own (scalars, ...) through createSubgraphBuilder's type parameter. */
export interface SubgraphSchemaTypes {
  Context: SubgraphContext;
  /** DateTime: an instant as an ISO 8601 string in UTC (DATE_TIME_SCALAR), registered by createSubgraphBuilder. */
  Scalars: { DateTime: { Input: Date; Output: Date } };
  AuthScopes: SubgraphAuthScopes;
  PrismaTypes: PrismaTypes;
  /** The live-feed sharing directives (live-feed-scope.ts). */
  Directives: {
    plantWide: { locations: "FIELD_DEFINITION"; args: Record<string, never> };
    perViewer: { locations: "FIELD_DEFINITION"; args: { when?: string } };
  };
}

type BaseTypes = PothosSchemaTypes.ExtendDefaultTypes<SubgraphSchemaTypes>;

export interface SubgraphBuilderOptions {
  /** `getDatamodel()` from `@ms5/db/pothos-types` (the generated, trimmed Prisma datamodel). */
  prismaDatamodel: PothosPrismaDatamodel;
  /**
   * The root types besides Query the subgraph adds fields to (with mutationFields /
   * subscriptionFields); a root type without fields is no valid schema, so leave out what it lacks.
   * @default ["Mutation", "Subscription"]
   */
  rootTypes?: readonly ("Mutation" | "Subscription")[];
}

/** The permissions a refused scope check asked for, to name them in the FORBIDDEN message. */
function missingPermissions(failure: AuthFailure): string[] {
  switch (failure.kind) {
    case AuthScopeFailureType.AuthScope:
      return failure.scope === "permission" ? [String(failure.parameter)] : [];
    case AuthScopeFailureType.AnyAuthScopes:
    case AuthScopeFailureType.AllAuthScopes:
      return failure.failures.flatMap(missingPermissions);
    default:
      return [];
  }
}

function refusalFor(context: SubgraphContext, failure: AuthFailure): AuthError {
  if (context.identity.kind === "anonymous") {
    return new AuthError("UNAUTHENTICATED", "missing-permission", "Sign in to do this.");
  }
  const permissions = [...new Set(missingPermissions(failure))];
  const message =
    permissions.length > 0
      ? `You do not have the permission ${permissions.map((p) => `"${p}"`).join(" or ")}.`
      : "You are not allowed to do this.";
  return new AuthError("FORBIDDEN", "missing-permission", message);
}

/**
 * A subgraph's SchemaBuilder, with the DateTime scalar and the root types already in it. Fields and
 * types guard themselves with
 * `authScopes: { permission: "..." }`; a refusal is UNAUTHENTICATED for an anonymous caller and
 * FORBIDDEN for a known one, in `extensions.code`. Expected outcomes are typed results:
 * `errors: { types: [SomeExpectedError] }` with classes extending ExpectedError.
 */
export function createSubgraphBuilder<
  ExtraTypes extends Partial<PothosSchemaTypes.UserSchemaTypes> = Record<never, never>,
>(options: SubgraphBuilderOptions) {
  // Checked against the kit's own types; Pothos cannot check options against a generic parameter.
  const builderOptions: NormalizeSchemeBuilderOptions<BaseTypes> = {
    // scope-auth first, so no other plugin's resolver wrapper runs for a refused caller; errors
    // after it, so refusals stay GraphQL errors with a code instead of becoming typed results.
    plugins: [ScopeAuthPlugin, ErrorsPlugin, PrismaPlugin, DataloaderPlugin, DirectivesPlugin, FederationPlugin],
    scopeAuth: {
      // A subscription is refused when it starts, not after the first event.
      authorizeOnSubscribe: true,
      authScopes: (context) => ({
        authenticated: context.identity.kind !== "anonymous",
        permission: (permission) => hasPermission(context.identity, permission),
      }),
      unauthorizedError: (_parent, context, _info, result) => refusalFor(context, result.failure),
    },
    errors: { defaultTypes: [] },
    prisma: {
      client: (context) => context.prisma,
      dmmf: options.prismaDatamodel,
      // A query Pothos made for a field but the resolver did not use is a bug worth seeing in tests.
      onUnusedQuery: process.env.NODE_ENV === "production" ? null : "warn",
    },
  };
  const builder = new SchemaBuilder<SubgraphSchemaTypes & ExtraTypes>(builderOptions as never);
  const rootTypes = options.rootTypes ?? ["Mutation", "Subscription"];

  // One shape for every typed error result, so a client can select `... on ExpectedError { code message }`.
  const baseBuilder = builder as unknown as PothosSchemaTypes.SchemaBuilder<BaseTypes>;
  baseBuilder.interfaceType(ExpectedError, {
    name: "ExpectedError",
    description: "An outcome the client is expected to handle, returned instead of the result.",
    fields: (t) => ({
      code: t.exposeString("code", { nullable: false, description: "A code from the API's documented error codes." }),
      message: t.exposeString("message", { nullable: false }),
    }),
  });
  baseBuilder.scalarType("DateTime", DATE_TIME_SCALAR);
  // Each schema/<type>.ts adds its fields with queryFields / mutationFields / subscriptionFields.
  baseBuilder.queryType({});
  if (rootTypes.includes("Mutation")) baseBuilder.mutationType({});
  if (rootTypes.includes("Subscription")) baseBuilder.subscriptionType({});

  // The outcomes every subgraph shares (expected-errors.ts): one type each across the supergraph.
  baseBuilder.objectType(NotFound, {
    name: "NotFound",
    description: "An id given to the operation names nothing of the expected kind; nothing changed.",
    interfaces: [ExpectedError],
    shareable: true,
    fields: (t) => ({
      // Nullable like the subgraphs' own error fields (DuplicateKey.field, ...): one selection set
      // may ask `field` of several members of a result union only when their types agree.
      entity: t.exposeString("entity", { description: "What kind of thing was looked for (line, work order...)." }),
      id: t.exposeID("id"),
    }),
  });
  baseBuilder.objectType(InputInvalid, {
    name: "InputInvalid",
    description: "A field of the input is missing, malformed or out of range; nothing changed.",
    interfaces: [ExpectedError],
    shareable: true,
    fields: (t) => ({ field: t.exposeString("field", { description: "The input field at fault." }) }),
  });

  return builder;
}

export type SubgraphBuilder<ExtraTypes extends Partial<PothosSchemaTypes.UserSchemaTypes> = Record<never, never>> =
  ReturnType<typeof createSubgraphBuilder<ExtraTypes>>;

/**
 * The federated schema of a subgraph's builder, linking the one Federation version all subgraphs use
 * and composing the live-feed directives into the supergraph.
 */
export function subgraphSchemaOf(builder: { toSubGraphSchema: SubgraphBuilder["toSubGraphSchema"] }): GraphQLSchema {
  return builder.toSubGraphSchema({ linkUrl: FEDERATION_LINK_URL, ...LIVE_FEED_SUBGRAPH_OPTIONS });
}
