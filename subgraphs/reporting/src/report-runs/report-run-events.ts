// Report run events on Redis pub/sub through the kit's channel hub (one subscriber connection per
// instance): "report-run-updated" after every committed change of a run (queued, its progress,
// its end), which feeds the reportRunUpdated subscription on every instance, and "report-run-queued",
// which wakes every instance's runner so a new run starts at once rather than at the next poll.
// Subscribers read the run fresh; after a gap in the subscriber connection, the runs still queued or
// running and those that ended since the gap are sent again.
import type { PrismaClient } from "@ms5/db";
import { type ChannelGap, type Logger, RedisChannelHub, type RedisClient } from "@ms5/kit";

export interface ReportRunEvent {
  kind: "report-run-updated" | "report-run-queued";
  runId: string;
}

const UUID = /^[0-9a-f-]{36}$/i;

export function reportRunChannel(keyPrefix = "ms5:"): string {
  return `${keyPrefix}reporting:report-runs`;
}

function parseReportRunEvent(raw: string): ReportRunEvent | null {
  try {
    const value = JSON.parse(raw) as Partial<ReportRunEvent>;
    if ((value.kind === "report-run-updated" || value.kind === "report-run-queued") && UUID.test(value.runId ?? "")) {
      return { kind: value.kind, runId: value.runId! };
    }
  } catch {
    // Malformed: dropped below.
  }
  return null;
}

/** @default 200 runs sent again after a gap: those queued or running, then the latest that ended. */
export const MAX_RESYNCED_REPORT_RUNS = 200;

function currentRunState(prisma: PrismaClient) {
  return async (_channel: string, gap: ChannelGap): Promise<ReportRunEvent[]> => {
    const runs = await prisma.reportRun.findMany({
      where: { OR: [{ status: { in: ["QUEUED", "RUNNING"] } }, { finishedAt: { gte: gap.since } }] },
      select: { id: true },
      orderBy: { queuedAt: "desc" },
      take: MAX_RESYNCED_REPORT_RUNS,
    });
    return runs.map((run) => ({ kind: "report-run-updated" as const, runId: run.id }));
  };
}

export class ReportRunEvents {
  readonly #hub: RedisChannelHub<ReportRunEvent>;
  readonly #channel: string;

  constructor(options: { redis: RedisClient; logger: Logger; prisma: PrismaClient; keyPrefix?: string }) {
    this.#channel = reportRunChannel(options.keyPrefix);
    this.#hub = new RedisChannelHub<ReportRunEvent>({
      redis: options.redis,
      logger: options.logger,
      name: "report run event",
      parse: parseReportRunEvent,
      resync: currentRunState(options.prisma),
    });
  }

  /** Subscriptions listening on this instance, for tests and metrics. */
  get listenerCount(): number {
    return this.#hub.listenerCount;
  }

  /** After the caller's commit; a failed publish is logged by the hub and never undoes the change. */
  async publish(kind: ReportRunEvent["kind"], runId: string): Promise<void> {
    await this.#hub.publish(this.#channel, { kind, runId });
  }

  /** The updates of one run, as an async iterator; resolves once subscribed. */
  updatesOf(runId: string): Promise<AsyncIterableIterator<ReportRunEvent>> {
    return this.#hub.messages(this.#channel, (event) => event.kind === "report-run-updated" && event.runId === runId);
  }

  /** Every run queued on any instance. */
  queued(): Promise<AsyncIterableIterator<ReportRunEvent>> {
    return this.#hub.messages(this.#channel, (event) => event.kind === "report-run-queued");
  }

  close(): Promise<void> {
    return this.#hub.close();
  }
}
