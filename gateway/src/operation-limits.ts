// GraphQL Armor's limits on one operation (depth, aliases, tokens, directives, cost), from the
// gateway's one limits object. Enforced on the gateway's API schema before an operation is planned,
// so a refused operation never reaches a subgraph.
import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { GraphQLArmorCallbackConfiguration } from "@escape.tech/graphql-armor-types";
import type { ErrorCode } from "@ms5/schema";
import { GraphQLError, Lexer, Source, TokenKind, type ValidationContext } from "graphql";
import type { OperationLimits } from "./gateway-defaults.ts";
import { type ListBounds, listPricingPlugin, listPricingRule } from "./list-pricing.ts";

/** The code every refusal by an operation limit carries, whatever the transport. */
export const OPERATION_LIMIT_CODE = "QUERY_TOO_COMPLEX" satisfies ErrorCode;

/**
 * A limit's refusal (depth, aliases, directives, tokens), carrying its code from the moment it is
 * made, so the error formatter and the subscription planner recognise it by code and never by the
 * wording of Armor's messages.
 */
export class OperationLimitExceeded extends GraphQLError {
  constructor(message: string) {
    // Armor words its refusals as syntax errors; they are not.
    super(message.replace(/^Syntax Error: /, ""), {
      extensions: { code: OPERATION_LIMIT_CODE, http: { status: 400 } },
    });
  }
}

/** Whether `error`, or an error it wraps (Apollo wraps validation errors), is a limit's refusal. */
export function isOperationLimitRefusal(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = (current as GraphQLError).originalError) {
    if (current instanceof OperationLimitExceeded) return true;
    if (!(current instanceof GraphQLError)) return false;
  }
  return false;
}

/** Armor reports a refusal as an OperationLimitExceeded instead of its own code-less error. */
const REFUSE_WITH_CODE: GraphQLArmorCallbackConfiguration = {
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) => {
      const refusal = new OperationLimitExceeded(error.message);
      if (!context) throw refusal;
      context.reportError(refusal);
    },
  ],
};

/**
 * Armor's rules and plugins, plus list pricing: on the HTTP path as a plugin (variables known), and
 * as a validation rule for transports that validate a document on its own (`documentRules`).
 */
export function operationLimitProtection(
  limits: OperationLimits,
  options: { production: boolean; listBounds: ListBounds },
) {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, flattenFragments: false, exposeLimits: true, ...REFUSE_WITH_CODE },
    // Armor lets `__typename` aliases through uncounted; 500 of them are 500 resolver runs all the
    // same, answered to anyone, so every alias counts.
    maxAliases: { n: limits.maxAliases, allowList: [], exposeLimits: true, ...REFUSE_WITH_CODE },
    // Armor's Apollo token plugin throws from parsingDidStart, which Apollo answers with a 500 (and
    // it turns every syntax error into one); the gateway counts tokens itself (tokenLimitRefusal).
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives, exposeLimits: true, ...REFUSE_WITH_CODE },
    // Armor's cost does not multiply by list sizes; list-pricing.ts prices by the declared bounds.
    costLimit: { enabled: false },
    // "Did you mean ...?" maps the schema for someone who cannot introspect it.
    blockFieldSuggestion: { enabled: options.production },
  });
  const { plugins, validationRules } = armor.protect();
  return {
    plugins: [...plugins, listPricingPlugin(options.listBounds, limits)],
    validationRules,
    /** Every rule for a document validated without its variables (list pricing at the largest page). */
    documentRules: [...validationRules, listPricingRule(options.listBounds, limits)],
  };
}

/**
 * The refusal when `query` has more than `maxTokens` lexical tokens, else undefined. Counted with
 * graphql's lexer before anything parses the document, stopping at the limit; a document the lexer
 * cannot read is left for the parser to report.
 */
export function tokenLimitRefusal(query: string, maxTokens: number): OperationLimitExceeded | undefined {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      count++;
      if (count > maxTokens) return new OperationLimitExceeded(`Token limit of ${maxTokens} exceeded.`);
    }
  } catch {
    return undefined;
  }
  return undefined;
}
