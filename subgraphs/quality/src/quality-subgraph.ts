// The quality subgraph as one value: its schema and what it needs to run (the live SPC consumer of
// the check weigher's weights, the due-check scheduler, live events), shared by the binary
// (server.ts) and the tests, so both start the same thing.
import { hostname } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PrismaClient, SpcViolation } from "@ms5/db";
import {
  type Clock,
  createMetricsRegistry,
  type DatabaseClock,
  databaseClockOf,
  type Logger,
  type RecordSigningKeys,
  type RedisClient,
  registerStreamConsumerMetrics,
  type StreamConsumer,
  type StreamConsumerSettings,
  streamConsumerHealthCheck,
} from "@ms5/kit";
import type { VerificationKeys } from "@ms5/kit/auth";
import { type StartSubgraphServerOptions, type SubgraphServer, startSubgraphServer } from "@ms5/kit/subgraph";
import { Counter } from "prom-client";
import type { QualityContextExtras } from "./builder.ts";
import { DueCheckScheduler } from "./checks/due-check-scheduler.ts";
import {
  ephemeralQualitySigningKeys,
  hasQualitySigningKeys,
  registerQualitySigningKeys,
} from "./checks/release-check-signatures.ts";
import { startWeightConsumer } from "./live-spc/weight-consumer.ts";
import { QualityEventBus } from "./quality-events/quality-event-bus.ts";
import type { QualityRuntime } from "./quality-runtime.ts";
import { schema } from "./schema/index.ts";

/** subgraphs/quality/schema.graphql: the committed SDL composition reads. */
export const QUALITY_SDL_PATH = fileURLToPath(new URL("../schema.graphql", import.meta.url));
export const QUALITY_SUBGRAPH_DIRECTORY = path.dirname(QUALITY_SDL_PATH);

export { schema as qualitySchema };

export interface QualitySubgraphOptions {
  prisma: PrismaClient;
  /** Connected by the caller, who also closes it. */
  redis: RedisClient;
  logger: Logger;
  verificationKeys: VerificationKeys;
  /**
   * QUALITY_SIGNING_KEYS: MAC release-check signatures. @default keys already registered for
   * `prisma`, else a key made now (its signatures are UNKNOWN_KEY to a later process).
   */
  signingKeys?: RecordSigningKeys;
  gatewaySecret: string | readonly string[];
  /** 0 picks a free port (tests). */
  port: number;
  production?: boolean;
  settings?: StartSubgraphServerOptions["settings"];
  sdlPath?: string;
  /** Unique per instance: the weight consumer's name. */
  instanceId?: string;
  /** Prefix of stream keys and pub/sub channels. @default "ms5:" */
  keyPrefix?: string;
  /**
   * When checks fall due and become overdue, and the time of every quality record. @default the
   * database's clock (the kit's DatabaseClock), so instances with skewed clocks agree on overdue;
   * tests give a clock they move.
   */
  clock?: Clock;
  /** The live SPC consumer of the lines' telemetry; false for an instance that only serves the API (tests). */
  weights?:
    | {
        settings?: Partial<StreamConsumerSettings>;
        onApplied?: (result: { weights: number; subgroups: number; violations: SpcViolation[] }) => void;
      }
    | false;
  /** The due-check pass timer; false to run passes only through `scheduler.runOnce()` (tests). */
  scheduler?: { intervalMs?: number } | false;
}

export interface QualitySubgraph {
  server: SubgraphServer;
  runtime: QualityRuntime;
  scheduler: DueCheckScheduler;
  weightConsumer: StreamConsumer | null;
  bus: QualityEventBus;
  /** Stops the consumer and the scheduler, then the server; Prisma and Redis stay open. */
  close(): Promise<void>;
}

export async function createQualitySubgraph(options: QualitySubgraphOptions): Promise<QualitySubgraph> {
  const keyPrefix = options.keyPrefix ?? "ms5:";
  const instanceId = options.instanceId ?? `quality-${hostname()}-${process.pid}`;
  let databaseClock: DatabaseClock | undefined;
  if (!options.clock) {
    databaseClock = databaseClockOf(options.prisma, options.logger.child({ component: "database-clock" }));
    await databaseClock.start();
  }
  const clock: Clock = options.clock ?? databaseClock!;
  const now = () => clock.now();
  if (options.signingKeys) registerQualitySigningKeys(options.prisma, options.signingKeys);
  else if (!hasQualitySigningKeys(options.prisma))
    registerQualitySigningKeys(options.prisma, ephemeralQualitySigningKeys());
  const metricsRegistry = createMetricsRegistry("quality");
  const livePublishFailures = new Counter({
    name: "quality_live_publish_failures_total",
    help: "Quality live updates not published on Redis (down or too slow); the change itself is committed.",
    registers: [metricsRegistry],
  });
  const bus = new QualityEventBus({
    redis: options.redis,
    logger: options.logger.child({ component: "quality-events" }),
    keyPrefix,
    onPublishFailure: () => livePublishFailures.inc(),
  });
  const runtime: QualityRuntime = {
    prisma: options.prisma,
    redis: options.redis,
    keyPrefix,
    now,
    publish: (events) => bus.publish(events),
  };
  const contextExtras: QualityContextExtras = { quality: runtime, qualityEvents: bus };
  const scheduler = new DueCheckScheduler({
    prisma: options.prisma,
    redis: options.redis,
    logger: options.logger.child({ component: "due-checks" }),
    keyPrefix,
    clock,
    publish: runtime.publish,
    ...(options.scheduler ? { intervalMs: options.scheduler.intervalMs } : {}),
  });

  let weightConsumer: StreamConsumer | null = null;
  async function stopEverything() {
    await weightConsumer?.stop();
    await scheduler.stop();
    databaseClock?.stop();
  }
  async function releaseRuntime() {
    await bus.close();
  }
  try {
    if (options.weights !== false) {
      const weights = options.weights ?? {};
      weightConsumer = await startWeightConsumer({
        prisma: options.prisma,
        redis: options.redis,
        logger: options.logger.child({ component: "weight-consumer" }),
        consumerName: instanceId,
        keyPrefix,
        publish: runtime.publish,
        ...(weights.settings ? { settings: weights.settings } : {}),
        ...(weights.onApplied ? { onApplied: weights.onApplied } : {}),
      });
    }
    if (options.scheduler !== false) scheduler.start();
    const weightStreams = weightConsumer ? { redis: options.redis, consumer: weightConsumer } : null;
    if (weightStreams) registerStreamConsumerMetrics(metricsRegistry, weightStreams);
    const server = await startSubgraphServer({
      name: "quality",
      schema,
      port: options.port,
      prisma: options.prisma,
      redis: options.redis,
      logger: options.logger,
      verificationKeys: options.verificationKeys,
      gatewaySecret: options.gatewaySecret,
      metricsRegistry,
      contextExtras,
      ...(weightStreams ? { healthChecks: { streams: streamConsumerHealthCheck(weightStreams) } } : {}),
      ...(options.sdlPath ? { sdlPath: options.sdlPath } : {}),
      ...(options.settings ? { settings: options.settings } : {}),
      ...(options.production === undefined ? {} : { production: options.production }),
    });
    let closing: Promise<void> | undefined;
    return {
      server,
      runtime,
      scheduler,
      weightConsumer,
      bus,
      close() {
        closing ??= (async () => {
          await stopEverything();
          await server.close();
          await releaseRuntime();
        })();
        return closing;
      },
    };
  } catch (error) {
    await stopEverything();
    await releaseRuntime();
    throw error;
  }
}
