// The web server's environment is checked at start like every service's: a bad value stops it with
// a message naming the variable (instrumentation.ts), and the defaults serve a local plant.
import { parseConfig } from "@ms5/kit/config";
import { afterEach, describe, expect, it, vi } from "vitest";
import { register } from "../instrumentation.ts";
import { webEnvironmentShape } from "../lib/server/web-environment.ts";

describe("the web app's environment", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("defaults to the local gateway on port 3000 with no proxy secret", () => {
    expect(parseConfig(webEnvironmentShape, { NODE_ENV: "production" })).toEqual({
      GATEWAY_URL: "http://127.0.0.1:4000",
      WEB_PORT: 3000,
      WEB_BEHIND_PROXY: false,
    });
  });

  it("refuses a gateway address that is not an http URL, a short proxy secret and a bad port, naming each", () => {
    expect(() =>
      parseConfig(webEnvironmentShape, {
        NODE_ENV: "production",
        GATEWAY_URL: "127.0.0.1:4000",
        GATEWAY_WS_URL: "http://127.0.0.1:4000/graphql",
        GATEWAY_PROXY_SECRET: "short",
        WEB_PORT: "eighty",
        WEB_BEHIND_PROXY: "maybe",
      }),
    ).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([
          expect.objectContaining({ variable: "GATEWAY_URL" }),
          expect.objectContaining({ variable: "GATEWAY_WS_URL" }),
          expect.objectContaining({ variable: "GATEWAY_PROXY_SECRET" }),
          expect.objectContaining({ variable: "WEB_PORT" }),
          expect.objectContaining({ variable: "WEB_BEHIND_PROXY" }),
        ]),
      }),
    );
  });

  it("stops the server at start with status 78 and the variable's name when a value is bad", async () => {
    vi.stubEnv("NEXT_RUNTIME", "nodejs");
    vi.stubEnv("GATEWAY_URL", "not a url");
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    await register();
    expect(exit).toHaveBeenCalledWith(78);
    expect(String(stderr.mock.calls[0]?.[0])).toMatch(
      /^web: Invalid configuration:\n {2}GATEWAY_URL: must be the gateway's/,
    );
  });
});
