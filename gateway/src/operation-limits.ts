// GraphQL Armor's limits on one operation (depth, aliases, tokens, directives, cost), from the
// gateway's one limits object. Enforced on the gateway's API schema before an operation is planned,
// so a refused operation never reaches a subgraph.
import { ApolloArmor } from "@escape.tech/graphql-armor";
import { Lexer, Source, TokenKind } from "graphql";
import type { OperationLimits } from "./gateway-defaults.ts";
import { type ListBounds, listPricingPlugin, listPricingRule } from "./list-pricing.ts";

/** Start of every message a limit's refusal has (Armor's messages with `exposeLimits: true`). */
export const OPERATION_LIMIT_MESSAGE =
  /^Syntax Error: (Token limit|Query depth limit|Aliases limit|Directives limit) of \d+ exceeded/;

/**
 * Armor's rules and plugins, plus list pricing: on the HTTP path as a plugin (variables known), and
 * as a validation rule for transports that validate a document on its own (`documentRules`).
 */
export function operationLimitProtection(
  limits: OperationLimits,
  options: { production: boolean; listBounds: ListBounds },
) {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, flattenFragments: false, exposeLimits: true },
    // Armor lets `__typename` aliases through uncounted; 500 of them are 500 resolver runs all the
    // same, answered to anyone, so every alias counts.
    maxAliases: { n: limits.maxAliases, allowList: [], exposeLimits: true },
    // Armor's Apollo token plugin throws from parsingDidStart, which Apollo answers with a 500 (and
    // it turns every syntax error into one); the gateway counts tokens itself (tokenLimitMessage).
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives, exposeLimits: true },
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
 * The refusal message when `query` has more than `maxTokens` lexical tokens, else undefined. Counted
 * with graphql's lexer before anything parses the document, stopping at the limit; a document the
 * lexer cannot read is left for the parser to report.
 */
export function tokenLimitMessage(query: string, maxTokens: number): string | undefined {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      count++;
      if (count > maxTokens) return `Syntax Error: Token limit of ${maxTokens} exceeded.`;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
