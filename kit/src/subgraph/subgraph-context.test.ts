// A subgraph's own services reach its resolvers through the request context (context extras), not
// through module-level registries keyed by a client: the same objects in every request, never
// replacing what the kit puts there.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@ms5/db";
import { describe, expect, it } from "vitest";
import { ANONYMOUS_IDENTITY } from "../auth/request-identity.ts";
import { createLogger } from "../logger.ts";
import type { RedisClient } from "../redis-client.ts";
import { createSubgraphContext } from "./subgraph-context.ts";

const logger = createLogger({ service: "test-subgraph-context", level: "silent" });
const prisma = {} as PrismaClient;
const redis = {} as RedisClient;

function partsOf(correlationId: string = randomUUID()) {
  return { identity: ANONYMOUS_IDENTITY, prisma, redis, logger, correlationId };
}

describe("a subgraph's request context", () => {
  it("carries the subgraph's context extras, the same objects in every request, with fresh loaders each time", () => {
    const runtime = { name: "andon runtime" };
    const events = { name: "event bus" };
    const first = createSubgraphContext(partsOf(), { runtime, events });
    const second = createSubgraphContext(partsOf(), { runtime, events });
    expect(first.runtime).toBe(runtime);
    expect(second.runtime).toBe(runtime);
    expect(second.events).toBe(events);
    expect(first.loaders).not.toBe(second.loaders);
  });

  it("never lets an extra replace the kit's own parts (database, Redis, identity, loaders)", () => {
    const impostor = {} as PrismaClient;
    const context = createSubgraphContext(partsOf("req-1"), {
      prisma: impostor,
      correlationId: "forged",
      loaders: "none",
    });
    expect(context.prisma).toBe(prisma);
    expect(context.redis).toBe(redis);
    expect(context.correlationId).toBe("req-1");
    expect(typeof context.loaders.of).toBe("function");
  });

  it("is the kit's context alone when a subgraph has no extras", () => {
    const context = createSubgraphContext(partsOf());
    expect(Object.keys(context).sort()).toEqual(["correlationId", "identity", "loaders", "logger", "prisma", "redis"]);
  });
});
