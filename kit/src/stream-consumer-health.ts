// What a stream consumer shows an operator: Prometheus series (dead letters waiting, entries
// trimmed before they were acknowledged, PLC sequence gaps, transient failures) and a /health check
// that stays healthy but warns while any of them says something was set aside or lost.
import { Gauge, type Registry } from "prom-client";
import type { HealthCheck } from "./ops-endpoints.ts";
import type { RedisClient } from "./redis-client.ts";
import type { StreamConsumer } from "./stream-consumer.ts";
import type { StreamSequenceAudit } from "./stream-sequence-audit.ts";

export interface StreamConsumerWatch {
  redis: RedisClient;
  consumer: StreamConsumer;
  /** The PLC sequence audit, when this service runs one. */
  audit?: StreamSequenceAudit | null;
}

/** Entries trimmed before acknowledgement: those the group never read plus those it held pending. */
async function trimmedBeforeAck(consumer: StreamConsumer): Promise<number> {
  const lags = await consumer.lag();
  return consumer.stats.trimmedBeforeAck + lags.reduce((sum, lag) => sum + lag.trimmedUnread, 0);
}

export function registerStreamConsumerMetrics(registry: Registry, watch: StreamConsumerWatch): void {
  const { redis, consumer, audit } = watch;
  const group = consumer.group;
  new Gauge({
    name: "ms5_stream_dead_letters",
    help: "Entries waiting in the consumer group's dead-letter stream (pnpm streams:dead-letters).",
    labelNames: ["group"],
    registers: [registry],
    async collect() {
      this.set({ group }, await redis.xLen(consumer.deadLetterStream));
    },
  });
  new Gauge({
    name: "ms5_stream_entries_trimmed_before_ack",
    help: "Entries MAXLEN trimmed before the group acknowledged them: their effect is lost.",
    labelNames: ["group"],
    registers: [registry],
    async collect() {
      this.set({ group }, await trimmedBeforeAck(consumer));
    },
  });
  new Gauge({
    name: "ms5_stream_transient_failures",
    help: "Transient failures (database or Redis away, serialization, timeouts) retried since start.",
    labelNames: ["group"],
    registers: [registry],
    collect() {
      this.set({ group }, consumer.stats.transientFailures);
    },
  });
  new Gauge({
    name: "ms5_stream_consumer_retrying",
    help: "1 while the consumer holds its entries and retries a transient failure.",
    labelNames: ["group"],
    registers: [registry],
    collect() {
      this.set({ group }, consumer.stats.retryingSince === null ? 0 : 1);
    },
  });
  if (audit) {
    new Gauge({
      name: "ms5_stream_sequence_gaps",
      help: "Entries missing from a PLC's seq since start: lost before any consumer saw them.",
      labelNames: ["plc"],
      registers: [registry],
      collect() {
        for (const [plc, gaps] of audit.gapsByPlc) this.set({ plc }, gaps);
      },
    });
  }
}

/** Healthy while Redis answers; warns about dead letters, trimmed entries, gaps and long retries. */
export function streamConsumerHealthCheck(watch: StreamConsumerWatch): HealthCheck {
  const { redis, consumer, audit } = watch;
  return async () => {
    const deadLetters = await redis.xLen(consumer.deadLetterStream);
    const trimmed = await trimmedBeforeAck(consumer);
    const gaps = audit?.totalGaps ?? 0;
    const retryingSince = consumer.stats.retryingSince;
    const warnings = [
      deadLetters > 0
        ? `${deadLetters} dead letter(s) in ${consumer.deadLetterStream} (pnpm streams:dead-letters)`
        : "",
      trimmed > 0 ? `${trimmed} entries trimmed before they were acknowledged` : "",
      gaps > 0 ? `${gaps} entries missing from PLC sequences` : "",
      retryingSince !== null ? `retrying a transient failure since ${new Date(retryingSince).toISOString()}` : "",
    ].filter(Boolean);
    return {
      ok: true,
      detail: {
        deadLetters,
        trimmedBeforeAck: trimmed,
        sequenceGaps: gaps,
        retryingSince,
        streams: consumer.followedStreams.length,
      },
      ...(warnings.length > 0 ? { warning: warnings.join("; ") } : {}),
    };
  };
}
