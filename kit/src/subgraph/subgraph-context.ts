// The context every resolver of every subgraph receives: the verified caller, the database, Redis,
// a logger carrying the request's correlation id, and the request's DataLoaders.

import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@ms5/db";
import DataLoader from "dataloader";
import type { RequestIdentity } from "../auth/request-identity.ts";
import { currentCorrelationId, type Logger } from "../logger.ts";
import type { RedisClient } from "../redis-client.ts";

export interface SubgraphContext {
  /** Who is asking, verified by this subgraph from the forwarded Authorization header. */
  identity: RequestIdentity;
  prisma: PrismaClient;
  redis: RedisClient;
  /** A child of the service logger with this request's correlationId. */
  logger: Logger;
  correlationId: string;
  /** DataLoaders of this request (of this event, for a subscription), made on first use. */
  loaders: RequestLoaders;
}

/**
 * A batch loader declared once at module level and instantiated per request, so its cache never
 * outlives the request and never mixes two callers' permissions.
 */
export interface LoaderDefinition<Key, Value, CacheKey = Key> {
  batch(keys: readonly Key[], context: SubgraphContext): PromiseLike<ArrayLike<Value | Error>>;
  options?: DataLoader.Options<Key, Value, CacheKey>;
}

export function defineLoader<Key, Value, CacheKey = Key>(
  batch: LoaderDefinition<Key, Value, CacheKey>["batch"],
  options?: DataLoader.Options<Key, Value, CacheKey>,
): LoaderDefinition<Key, Value, CacheKey> {
  return options ? { batch, options } : { batch };
}

/** The DataLoaders of one request, keyed by their definition. */
export class RequestLoaders {
  readonly #loaders = new Map<LoaderDefinition<never, unknown, unknown>, DataLoader<unknown, unknown, unknown>>();

  constructor(private readonly context: () => SubgraphContext) {}

  /** This request's loader for `definition`. */
  of<Key, Value, CacheKey = Key>(definition: LoaderDefinition<Key, Value, CacheKey>): DataLoader<Key, Value, CacheKey> {
    const existing = this.#loaders.get(definition as LoaderDefinition<never, unknown, unknown>);
    if (existing) return existing as DataLoader<Key, Value, CacheKey>;
    const loader = new DataLoader<Key, Value, CacheKey>(
      (keys) => definition.batch(keys, this.context()),
      definition.options,
    );
    this.#loaders.set(
      definition as LoaderDefinition<never, unknown, unknown>,
      loader as DataLoader<unknown, unknown, unknown>,
    );
    return loader;
  }

  /**
   * Forgets every cached value. A subscription's context lives as long as the subscription, so the
   * server calls this after each event: the next event reads fresh rows.
   */
  clearAll(): void {
    for (const loader of this.#loaders.values()) loader.clearAll();
  }
}

export interface SubgraphContextParts {
  identity: RequestIdentity;
  prisma: PrismaClient;
  redis: RedisClient;
  logger: Logger;
  correlationId: string;
}

/**
 * `extras` are the subgraph's own long-lived services (runtime, event bus, file store...), made once
 * where it starts and given to startSubgraphServer: the same objects in every request's context.
 */
export function createSubgraphContext<Extras extends object = Record<never, never>>(
  parts: SubgraphContextParts,
  extras?: Extras,
): SubgraphContext & Extras {
  // Inside withCorrelationId (HTTP requests) the logger's mixin adds the id already; binding it too
  // would print it twice. Subscription events run outside it and need the binding.
  const logger =
    currentCorrelationId() === parts.correlationId
      ? parts.logger.child({})
      : parts.logger.child({ correlationId: parts.correlationId });
  // The extras first: none may replace a part of the kit's context.
  const context = {
    ...extras,
    ...parts,
    logger,
    loaders: new RequestLoaders(() => context),
  } as SubgraphContext & Extras;
  return context;
}

const CORRELATION_ID_PATTERN = /^[\w.:-]{1,128}$/;

/** The correlation id the gateway sent, if it is a sane one (it ends up in every log line), else a new one. */
export function correlationIdFrom(sent: string | undefined): string {
  return sent && CORRELATION_ID_PATTERN.test(sent) ? sent : randomUUID();
}
