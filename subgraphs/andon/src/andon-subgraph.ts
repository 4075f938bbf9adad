// The andon subgraph as one value: its schema and what it needs to run (the fault consumer, the
// escalation scheduler, live events, the notification dispatcher and feed), shared by the binary
// (server.ts) and the tests, so both start the same thing.
import { hostname } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PrismaClient } from "@ms5/db";
import {
  type Clock,
  createMetricsRegistry,
  type DatabaseClock,
  databaseClockOf,
  type Logger,
  type RedisClient,
  registerStreamConsumerMetrics,
  type StreamConsumer,
  type StreamConsumerSettings,
  streamConsumerHealthCheck,
} from "@ms5/kit";
import type { VerificationKeys } from "@ms5/kit/auth";
import { type StartSubgraphServerOptions, type SubgraphServer, startSubgraphServer } from "@ms5/kit/subgraph";
import { DEFAULT_KEY_PREFIX } from "@ms5/schema";
import { Counter } from "prom-client";
import { AlertEvaluator, type AlertEvaluatorSettings } from "./alerts/alert-evaluator.ts";
import { ANDON_DEFAULTS, type EscalationSchedulerSettings } from "./andon-defaults.ts";
import { AndonEventBus } from "./andon-events/andon-event-bus.ts";
import { PhotoStore } from "./andons/andon-photo.ts";
import type { AndonRuntime } from "./andons/andon-runtime.ts";
import type { FaultAndonOutcome } from "./andons/fault-andons.ts";
import { startFaultConsumer } from "./andons/fault-consumer.ts";
import { startQualityAndonConsumer } from "./andons/quality-andon-consumer.ts";
import type { AndonContextExtras } from "./builder.ts";

import { EscalationScheduler, type FiredEscalation } from "./escalation/escalation-scheduler.ts";
import type { EscalationDispatcher } from "./escalation/notification-dispatch.ts";
import { type EmailSender, NotificationDispatcher, NotificationFeed } from "./notifications/index.ts";
import { schema } from "./schema/index.ts";

/** subgraphs/andon/schema.graphql: the committed SDL composition reads. */
export const ANDON_SDL_PATH = fileURLToPath(new URL("../schema.graphql", import.meta.url));
export const ANDON_SUBGRAPH_DIRECTORY = path.dirname(ANDON_SDL_PATH);

export { schema as andonSchema };

export interface AndonSubgraphOptions {
  prisma: PrismaClient;
  /** Connected by the caller, who also closes it. */
  redis: RedisClient;
  logger: Logger;
  verificationKeys: VerificationKeys;
  gatewaySecret: string | readonly string[];
  /** 0 picks a free port (tests). */
  port: number;
  production?: boolean;
  settings?: StartSubgraphServerOptions["settings"];
  /** Where to write the printed SDL at start; nothing is written when unset. */
  sdlPath?: string;
  /** Unique per instance: the fault consumer's name and the owner written into claimed escalations. */
  instanceId?: string;
  /** Prefix of stream keys and pub/sub channels. @default "ms5:" */
  keyPrefix?: string;
  /**
   * @default the database's clock (measured offset, see DatabaseClock), so instances with skewed
   * clocks agree on due times and leases; tests move a ManualClock by hand.
   */
  clock?: Clock;
  /** Where photos are written (outside any web root). */
  photoDirectory: string;
  /** @default ANDON_DEFAULTS.maxPhotoBytes */
  maxPhotoBytes?: number;
  /** SMTP for e-mail notifications; null sends none (e-mail then falls back like a server that is down). */
  email?: EmailSender | null;
  /** @default a NotificationDispatcher over this database, Redis and `email` */
  dispatcher?: EscalationDispatcher;
  /** The bridge's fault streams; false for an instance that only serves the API (tests). */
  faults?: { settings?: Partial<StreamConsumerSettings>; onOutcome?: (outcome: FaultAndonOutcome) => void } | false;
  /** The quality subgraph's andon requests (overdue checks, out-of-spec); false to leave them unread (tests). */
  qualityRequests?: { settings?: Partial<StreamConsumerSettings> } | false;
  /** The escalation timer loop; false to fire only through `scheduler.runDue()` (tests with a ManualClock). */
  scheduler?: { settings?: Partial<EscalationSchedulerSettings>; onFired?: (fired: FiredEscalation) => void } | false;
  /** The production alert timer; false to evaluate only through `alertEvaluator.evaluateAll()` (tests). */
  alerts?: { settings?: Partial<AlertEvaluatorSettings> } | false;
}

export interface AndonSubgraph {
  server: SubgraphServer;
  runtime: AndonRuntime;
  /** The live andon events this instance's subscriptions listen to. */
  events: AndonEventBus;
  /** The in-app notification feed this instance's myNotifications subscriptions listen to. */
  notificationFeed: NotificationFeed;
  scheduler: EscalationScheduler;
  /** Null when started without the fault consumer. */
  faultConsumer: StreamConsumer | null;
  /** Null when started without the quality request consumer. */
  qualityAndonConsumer: StreamConsumer | null;
  alertEvaluator: AlertEvaluator;
  /** Stops the consumer and the scheduler, then the server; Prisma and Redis stay open. */
  close(): Promise<void>;
}

export async function createAndonSubgraph(options: AndonSubgraphOptions): Promise<AndonSubgraph> {
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const instanceId = options.instanceId ?? `andon-${hostname()}-${process.pid}`;
  let databaseClock: DatabaseClock | undefined;
  if (!options.clock) {
    databaseClock = databaseClockOf(options.prisma, options.logger.child({ component: "database-clock" }));
    await databaseClock.start();
  }
  const clock: Clock = options.clock ?? databaseClock!;
  const metricsRegistry = createMetricsRegistry("andon");
  const livePublishFailures = new Counter({
    name: "andon_live_publish_failures_total",
    help: "Live updates not published on Redis (down or too slow), by feed; the change itself is committed.",
    labelNames: ["feed"],
    registers: [metricsRegistry],
  });
  const bus = new AndonEventBus({
    redis: options.redis,
    logger: options.logger.child({ component: "andon-events" }),
    keyPrefix,
    onPublishFailure: () => livePublishFailures.inc({ feed: "andon-events" }),
    prisma: options.prisma,
  });
  const feed = new NotificationFeed({
    redis: options.redis,
    prisma: options.prisma,
    logger: options.logger.child({ component: "notification-feed" }),
    keyPrefix,
  });
  const dispatcher =
    options.dispatcher ??
    new NotificationDispatcher({
      prisma: options.prisma,
      redis: options.redis,
      logger: options.logger.child({ component: "notifications" }),
      email: options.email ?? null,
      keyPrefix,
      clock,
      onPublishFailure: () => livePublishFailures.inc({ feed: "notifications" }),
    });
  let scheduler: EscalationScheduler | undefined;
  const runtime: AndonRuntime = {
    prisma: options.prisma,
    clock,
    photos: new PhotoStore(options.photoDirectory),
    dispatcher,
    publish: (events) => bus.publish(events),
    escalationsChanged: () => scheduler?.wake(),
    maxPhotoBytes: options.maxPhotoBytes ?? ANDON_DEFAULTS.maxPhotoBytes,
  };
  const contextExtras: AndonContextExtras = { andon: runtime, andonEvents: bus, notificationFeed: feed };
  const schedulerOptions = options.scheduler === false ? {} : (options.scheduler ?? {});
  scheduler = new EscalationScheduler({
    prisma: options.prisma,
    logger: options.logger.child({ component: "escalation-scheduler" }),
    instanceId,
    clock,
    dispatcher,
    publish: runtime.publish,
    ...(schedulerOptions.settings ? { settings: schedulerOptions.settings } : {}),
    ...(schedulerOptions.onFired ? { onFired: schedulerOptions.onFired } : {}),
  });
  const schedulerLoop = options.scheduler !== false;
  const alertEvaluator = new AlertEvaluator({
    prisma: options.prisma,
    logger: options.logger.child({ component: "alert-evaluator" }),
    notifier: dispatcher,
    clock,
    ...(options.alerts ? { settings: options.alerts.settings ?? {} } : {}),
  });

  let faultConsumer: StreamConsumer | null = null;
  let qualityAndonConsumer: StreamConsumer | null = null;
  async function stopEverything() {
    await faultConsumer?.stop();
    await qualityAndonConsumer?.stop();
    await scheduler?.stop();
    await alertEvaluator.stop();
    databaseClock?.stop();
  }
  async function releaseRuntime() {
    await bus.close();
    await feed.close();
  }
  try {
    if (options.faults !== false) {
      const faults = options.faults ?? {};
      faultConsumer = await startFaultConsumer({
        runtime,
        prisma: options.prisma,
        redis: options.redis,
        logger: options.logger.child({ component: "fault-consumer" }),
        consumerName: instanceId,
        keyPrefix,
        ...(faults.settings ? { settings: faults.settings } : {}),
        ...(faults.onOutcome ? { onOutcome: faults.onOutcome } : {}),
      });
    }
    if (options.qualityRequests !== false) {
      qualityAndonConsumer = await startQualityAndonConsumer({
        runtime,
        prisma: options.prisma,
        redis: options.redis,
        logger: options.logger.child({ component: "quality-andon-consumer" }),
        consumerName: instanceId,
        keyPrefix,
        ...(options.qualityRequests?.settings ? { settings: options.qualityRequests.settings } : {}),
      });
    }
    if (schedulerLoop) scheduler.start();
    if (options.alerts !== false) alertEvaluator.start();
    const faultStreams = faultConsumer ? { redis: options.redis, consumer: faultConsumer } : null;
    if (faultStreams) registerStreamConsumerMetrics(metricsRegistry, faultStreams);
    const server = await startSubgraphServer({
      name: "andon",
      schema,
      port: options.port,
      prisma: options.prisma,
      redis: options.redis,
      logger: options.logger,
      verificationKeys: options.verificationKeys,
      gatewaySecret: options.gatewaySecret,
      metricsRegistry,
      contextExtras,
      ...(faultStreams ? { healthChecks: { streams: streamConsumerHealthCheck(faultStreams) } } : {}),
      ...(options.sdlPath ? { sdlPath: options.sdlPath } : {}),
      ...(options.settings ? { settings: options.settings } : {}),
      ...(options.production === undefined ? {} : { production: options.production }),
    });
    let closing: Promise<void> | undefined;
    return {
      server,
      runtime,
      events: bus,
      notificationFeed: feed,
      scheduler,
      faultConsumer,
      qualityAndonConsumer,
      alertEvaluator,
      close() {
        closing ??= (async () => {
          await stopEverything();
          // Subscriptions close with the server; their Redis subscriber connections go after them.
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
