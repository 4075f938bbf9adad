// The one contract every subgraph passes (apollo-server's defineIntegrationTestSuite is the model):
// every root field declares a rule, guarded fields refuse anonymous and unpermitted callers without
// running, only the gateway gets in, federation's `_service` and `_entities` work, /health and
// /metrics answer, and every error carries a documented code.
import { ERROR_CODES } from "@ms5/schema";
import type { GraphQLSchema } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entityKeysOf, entityRepresentation, refusalProbeOf } from "./contract/probe-operations.ts";
import { type FieldRule, rootFieldRules } from "./field-rules.ts";
import { signGatewayRequest } from "./gateway-signature.ts";
import { printSubgraphSdl } from "./subgraph-sdl.ts";

/** A running subgraph as the contract suite needs it; `startSubgraph` starts it on port 0. */
export interface ContractSubgraph {
  /** http://127.0.0.1:<port>/graphql */
  url: string;
  /** The schema the server runs. */
  schema: GraphQLSchema;
  gatewaySecret: string;
  tokens: {
    /** A caller with every permission (ADMIN). */
    admin: string;
    /** A known caller with no permission at all. */
    withoutPermissions: string;
  };
  /** A representation of a real entity per @key type (`{ Line: { id } }`); a dummy key is used for the others. */
  entities?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** How many resolvers of the subgraph ran so far, to show a refusal ran none; skipped when omitted. */
  resolverCalls?: () => number;
  close(): Promise<void>;
}

interface GraphQLResponse {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  };
}

/** The rule that decides a refusal: a field inheriting its type's scopes is refused by those. */
function effectiveRule(rule: FieldRule): FieldRule {
  return rule.kind === "parent" ? effectiveRule(rule.rule) : rule;
}

/** The guarded Query and Mutation fields of a schema, with the rule a refusal comes from. */
function guardedFields(schema: GraphQLSchema): { coordinate: string; rule: FieldRule }[] {
  const guarded: { coordinate: string; rule: FieldRule }[] = [];
  for (const [coordinate, declared] of Object.entries(rootFieldRules(schema))) {
    if (!declared || coordinate.startsWith("Subscription.")) continue;
    const rule = effectiveRule(declared);
    if (rule.kind === "public" || rule.kind === "federation" || rule.kind === "dynamic") continue;
    guarded.push({ coordinate, rule });
  }
  return guarded;
}

/**
 * Declares the contract suite for one subgraph. `startSubgraph` is called once (beforeAll) and the
 * subgraph's `close` in afterAll. Each check walks every field and lists all that fail it.
 */
export function describeSubgraphContract(name: string, startSubgraph: () => Promise<ContractSubgraph>): void {
  describe(`the ${name} subgraph's contract`, () => {
    let subgraph: ContractSubgraph;
    const seenCodes: { operation: string; code: unknown }[] = [];

    async function post(
      operation: { query: string; variables?: Record<string, unknown> },
      options: { token?: string; signed?: boolean } = {},
    ): Promise<GraphQLResponse> {
      const body = JSON.stringify(operation);
      const authorization = options.token ? `Bearer ${options.token}` : undefined;
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (authorization) headers.authorization = authorization;
      if (options.signed !== false) {
        Object.assign(headers, signGatewayRequest({ secret: subgraph.gatewaySecret, body, authorization }));
      }
      const response = await fetch(subgraph.url, { method: "POST", headers, body });
      const parsed = (await response.json()) as GraphQLResponse["body"];
      for (const error of parsed.errors ?? []) {
        seenCodes.push({ operation: operation.query, code: error.extensions?.code });
      }
      return { status: response.status, body: parsed };
    }

    /**
     * Calls every guarded field as `token` (anonymous when undefined) and returns how each call that
     * was not refused with `code` at the field itself, before any resolver ran, went instead.
     */
    async function unrefusedCalls(
      token: string | undefined,
      code: "UNAUTHENTICATED" | "FORBIDDEN",
      applies: (rule: FieldRule) => boolean,
    ): Promise<string[]> {
      const fields = guardedFields(subgraph.schema).filter(({ rule }) => applies(rule));
      const problems: string[] = [];
      for (const { coordinate } of fields) {
        const fieldName = coordinate.split(".")[1] ?? "";
        const operation = refusalProbeOf(subgraph.schema, coordinate);
        const before = subgraph.resolverCalls?.();
        const { status, body } = await post(operation, token === undefined ? {} : { token });
        const ran = before !== undefined && subgraph.resolverCalls?.() !== before;
        const codes = body.errors?.map((error) => error.extensions?.code);
        const refused =
          status === 200 &&
          codes?.length === 1 &&
          codes[0] === code &&
          body.errors?.[0]?.path?.join(".") === fieldName &&
          (body.data?.[fieldName] ?? null) === null;
        if (!refused || ran) {
          problems.push(
            `${coordinate}: status ${status}, ${ran ? "a resolver ran, " : ""}${JSON.stringify(body)} for ${operation.query}`,
          );
        }
      }
      return problems;
    }

    beforeAll(async () => {
      subgraph = await startSubgraph();
    });

    afterAll(async () => {
      await subgraph?.close();
    });

    it("declares a rule for every Query, Mutation and Subscription field", () => {
      const missing = Object.entries(rootFieldRules(subgraph.schema))
        .filter(([, rule]) => rule === null)
        .map(([coordinate]) => coordinate);
      expect(missing, `fields without a declared rule: ${missing.join(", ")}`).toEqual([]);
    });

    it("refuses an anonymous caller of every guarded Query and Mutation field with UNAUTHENTICATED, running nothing", async () => {
      expect(await unrefusedCalls(undefined, "UNAUTHENTICATED", () => true)).toEqual([]);
    });

    it("refuses a caller without permissions on every permission-guarded field with FORBIDDEN, running nothing", async () => {
      const needsPermission = (rule: FieldRule) => rule.kind !== "authenticated";
      expect(await unrefusedCalls(subgraph.tokens.withoutPermissions, "FORBIDDEN", needsPermission)).toEqual([]);
    });

    it("refuses an unsigned request (a direct call that bypasses the gateway) with 401", async () => {
      const { status, body } = await post({ query: "{ __typename }" }, { token: subgraph.tokens.admin, signed: false });
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    });

    it("refuses an unsigned _entities call with 401", async () => {
      const { status } = await post(
        { query: "query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }", variables: { r: [] } },
        { signed: false },
      );
      expect(status).toBe(401);
    });

    it("prints its SDL through _service for the gateway", async () => {
      const { body } = await post({ query: "{ _service { sdl } }" });
      expect(body.errors).toBeUndefined();
      const sdl = (body.data?._service as { sdl: string } | undefined)?.sdl ?? "";
      expect(sdl.trimEnd()).toBe(printSubgraphSdl(subgraph.schema).trimEnd());
    });

    it("resolves each @key entity through _entities for the gateway", async () => {
      const keys = entityKeysOf(subgraph.schema);
      for (const { typeName, fields } of keys) {
        const known = subgraph.entities?.[typeName];
        const representation = known
          ? { __typename: typeName, ...known }
          : entityRepresentation(subgraph.schema, typeName, fields);
        const { body } = await post(
          {
            query: "query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }",
            variables: { r: [representation] },
          },
          { token: subgraph.tokens.admin },
        );
        expect(body.errors, `${typeName}: ${JSON.stringify(body.errors)}`).toBeUndefined();
        const [entity] = (body.data?._entities as ({ __typename: string } | null)[] | undefined) ?? [];
        if (known) expect(entity, typeName).toEqual({ __typename: typeName });
        // An unknown key finds nothing; a type this subgraph only extends answers the stub it was given.
        else expect([null, { __typename: typeName }], typeName).toContainEqual(entity ?? null);
      }
    });

    it("answers /health with 200 and /metrics with the process series", async () => {
      const base = new URL(subgraph.url);
      const health = await fetch(new URL("/health", base));
      expect(health.status).toBe(200);
      await health.body?.cancel();
      const metrics = await fetch(new URL("/metrics", base));
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain("process_cpu");
    });

    // Last: it reads the codes of every error the suite's calls received.
    it("gave every error a documented extensions.code", () => {
      expect(seenCodes.length).toBeGreaterThan(0);
      const undocumented = seenCodes.filter(
        ({ code }) => typeof code !== "string" || !Object.hasOwn(ERROR_CODES, code),
      );
      expect(undocumented).toEqual([]);
    });
  });
}
