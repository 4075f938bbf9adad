// The production subgraph as one value: its schema and what it needs to run, shared by the binary
// (server.ts) and the tests, so both start the same thing.

import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PrismaClient } from "@ms5/db";
import {
  createMetricsRegistry,
  type Logger,
  PlantChangeAnnouncer,
  type RedisClient,
  registerStreamConsumerMetrics,
  type StreamConsumer,
  type StreamConsumerSettings,
  StreamSequenceAudit,
  type StreamSequenceAuditSettings,
  streamConsumerHealthCheck,
} from "@ms5/kit";
import type { VerificationKeys } from "@ms5/kit/auth";
import { type StartSubgraphServerOptions, type SubgraphServer, startSubgraphServer } from "@ms5/kit/subgraph";
import { DEFAULT_KEY_PREFIX } from "@ms5/schema";
import type { ProductionContextExtras } from "./builder.ts";
import { DiagnosticsSnapshotReader } from "./equipment-diagnostics/equipment-diagnostics.ts";
import { startFaultEventRecorder } from "./fault-analysis/fault-event-recorder.ts";
import {
  type ChecklistSigningKeys,
  checklistSigningKeysOf,
  generateChecklistSigningKey,
  parseChecklistSigningKeys,
  registerChecklistSigningKeys,
} from "./jobs/checklist-signing-keys.ts";
import type { LineStateChange } from "./line-state/apply-telemetry-entry.ts";
import { activeLineStreams, startTelemetryConsumer } from "./line-state/telemetry-consumer.ts";
import { createLiveEventPublisher, LiveEventHub, type LiveEventSettings } from "./live-events/index.ts";
import { startScrapOeeConsumer } from "./oee-records/scrap-oee-consumer.ts";
import { PlcBridgeAsker } from "./plc-admin/plc-connection-test-request.ts";
import { schema } from "./schema/index.ts";
import { type ServiceHealthSource, SystemSurveyor } from "./system-health/system-survey.ts";

/** subgraphs/production/schema.graphql: the committed SDL composition reads. */
export const PRODUCTION_SDL_PATH = fileURLToPath(new URL("../schema.graphql", import.meta.url));

export { schema as productionSchema };

export interface ProductionSubgraphOptions {
  prisma: PrismaClient;
  /** Connected by the caller, who also closes it. */
  redis: RedisClient;
  logger: Logger;
  verificationKeys: VerificationKeys;
  /**
   * CHECKLIST_SIGNING_KEYS: MAC checklist signatures. @default keys already registered for `prisma`,
   * else one made for this instance (tests): its signatures verify only while the process runs.
   */
  checklistSigningKeys?: ChecklistSigningKeys;
  gatewaySecret: string | readonly string[];
  /** 0 picks a free port (tests). */
  port: number;
  production?: boolean;
  settings?: StartSubgraphServerOptions["settings"];
  /** Where to write the printed SDL at start; nothing is written when unset. */
  sdlPath?: string;
  /** STREAM_KEY_PREFIX: of the streams and of the plant change channel. @default telemetry.keyPrefix, else "ms5:" */
  keyPrefix?: string;
  telemetry?:
    | {
        /** Unique per instance, stable across its restarts (server.ts: `production-<instance id>`). @default `production-<pid>` */
        consumerName?: string;
        keyPrefix?: string;
        settings?: Partial<StreamConsumerSettings>;
        /** The PLC sequence audit over every line's telemetry and faults streams; false for none. */
        sequenceAudit?: Partial<StreamSequenceAuditSettings> | false;
        onChanges?: (changes: LineStateChange[]) => void;
      }
    | false;
  /**
   * Live events (subscriptions) over Redis pub/sub: this instance publishes what its consumer commits
   * and serves subscribers from one shared subscriber connection.
   */
  /** The services whose /health the system overview gathers (SERVICE_HEALTH_URLS). @default none */
  serviceHealth?: readonly ServiceHealthSource[];
  liveEvents?: {
    /** Prefix of the `<prefix>{<line id>}:live` channels. @default the stream keyPrefix */
    keyPrefix?: string;
    settings?: Partial<LiveEventSettings>;
  };
}

export interface ProductionSubgraph {
  server: SubgraphServer;
  /** Null when started without the telemetry consumer. */
  telemetryConsumer: StreamConsumer | null;
  /** Null when started without the telemetry consumer or with `sequenceAudit: false`. */
  sequenceAudit: StreamSequenceAudit | null;
  /** The reader of the quality subgraph's scrap notices; null when started without the telemetry consumer. */
  scrapConsumer: StreamConsumer | null;
  /** Records the bridge's fault edges as fault events; null when started without the telemetry consumer. */
  faultRecorder: StreamConsumer | null;
  /** Stops the consumer, then the server; Prisma and Redis stay open. */
  close(): Promise<void>;
}

/** Starts the telemetry consumer (unless told not to) and the subgraph server. */
export async function createProductionSubgraph(options: ProductionSubgraphOptions): Promise<ProductionSubgraph> {
  if (options.checklistSigningKeys) registerChecklistSigningKeys(options.prisma, options.checklistSigningKeys);
  else if (!hasChecklistSigningKeys(options.prisma)) {
    registerChecklistSigningKeys(options.prisma, parseChecklistSigningKeys(generateChecklistSigningKey()));
  }
  const telemetry = options.telemetry === false ? null : (options.telemetry ?? {});
  const streamKeyPrefix = options.keyPrefix ?? (telemetry ? telemetry.keyPrefix : undefined) ?? DEFAULT_KEY_PREFIX;
  const liveEventPrefix = options.liveEvents?.keyPrefix ?? streamKeyPrefix;
  const liveEventLogger = options.logger.child({ component: "live-events" });
  const liveEventHub = new LiveEventHub({
    redis: options.redis,
    prisma: options.prisma,
    logger: liveEventLogger,
    keyPrefix: liveEventPrefix,
    ...(options.liveEvents?.settings?.maxQueuedEventsPerSubscriber
      ? { maxQueuedEventsPerSubscriber: options.liveEvents.settings.maxQueuedEventsPerSubscriber }
      : {}),
  });
  const contextExtras: ProductionContextExtras = {
    liveEvents: liveEventHub,
    plantChanges: new PlantChangeAnnouncer({
      redis: options.redis,
      keyPrefix: streamKeyPrefix,
      logger: options.logger,
    }),
    plcBridge: new PlcBridgeAsker({ redis: options.redis, keyPrefix: streamKeyPrefix }),
    diagnostics: new DiagnosticsSnapshotReader({ redis: options.redis, keyPrefix: streamKeyPrefix }),
    systemSurveyor: new SystemSurveyor({
      prisma: options.prisma,
      redis: options.redis,
      keyPrefix: streamKeyPrefix,
      services: options.serviceHealth ?? [],
    }),
  };
  const publisher = telemetry
    ? createLiveEventPublisher({
        prisma: options.prisma,
        redis: options.redis,
        logger: liveEventLogger,
        keyPrefix: liveEventPrefix,
        ...(options.liveEvents?.settings ? { settings: options.liveEvents.settings } : {}),
      })
    : null;
  const onChanges = telemetry
    ? (changes: LineStateChange[]) => {
        publisher?.publish(changes);
        telemetry.onChanges?.(changes);
      }
    : undefined;
  async function stopLiveEvents() {
    await publisher?.close();
    await liveEventHub.close();
  }
  const telemetryConsumer = telemetry
    ? await startTelemetryConsumer({
        prisma: options.prisma,
        redis: options.redis,
        logger: options.logger.child({ component: "telemetry-consumer" }),
        consumerName: telemetry.consumerName ?? `production-${process.pid}`,
        keyPrefix: streamKeyPrefix,
        ...(telemetry.settings ? { settings: telemetry.settings } : {}),
        ...(onChanges ? { onChanges } : {}),
      })
    : null;
  // Scrap changes OEE, which this subgraph owns: it runs wherever the telemetry consumer does.
  const scrapConsumer = telemetry
    ? await startScrapOeeConsumer({
        prisma: options.prisma,
        redis: options.redis,
        logger: options.logger.child({ component: "scrap-consumer" }),
        consumerName: telemetry.consumerName ?? `production-${process.pid}`,
        keyPrefix: streamKeyPrefix,
        liveEventPrefix,
      })
    : null;
  // Fault analysis reads the fault events this records: it runs wherever the telemetry consumer does.
  const faultRecorder = telemetry
    ? await startFaultEventRecorder({
        prisma: options.prisma,
        redis: options.redis,
        logger: options.logger.child({ component: "fault-recorder" }),
        consumerName: telemetry.consumerName ?? `production-${process.pid}`,
        keyPrefix: streamKeyPrefix,
        ...(telemetry.settings ? { settings: telemetry.settings } : {}),
      })
    : null;
  const sequenceAudit =
    telemetryConsumer && telemetry?.sequenceAudit !== false
      ? new StreamSequenceAudit({
          redis: options.redis,
          // A PLC's seq runs across its line's telemetry and faults streams: both are read.
          listStreams: () => activeLineStreams(options.prisma, ["telemetry", "faults"], streamKeyPrefix),
          logger: options.logger.child({ component: "sequence-audit" }),
          ...(telemetry?.sequenceAudit ? { settings: telemetry.sequenceAudit } : {}),
        })
      : null;
  const metricsRegistry = createMetricsRegistry("production");
  if (telemetryConsumer) {
    registerStreamConsumerMetrics(metricsRegistry, {
      redis: options.redis,
      consumer: telemetryConsumer,
      audit: sequenceAudit,
    });
  }
  try {
    await sequenceAudit?.start();
    const server = await startSubgraphServer({
      name: "production",
      schema,
      port: options.port,
      prisma: options.prisma,
      redis: options.redis,
      logger: options.logger,
      verificationKeys: options.verificationKeys,
      gatewaySecret: options.gatewaySecret,
      metricsRegistry,
      contextExtras,
      ...(telemetryConsumer
        ? {
            healthChecks: {
              streams: streamConsumerHealthCheck({
                redis: options.redis,
                consumer: telemetryConsumer,
                audit: sequenceAudit,
              }),
            },
          }
        : {}),
      ...(options.sdlPath ? { sdlPath: options.sdlPath } : {}),
      ...(options.settings ? { settings: options.settings } : {}),
      ...(options.production === undefined ? {} : { production: options.production }),
    });
    let closing: Promise<void> | undefined;
    return {
      server,
      telemetryConsumer,
      sequenceAudit,
      scrapConsumer,
      faultRecorder,
      close() {
        closing ??= (async () => {
          await sequenceAudit?.stop();
          await telemetryConsumer?.stop();
          await scrapConsumer?.stop();
          await faultRecorder?.stop();
          // Subscriptions close with the server; their Redis subscriber connection goes after them.
          await server.close();
          await stopLiveEvents();
        })();
        return closing;
      },
    };
  } catch (error) {
    await sequenceAudit?.stop();
    await telemetryConsumer?.stop();
    await scrapConsumer?.stop();
    await faultRecorder?.stop();
    await stopLiveEvents();
    throw error;
  }
}

export const PRODUCTION_SUBGRAPH_DIRECTORY = path.dirname(PRODUCTION_SDL_PATH);

function hasChecklistSigningKeys(prisma: PrismaClient): boolean {
  try {
    checklistSigningKeysOf(prisma);
    return true;
  } catch {
    return false;
  }
}
