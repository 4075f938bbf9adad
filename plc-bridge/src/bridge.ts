// The bridge as one object: a connection and a poller per PLC, one stream publisher with its disk
// buffer, metrics and health. server.ts wires it to the environment; tests and the benchmark call
// the same factory.
import { mkdirSync } from "node:fs";
import { createMetricsRegistry, createRedisClient, type HealthCheck, type Logger, settleWithin } from "@ms5/kit";
import type { Registry } from "prom-client";
import { createBridgeMetrics } from "./bridge-metrics.ts";
import { DiskBuffer } from "./disk-buffer.ts";
import { PlcConnection } from "./driver/plc-connection.ts";
import { createPlcDriver } from "./driver/plc-driver-registry.ts";
import type { PlantConfig } from "./plant-config.ts";
import { PlcPoller } from "./plc-poller.ts";
import { StreamPublisher } from "./stream-publisher.ts";

export interface BridgeOptions {
  plant: PlantConfig;
  redisUrl: string;
  bufferDir: string;
  logger: Logger;
  keyPrefix?: string;
  streamMaxLen?: number;
  bufferMaxBytes?: number;
  bufferMaxAgeMs?: number;
  commsLostAfterMs?: number;
  redisSendTimeoutMs?: number;
  /**
   * How long start waits for Redis before polling, to count on from the totals consumers were last
   * given (StreamPublisher.counterTotalsAtStart); polling starts after it either way. @default 3_000
   */
  redisWaitAtStartMs?: number;
  registry?: Registry;
}

export interface Bridge {
  readonly registry: Registry;
  readonly publisher: StreamPublisher;
  readonly pollers: readonly PlcPoller[];
  readonly buffer: DiskBuffer;
  healthChecks(): Record<string, HealthCheck>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createBridge(options: BridgeOptions): Bridge {
  const { logger } = options;
  const registry = options.registry ?? createMetricsRegistry("plc-bridge");
  const metrics = createBridgeMetrics(registry);
  mkdirSync(options.bufferDir, { recursive: true });
  const buffer = new DiskBuffer({
    dir: options.bufferDir,
    ...(options.bufferMaxBytes ? { maxBytes: options.bufferMaxBytes } : {}),
    ...(options.bufferMaxAgeMs ? { maxAgeMs: options.bufferMaxAgeMs } : {}),
    onDrop: (count, reason) => {
      metrics.dropped.inc({ reason }, count);
      logger.error({ count, reason }, "disk buffer full: oldest entries dropped");
    },
    onCorrupt: (count, what) => {
      metrics.bufferCorrupt.inc({ what }, count);
      logger.error({ count, what }, "disk buffer: corrupt data skipped");
    },
    onWriteFailure: (error, notWritten) => {
      metrics.bufferWriteFailures.inc();
      logger.error({ err: error, notWritten }, "disk buffer: the disk refused a write; entries kept in memory");
    },
  });
  // Commands must fail while Redis is away (the disk buffer takes over), not wait in memory.
  const redis = createRedisClient({ url: options.redisUrl, logger, failFastWhenDisconnected: true });
  redis.on("ready", () => {
    logger.info("redis connected");
    publisher.requestFlush();
  });

  const publisher = new StreamPublisher({
    redis,
    buffer,
    stateDir: options.bufferDir,
    logger,
    ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
    ...(options.streamMaxLen ? { maxLen: options.streamMaxLen } : {}),
    ...(options.redisSendTimeoutMs ? { sendTimeoutMs: options.redisSendTimeoutMs } : {}),
    onAlreadyDelivered: (count) => metrics.alreadyDelivered.inc(count),
    onDrop: (count) => metrics.dropped.inc({ reason: "memory" }, count),
    onStateWriteFailure: () => metrics.stateWriteFailures.inc(),
    onSend: ({ entries, ok, ms, fromBuffer }) => {
      if (ok) metrics.published.inc({ source: fromBuffer ? "buffer" : "live" }, entries);
      metrics.sendSeconds.observe(ms / 1000);
      metrics.bufferDepth.set(buffer.depth);
      metrics.bufferBytes.set(buffer.bytes);
    },
  });

  const connections = options.plant.plcs.map((plc) => {
    const connection = new PlcConnection(
      createPlcDriver(plc.driver, {
        host: plc.host,
        port: plc.port,
        slot: plc.slot,
        timeoutMs: plc.timeoutMs,
        connected: plc.connected,
      }),
    );
    connection.on("state", (state, previous) =>
      logger.info({ plc: plc.name, state, previous }, "PLC connection state"),
    );
    return connection;
  });
  const pollers = options.plant.plcs.map(
    (plc, i) =>
      new PlcPoller({
        plc,
        reader: connections[i]!,
        logger,
        ...(options.commsLostAfterMs ? { commsLostAfterMs: options.commsLostAfterMs } : {}),
        publish: (name, entries) => {
          publisher.publish(name, entries);
          metrics.bufferDepth.set(buffer.depth);
        },
        onRead: ({ ok, tags, ms }) => {
          metrics.reads.inc({ plc: plc.name, outcome: ok ? "ok" : "failed" });
          if (ok) {
            metrics.tagsRead.inc({ plc: plc.name }, tags);
            metrics.readSeconds.observe({ plc: plc.name }, ms / 1000);
          }
          metrics.plcConnected.set({ plc: plc.name }, connections[i]!.state === "connected" ? 1 : 0);
          metrics.reconnects.set({ plc: plc.name }, connections[i]!.counters.reconnects);
        },
      }),
  );

  let stopped = false;
  return {
    registry,
    publisher,
    pollers,
    buffer,
    healthChecks() {
      const checks: Record<string, HealthCheck> = {
        redis: async () => ({
          ok: redis.isReady,
          detail: {
            bufferedEntries: buffer.depth,
            droppedEntries: buffer.dropped + publisher.dropped,
            queuedInMemory: publisher.queued,
            bufferWriteFailures: buffer.writeFailures,
            corruptRecordsSkipped: buffer.corruptRecords,
          },
        }),
      };
      options.plant.plcs.forEach((plc, i) => {
        checks[`plc:${plc.name}`] = async () => {
          const stats = pollers[i]!.stats;
          const connection = connections[i]!;
          return {
            ok: connection.state === "connected" && !stats.commsLost,
            detail: {
              connected: connection.state === "connected",
              lastGoodReadAt: stats.lastGoodReadAt ? new Date(stats.lastGoodReadAt).toISOString() : null,
              failedReads: stats.failedReads,
              reconnects: connection.counters.reconnects,
              lastError: connection.counters.lastError ?? null,
              tagErrors: Object.fromEntries(stats.tagErrors),
            },
          };
        };
      });
      return checks;
    },
    async start() {
      // The bridge starts even when Redis is down: it buffers until Redis comes. It waits a moment
      // for Redis all the same, to count on from the totals consumers were last given.
      const connected = redis
        .connect()
        .then(() => true)
        .catch((error: unknown) => {
          logger.warn({ err: error }, "redis not reachable at start; buffering on disk");
          return false;
        });
      await settleWithin(connected, options.redisWaitAtStartMs ?? 3_000, () => new Error("redis slow at start")).catch(
        () => false,
      );
      const processors = pollers.flatMap((poller) => poller.processors);
      const totals = await publisher.counterTotalsAtStart(
        processors.map((processor) => ({ code: processor.config.code, line: processor.config.line })),
      );
      for (const processor of processors) processor.restoreCounterTotals(totals.get(processor.config.code));
      for (const connection of connections) connection.start();
      for (const poller of pollers) poller.start();
      logger.info(
        {
          plcs: options.plant.plcs.length,
          tagsPerSecond: Math.round(pollers.reduce((s, p) => s + p.configuredTagsPerSecond, 0)),
        },
        "bridge started",
      );
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const poller of pollers) poller.stop();
      await Promise.all(connections.map((c) => c.close()));
      await publisher.stop();
      buffer.close();
      redis.destroy();
    },
  };
}
