// The bridge's Prometheus metrics, in one place so every part records into the same series.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export function createBridgeMetrics(registry: Registry) {
  return {
    tagsRead: new Counter({
      name: "ms5_bridge_tags_read_total",
      help: "Tag values read from PLCs",
      labelNames: ["plc"],
      registers: [registry],
    }),
    reads: new Counter({
      name: "ms5_bridge_reads_total",
      help: "Batched read requests, by outcome",
      labelNames: ["plc", "outcome"],
      registers: [registry],
    }),
    readSeconds: new Histogram({
      name: "ms5_bridge_read_duration_seconds",
      help: "Duration of one batched PLC read",
      labelNames: ["plc"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    plcConnected: new Gauge({
      name: "ms5_bridge_plc_connected",
      help: "1 while the PLC answers",
      labelNames: ["plc"],
      registers: [registry],
    }),
    reconnects: new Gauge({
      name: "ms5_bridge_plc_reconnects",
      help: "Reconnections to the PLC since start",
      labelNames: ["plc"],
      registers: [registry],
    }),
    published: new Counter({
      name: "ms5_bridge_entries_published_total",
      help: "Stream entries Redis acknowledged",
      labelNames: ["source"],
      registers: [registry],
    }),
    sendSeconds: new Histogram({
      name: "ms5_bridge_redis_send_duration_seconds",
      help: "Duration of one pipelined XADD batch",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2],
      registers: [registry],
    }),
    bufferDepth: new Gauge({
      name: "ms5_bridge_buffer_entries",
      help: "Entries waiting on disk for Redis",
      registers: [registry],
    }),
    bufferBytes: new Gauge({
      name: "ms5_bridge_buffer_bytes",
      help: "Bytes waiting on disk for Redis",
      registers: [registry],
    }),
    dropped: new Counter({
      name: "ms5_bridge_entries_dropped_total",
      help: "Entries dropped: by the buffer's size or age bound, or from memory when neither Redis nor the disk took them",
      labelNames: ["reason"],
      registers: [registry],
    }),
    bufferCorrupt: new Counter({
      name: "ms5_bridge_buffer_corrupt_total",
      help: "Corrupt disk buffer records skipped (what=record) or unreadable head files (what=head)",
      labelNames: ["what"],
      registers: [registry],
    }),
    bufferWriteFailures: new Counter({
      name: "ms5_bridge_buffer_write_failures_total",
      help: "Disk buffer writes the disk refused (full or failing)",
      registers: [registry],
    }),
    stateWriteFailures: new Counter({
      name: "ms5_bridge_sequence_state_write_failures_total",
      help: "Sequence state saves the disk refused (the next start opens a new epoch)",
      registers: [registry],
    }),
    alreadyDelivered: new Counter({
      name: "ms5_bridge_entries_already_delivered_total",
      help: "Replayed entries found already in Redis and not sent again",
      registers: [registry],
    }),
  };
}
export type BridgeMetrics = ReturnType<typeof createBridgeMetrics>;
