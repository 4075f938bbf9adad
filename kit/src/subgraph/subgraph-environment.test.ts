// A subgraph's environment: its own port variable, and a gateway secret it refuses to run without.
import { describe, expect, it } from "vitest";
import { ConfigError } from "../config.ts";
import { parseSubgraphEnvironment, subgraphServerOptionsOf } from "./subgraph-environment.ts";

const SECRET = "a-gateway-secret-long-enough-0123456789abcdef";

describe("a subgraph's environment", () => {
  it("gives each subgraph its own port variable and default", () => {
    expect(parseSubgraphEnvironment("andon", { SUBGRAPH_GATEWAY_SECRET: SECRET })).toMatchObject({
      port: 4003,
      host: "127.0.0.1",
      bodyLimitBytes: 1024 * 1024,
    });
    expect(
      parseSubgraphEnvironment("andon", { SUBGRAPH_GATEWAY_SECRET: SECRET, ANDON_SUBGRAPH_PORT: "5003" }).port,
    ).toBe(5003);
  });

  it("refuses to start without a gateway secret, or with a short one, naming the variable", () => {
    for (const value of [undefined, "too-short"]) {
      const attempt = () => parseSubgraphEnvironment("production", { SUBGRAPH_GATEWAY_SECRET: value });
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/SUBGRAPH_GATEWAY_SECRET/);
    }
  });

  it("accepts the previous secret beside the new one while the gateway rotates", () => {
    const environment = parseSubgraphEnvironment("quality", {
      SUBGRAPH_GATEWAY_SECRET: SECRET,
      SUBGRAPH_GATEWAY_PREVIOUS_SECRET: `old-${SECRET}`,
      NODE_ENV: "production",
    });
    expect(subgraphServerOptionsOf(environment)).toMatchObject({
      port: 4002,
      gatewaySecret: [SECRET, `old-${SECRET}`],
      production: true,
    });
  });
});
