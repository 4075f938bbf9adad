// The bridge as one object: a connection and a poller per PLC, one stream publisher with its disk
// buffer, metrics and health. server.ts wires it to the environment; tests and the benchmark call
// the same factory. applyPlant() follows a changed plant without a restart: a PLC whose connection
// settings changed reconnects, one whose tag map changed gets a new poller on its open connection,
// an unchanged one keeps polling.
import { mkdirSync } from "node:fs";
import { createMetricsRegistry, createRedisClient, type HealthCheck, type Logger, settleWithin } from "@ms5/kit";
import {
  DEFAULT_KEY_PREFIX,
  DIAGNOSTICS_SNAPSHOT_INTERVAL_MS,
  DIAGNOSTICS_SNAPSHOT_TTL_S,
  DIAGNOSTICS_SNAPSHOT_VERSION,
  type DiagnosticsSnapshot,
  diagnosticsSnapshotKey,
} from "@ms5/schema";
import type { Registry } from "prom-client";
import { createBridgeMetrics } from "./bridge-metrics.ts";
import { DiskBuffer } from "./disk-buffer.ts";
import { PlcConnection } from "./driver/plc-connection.ts";
import { createPlcDriver } from "./driver/plc-driver-registry.ts";
import type { PlantConfig, PlcConfig } from "./plant-config.ts";
import { PlcPoller } from "./plc-poller.ts";
import { type CounterTotals, StreamPublisher } from "./stream-publisher.ts";

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
  /** How often each PLC's diagnostics snapshot is written to Redis. @default DIAGNOSTICS_SNAPSHOT_INTERVAL_MS (2 s) */
  diagnosticsIntervalMs?: number;
}

/** What applyPlant() did to each PLC, by name. */
export interface PlantApplied {
  added: string[];
  /** Connection settings changed: closed and connected again. */
  reconnected: string[];
  /** Equipment or tag maps changed: a new poller on the same connection. */
  retagged: string[];
  removed: string[];
  unchanged: string[];
}

export interface Bridge {
  readonly registry: Registry;
  readonly publisher: StreamPublisher;
  /** The pollers now running, one per PLC, in plant order. */
  readonly pollers: readonly PlcPoller[];
  readonly buffer: DiskBuffer;
  /** Health checks by name; the object follows applyPlant() (a PLC added or removed is a key more or less). */
  healthChecks(): Record<string, HealthCheck>;
  /** Follows a changed plant (already validated) without a restart. */
  applyPlant(plant: PlantConfig): PlantApplied;
  /** Each PLC's diagnostics now: what the bridge writes to Redis every few seconds. */
  diagnosticsSnapshots(): DiagnosticsSnapshot[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface PlcRuntime {
  config: PlcConfig;
  connection: PlcConnection;
  poller: PlcPoller;
}

/** What a driver's connection depends on; anything else of a PLC can change under an open connection. */
function connectionSettingsOf(plc: PlcConfig): string {
  return JSON.stringify([plc.driver, plc.host, plc.port, plc.slot, plc.timeoutMs, plc.connected]);
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

  const runtimes = new Map<string, PlcRuntime>();

  function createConnection(plc: PlcConfig): PlcConnection {
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
  }

  function createPoller(plc: PlcConfig, connection: PlcConnection): PlcPoller {
    const poller: PlcPoller = new PlcPoller({
      plc,
      reader: connection,
      logger,
      ...(options.commsLostAfterMs ? { commsLostAfterMs: options.commsLostAfterMs } : {}),
      publish: (name, entries) => {
        // A poller replaced by applyPlant() may finish a read in flight: its entries are dropped, and
        // its successor counts on from the totals last published, so nothing is counted twice or lost
        if (runtimes.get(plc.name)?.poller !== poller) return;
        publisher.publish(name, entries);
        metrics.bufferDepth.set(buffer.depth);
      },
      onRead: ({ ok, tags, ms }) => {
        metrics.reads.inc({ plc: plc.name, outcome: ok ? "ok" : "failed" });
        if (ok) {
          metrics.tagsRead.inc({ plc: plc.name }, tags);
          metrics.readSeconds.observe({ plc: plc.name }, ms / 1000);
        }
        metrics.plcConnected.set({ plc: plc.name }, connection.state === "connected" ? 1 : 0);
        metrics.reconnects.set({ plc: plc.name }, connection.counters.reconnects);
      },
    });
    return poller;
  }

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

  function plcCheck(name: string): HealthCheck {
    return async () => {
      const runtime = runtimes.get(name);
      if (!runtime) return { ok: false, detail: { removed: true } };
      const { poller, connection } = runtime;
      const stats = poller.stats;
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
  }

  function add(plc: PlcConfig, connection = createConnection(plc)): PlcRuntime {
    // Registered before it starts: its publish callback checks it is still the PLC's poller
    const runtime: PlcRuntime = { config: plc, connection, poller: createPoller(plc, connection) };
    runtimes.set(plc.name, runtime);
    checks[`plc:${plc.name}`] = plcCheck(plc.name);
    return runtime;
  }

  for (const plc of options.plant.plcs) add(plc);

  /**
   * Starts a poller that applyPlant() put in place: its counters count on from the totals consumers
   * were given, as at start, once what its predecessor published is sent or buffered.
   */
  async function startPoller(runtime: PlcRuntime): Promise<void> {
    const { processors } = runtime.poller;
    const totals = await publisher
      .drain()
      .then(() =>
        publisher.counterTotalsAtStart(
          processors.map((processor) => ({ code: processor.config.code, line: processor.config.line })),
        ),
      )
      .catch((error: unknown) => {
        // The first reading then sets the base: units made meanwhile are not counted, never twice
        logger.warn({ err: error, plc: runtime.config.name }, "counter totals unknown for a changed PLC");
        return new Map<string, CounterTotals | undefined>();
      });
    if (stopped || runtimes.get(runtime.config.name) !== runtime) return;
    for (const processor of processors) processor.restoreCounterTotals(totals.get(processor.config.code));
    runtime.poller.start();
  }

  function snapshotOf({ config, connection, poller }: PlcRuntime): DiagnosticsSnapshot {
    const { stats } = poller;
    return {
      v: DIAGNOSTICS_SNAPSHOT_VERSION,
      plc: config.name,
      writtenAt: Date.now(),
      connection: {
        state: connection.state,
        commsLost: stats.commsLost,
        goodReads: stats.reads,
        failedReads: stats.failedReads,
        lastRoundTripMs: stats.lastRoundTripMs ?? null,
        reconnects: connection.counters.reconnects,
        failedConnects: connection.counters.failedConnects,
        lastGoodReadAt: stats.lastGoodReadAt ?? null,
        lastError: connection.counters.lastError ?? null,
      },
      tags: poller.tagNames.map((name) => {
        const last = stats.tagValues.get(name);
        return {
          name,
          value: last?.value ?? null,
          readAt: last?.readAt ?? null,
          changedAt: last?.changedAt ?? null,
          error: stats.tagErrors.get(name) ?? null,
        };
      }),
    };
  }

  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  let diagnosticsTimer: NodeJS.Timeout | undefined;
  let diagnosticsFailures = 0;
  async function writeDiagnostics(): Promise<void> {
    if (!redis.isReady) return;
    try {
      // One round trip for every PLC; the expiry makes a dead bridge's snapshot vanish on its own.
      const multi = redis.multi();
      for (const runtime of runtimes.values()) {
        multi.set(diagnosticsSnapshotKey(runtime.config.name, keyPrefix), JSON.stringify(snapshotOf(runtime)), {
          expiration: { type: "EX", value: DIAGNOSTICS_SNAPSHOT_TTL_S },
        });
      }
      await multi.execAsPipeline();
      diagnosticsFailures = 0;
    } catch (error) {
      // Diagnostics are best effort: the telemetry path has its own buffer, these are not worth one
      if (diagnosticsFailures++ % 100 === 0) logger.warn({ err: error }, "diagnostics snapshot not written");
    }
  }

  let stopped = false;
  let started = false;
  return {
    registry,
    publisher,
    buffer,
    get pollers() {
      return [...runtimes.values()].map((runtime) => runtime.poller);
    },
    healthChecks() {
      return checks;
    },
    diagnosticsSnapshots() {
      return [...runtimes.values()].map(snapshotOf);
    },
    applyPlant(plant) {
      const applied: PlantApplied = { added: [], reconnected: [], retagged: [], removed: [], unchanged: [] };
      if (stopped) return applied;
      const wanted = new Set(plant.plcs.map((plc) => plc.name));
      for (const [name, runtime] of runtimes) {
        if (wanted.has(name)) continue;
        runtime.poller.stop();
        runtimes.delete(name);
        delete checks[`plc:${name}`];
        void runtime.connection.close();
        applied.removed.push(name);
      }
      for (const plc of plant.plcs) {
        const current = runtimes.get(plc.name);
        if (current && JSON.stringify(current.config) === JSON.stringify(plc)) {
          applied.unchanged.push(plc.name);
          continue;
        }
        current?.poller.stop();
        const sameController = current && connectionSettingsOf(current.config) === connectionSettingsOf(plc);
        if (current && !sameController) void current.connection.close();
        const runtime = add(plc, sameController ? current.connection : undefined);
        if (started) {
          if (!sameController) runtime.connection.start();
          void startPoller(runtime);
        }
        (current ? (sameController ? applied.retagged : applied.reconnected) : applied.added).push(plc.name);
      }
      logger.info(applied, "plant configuration applied");
      return applied;
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
      const processors = [...runtimes.values()].flatMap(({ poller }) => poller.processors);
      const totals = await publisher.counterTotalsAtStart(
        processors.map((processor) => ({ code: processor.config.code, line: processor.config.line })),
      );
      for (const processor of processors) processor.restoreCounterTotals(totals.get(processor.config.code));
      started = true;
      for (const { connection, poller } of runtimes.values()) {
        connection.start();
        poller.start();
      }
      diagnosticsTimer = setInterval(
        () => void writeDiagnostics(),
        options.diagnosticsIntervalMs ?? DIAGNOSTICS_SNAPSHOT_INTERVAL_MS,
      );
      diagnosticsTimer.unref();
      logger.info(
        {
          plcs: runtimes.size,
          tagsPerSecond: Math.round(
            [...runtimes.values()].reduce((sum, { poller }) => sum + poller.configuredTagsPerSecond, 0),
          ),
        },
        "bridge started",
      );
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(diagnosticsTimer);
      for (const { poller } of runtimes.values()) poller.stop();
      await Promise.all([...runtimes.values()].map(({ connection }) => connection.close()));
      await publisher.stop();
      buffer.close();
      redis.destroy();
    },
  };
}
