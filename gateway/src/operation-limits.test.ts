// The token count that stops a huge document before anything parses it.
import { describe, expect, it } from "vitest";
import { OPERATION_LIMIT_MESSAGE, tokenLimitMessage } from "./operation-limits.ts";

describe("the token limit", () => {
  it("lets a document at the limit through", () => {
    // { lines { name } } is 6 tokens.
    expect(tokenLimitMessage("{ lines { name } }", 6)).toBeUndefined();
  });

  it("refuses a document one token past the limit, with a message the error formatter recognises", () => {
    const message = tokenLimitMessage("{ lines { name code } }", 6);
    expect(message).toBe("Syntax Error: Token limit of 6 exceeded.");
    expect(OPERATION_LIMIT_MESSAGE.test(message!)).toBe(true);
  });

  it("stops counting at the limit instead of lexing a huge document to its end", () => {
    // The tail cannot be lexed: a counter that read to the end would hit it and give up (undefined);
    // one that stops at the limit never sees it.
    const huge = `{ ${"a ".repeat(1_000_000)} "unterminated }`;
    expect(tokenLimitMessage(huge, 100)).toMatch(/Token limit of 100/);
  });

  it("leaves a document the lexer cannot read to the parser, which reports it as a syntax error", () => {
    expect(tokenLimitMessage('{ lines(name: "unterminated) }', 100)).toBeUndefined();
  });

  it("does not count comments", () => {
    expect(tokenLimitMessage(`# ${"long comment ".repeat(100)}\n{ lines { name } }`, 6)).toBeUndefined();
  });
});
