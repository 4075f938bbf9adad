import { describe, expect, it } from "vitest";
import { ConfigError, env, parseConfig } from "./config.ts";

const shape = {
  DATABASE_URL: env.databaseUrl(),
  REDIS_URL: env.redisUrl(),
  PORT: env.port(4001),
  LOG_LEVEL: env.logLevel(),
};

describe("service configuration", () => {
  it("parses a good environment and fills in defaults", () => {
    const config = parseConfig(shape, {
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/ms5",
      REDIS_URL: "redis://127.0.0.1:6379",
    });
    expect(config).toEqual({
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/ms5",
      REDIS_URL: "redis://127.0.0.1:6379",
      PORT: 4001,
      LOG_LEVEL: "info",
    });
  });

  it("names every missing or bad variable in one error", () => {
    const error = (() => {
      try {
        parseConfig(shape, { DATABASE_URL: "mysql://localhost/x", PORT: "http", LOG_LEVEL: "loud" });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const variables = (error as ConfigError).problems.map((p) => p.variable).sort();
    expect(variables).toEqual(["DATABASE_URL", "LOG_LEVEL", "PORT", "REDIS_URL"]);
    expect((error as ConfigError).message).toContain("DATABASE_URL: must be a postgresql:// URL");
  });

  it("treats an empty variable as unset, so the default applies", () => {
    const config = parseConfig({ PORT: env.port(4001) }, { PORT: "" });
    expect(config.PORT).toBe(4001);
  });

  it("reads a switch as true/1 or false/0 in any case, and refuses anything else naming the variable", () => {
    const shape = { EMBEDDED_PG_FORCE: env.flag(false) };
    expect(parseConfig(shape, {}).EMBEDDED_PG_FORCE).toBe(false);
    expect(parseConfig(shape, { EMBEDDED_PG_FORCE: "TRUE" }).EMBEDDED_PG_FORCE).toBe(true);
    expect(parseConfig(shape, { EMBEDDED_PG_FORCE: "1" }).EMBEDDED_PG_FORCE).toBe(true);
    expect(parseConfig(shape, { EMBEDDED_PG_FORCE: "0" }).EMBEDDED_PG_FORCE).toBe(false);
    expect(() => parseConfig(shape, { EMBEDDED_PG_FORCE: "yes please" })).toThrow(
      "EMBEDDED_PG_FORCE: must be true or false (or 1 or 0)",
    );
  });
});
