// The gateway's environment: defaults, subgraph URL overrides, and a refusal naming the variable.
import { ConfigError } from "@ms5/kit";
import { describe, expect, it } from "vitest";
import { parseGatewayEnvironment } from "./gateway-environment.ts";

const SECRET = "a-gateway-secret-of-at-least-thirty-two-characters";

describe("the gateway's environment", () => {
  it("fills every default when only the secret is set", () => {
    expect(parseGatewayEnvironment({ SUBGRAPH_GATEWAY_SECRET: SECRET })).toMatchObject({
      port: 4000,
      host: "127.0.0.1",
      supergraphPath: "schema/supergraph.graphql",
      bodyLimitBytes: 262144,
      nodeEnv: "production",
      subgraphUrls: {},
      trustedDocuments: "allow",
      trustedDocumentsPath: "web/lib/graphql/generated/persisted-documents.json",
    });
  });

  it("reads GATEWAY_TRUSTED_DOCUMENTS and refuses a mode it does not know, naming the variable", () => {
    expect(
      parseGatewayEnvironment({ SUBGRAPH_GATEWAY_SECRET: SECRET, GATEWAY_TRUSTED_DOCUMENTS: "enforce" })
        .trustedDocuments,
    ).toBe("enforce");
    let error: unknown;
    try {
      parseGatewayEnvironment({ SUBGRAPH_GATEWAY_SECRET: SECRET, GATEWAY_TRUSTED_DOCUMENTS: "strict" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((problem) => problem.variable)).toEqual(["GATEWAY_TRUSTED_DOCUMENTS"]);
  });

  it("reads <NAME>_SUBGRAPH_URL for each subgraph that sets one", () => {
    const parsed = parseGatewayEnvironment({
      SUBGRAPH_GATEWAY_SECRET: SECRET,
      PRODUCTION_SUBGRAPH_URL: "http://10.0.0.5:4001/graphql",
      ANDON_SUBGRAPH_URL: "http://10.0.0.6:4003/graphql",
      QUALITY_SUBGRAPH_URL: "",
    });
    expect(parsed.subgraphUrls).toEqual({
      production: "http://10.0.0.5:4001/graphql",
      andon: "http://10.0.0.6:4003/graphql",
    });
  });

  it("refuses to start without the secret, or with a short one, naming the variable", () => {
    for (const source of [{}, { SUBGRAPH_GATEWAY_SECRET: "short" }]) {
      let error: unknown;
      try {
        parseGatewayEnvironment(source);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((problem) => problem.variable)).toEqual(["SUBGRAPH_GATEWAY_SECRET"]);
    }
  });
});
