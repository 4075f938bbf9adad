// The token count that stops a huge document before anything parses it.
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { isOperationLimitRefusal, tokenLimitRefusal } from "./operation-limits.ts";

describe("the token limit", () => {
  it("lets a document at the limit through", () => {
    // { lines { name } } is 6 tokens.
    expect(tokenLimitRefusal("{ lines { name } }", 6)).toBeUndefined();
  });

  it("refuses a document one token past the limit with QUERY_TOO_COMPLEX, recognised by its code, not its words", () => {
    const refusal = tokenLimitRefusal("{ lines { name code } }", 6);
    expect(refusal?.message).toBe("Token limit of 6 exceeded.");
    expect(refusal?.extensions.code).toBe("QUERY_TOO_COMPLEX");
    expect(isOperationLimitRefusal(refusal)).toBe(true);
    // Wrapped as Apollo wraps validation errors, it is still recognised; the same words alone are not.
    expect(isOperationLimitRefusal(new GraphQLError("wrapped", { originalError: refusal }))).toBe(true);
    expect(isOperationLimitRefusal(new GraphQLError("Syntax Error: Token limit of 6 exceeded."))).toBe(false);
  });

  it("stops counting at the limit instead of lexing a huge document to its end", () => {
    // The tail cannot be lexed: a counter that read to the end would hit it and give up (undefined);
    // one that stops at the limit never sees it.
    const huge = `{ ${"a ".repeat(1_000_000)} "unterminated }`;
    expect(tokenLimitRefusal(huge, 100)?.message).toMatch(/Token limit of 100/);
  });

  it("leaves a document the lexer cannot read to the parser, which reports it as a syntax error", () => {
    expect(tokenLimitRefusal('{ lines(name: "unterminated) }', 100)).toBeUndefined();
  });

  it("does not count comments", () => {
    expect(tokenLimitRefusal(`# ${"long comment ".repeat(100)}\n{ lines { name } }`, 6)).toBeUndefined();
  });
});
