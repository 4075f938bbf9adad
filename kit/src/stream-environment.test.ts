import { describe, expect, it } from "vitest";
import { ConfigError } from "./config.ts";
import { parseStreamEnvironment } from "./stream-environment.ts";

describe("the stream environment every service reads", () => {
  it("reads REDIS_URL, STREAM_KEY_PREFIX and INSTANCE_ID, with the documented defaults", () => {
    expect(
      parseStreamEnvironment({
        REDIS_URL: "redis://redis.plant:6380",
        STREAM_KEY_PREFIX: "plant7:",
        INSTANCE_ID: "line-pc-3",
      }),
    ).toEqual({ redisUrl: "redis://redis.plant:6380", keyPrefix: "plant7:", instanceId: "line-pc-3" });
    expect(parseStreamEnvironment({})).toEqual({
      redisUrl: "redis://127.0.0.1:6379",
      keyPrefix: "ms5:",
      instanceId: undefined,
    });
  });

  it("refuses a prefix holding a Redis Cluster hash tag or a space, and a malformed instance id, naming each variable", () => {
    try {
      parseStreamEnvironment({ STREAM_KEY_PREFIX: "ms5:{plant}:", INSTANCE_ID: "pc 1" });
      expect.unreachable("the environment was accepted");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
        "INSTANCE_ID",
        "STREAM_KEY_PREFIX",
      ]);
    }
  });
});
