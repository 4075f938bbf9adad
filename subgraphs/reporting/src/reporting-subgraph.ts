// The reporting subgraph as one value: its schema and what it needs to run (the OEE rollup that
// keeps SHIFT and DAY buckets current), shared by the binary (server.ts) and the tests.
import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type EmailSender, NotificationDispatcher } from "@ms5/andon/notifications";
import type { PrismaClient } from "@ms5/db";
import {
  type Clock,
  createMetricsRegistry,
  type DatabaseClock,
  databaseClockOf,
  type Logger,
  type RedisClient,
} from "@ms5/kit";
import type { VerificationKeys } from "@ms5/kit/auth";
import { type StartSubgraphServerOptions, type SubgraphServer, startSubgraphServer } from "@ms5/kit/subgraph";
import type { ReportingContextExtras } from "./builder.ts";
import { OeeRollup } from "./oee-rollup/oee-rollup.ts";
import { ReportRenderer } from "./report-rendering/report-renderer.ts";
import { ReportRunEvents } from "./report-runs/report-run-events.ts";
import { REPORT_RUNNER_DEFAULTS, ReportRunner } from "./report-runs/report-runner.ts";
import type { ReportingFiles } from "./report-runs/reporting-files.ts";
import { ReportDelivery } from "./report-schedules/report-delivery.ts";
import { ReportScheduler } from "./report-schedules/report-scheduler.ts";
import type { OeeRollupSettings, ReportSchedulerSettings } from "./reporting-defaults.ts";
import { schema } from "./schema/index.ts";

/** subgraphs/reporting/schema.graphql: the committed SDL composition reads. */
export const REPORTING_SDL_PATH = fileURLToPath(new URL("../schema.graphql", import.meta.url));
export const REPORTING_SUBGRAPH_DIRECTORY = path.dirname(REPORTING_SDL_PATH);

export { schema as reportingSchema };

export interface ReportingSubgraphOptions {
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
  /** The OEE rollup loop; false to roll up only through `rollup.runPass()` (tests). */
  rollup?: { settings?: Partial<OeeRollupSettings>; now?: () => Date } | false;
  /** Where report PDFs are written (outside any web root). */
  reportDirectory: string;
  /** The report run loop; false to run queued reports only through `runner.runQueued()` (tests). */
  runner?: { pollMs?: number } | false;
  /** Reports rendered at once on this instance. @default REPORT_RUNNER_DEFAULTS.concurrency (1) */
  renderConcurrency?: number;
  /** Prefix of the Redis channels. @default "ms5:" */
  keyPrefix?: string;
  /**
   * The schedule loop; false (or `loop: false`) to fire schedules only through `scheduler.runPass()`
   * (tests, which also pass their own clock as `now`).
   */
  /**
   * The schedule loop. `clock` defaults to the database's (measured offset, see the kit's DatabaseClock),
   * so instances with skewed clocks agree on fire times and leases; tests give a clock they move.
   */
  scheduler?: { settings?: Partial<ReportSchedulerSettings>; clock?: Clock; loop?: boolean } | false;
  /** SMTP (andon's sender) for scheduled reports; null or absent: recipients are told in-app. */
  email?: EmailSender | null;
  /** Unique per instance: written into the schedules and deliveries it claims. @default a random id */
  instanceId?: string;
}

export interface ReportingSubgraph {
  server: SubgraphServer;
  /** Report run changes of every instance, as this instance's subscriptions hear them. */
  events: ReportRunEvents;
  rollup: OeeRollup;
  runner: ReportRunner;
  scheduler: ReportScheduler;
  delivery: ReportDelivery;
  /** Stops the rollup, the scheduler and the report runner, then the server; Prisma and Redis stay open. */
  close(): Promise<void>;
}

export async function createReportingSubgraph(options: ReportingSubgraphOptions): Promise<ReportingSubgraph> {
  const rollupOptions = options.rollup === false ? {} : (options.rollup ?? {});
  const rollup = new OeeRollup({
    prisma: options.prisma,
    logger: options.logger.child({ component: "oee-rollup" }),
    ...(rollupOptions.settings ? { settings: rollupOptions.settings } : {}),
    ...(rollupOptions.now ? { now: rollupOptions.now } : {}),
  });
  const renderConcurrency = options.renderConcurrency ?? REPORT_RUNNER_DEFAULTS.concurrency;
  const renderer = new ReportRenderer(renderConcurrency);
  const events = new ReportRunEvents({
    redis: options.redis,
    logger: options.logger.child({ component: "report-run-events" }),
    prisma: options.prisma,
    ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
  });
  const files: ReportingFiles = {
    reportDirectory: options.reportDirectory,
    linkSecret: typeof options.gatewaySecret === "string" ? options.gatewaySecret : options.gatewaySecret[0]!,
  };
  const contextExtras: ReportingContextExtras = { reportRunEvents: events, reportingFiles: files };
  const instanceId = options.instanceId ?? `reporting-${randomUUID()}`;
  const schedulerOptions = options.scheduler === false ? {} : (options.scheduler ?? {});
  let databaseClock: DatabaseClock | undefined;
  if (!schedulerOptions.clock) {
    databaseClock = databaseClockOf(options.prisma, options.logger.child({ component: "database-clock" }));
    await databaseClock.start();
  }
  const clock: Clock = schedulerOptions.clock ?? databaseClock!;
  const delivery = new ReportDelivery({
    prisma: options.prisma,
    logger: options.logger.child({ component: "report-delivery" }),
    instanceId,
    email: options.email ?? null,
    // In-app only: the e-mail of a scheduled report carries its PDF and goes out above.
    notifier: new NotificationDispatcher({
      prisma: options.prisma,
      redis: options.redis,
      logger: options.logger.child({ component: "report-notifications" }),
      email: null,
    }),
    reportDirectory: options.reportDirectory,
    ...(schedulerOptions.settings ? { settings: schedulerOptions.settings } : {}),
    clock,
  });
  const runner = new ReportRunner({
    prisma: options.prisma,
    logger: options.logger.child({ component: "report-runner" }),
    renderer,
    reportDirectory: options.reportDirectory,
    ...(options.runner ? { pollMs: options.runner.pollMs } : {}),
    concurrency: renderConcurrency,
    publishUpdate: (runId) => events.publish("report-run-updated", runId),
    // The scheduler is made just below; a run finishes long after.
    onFinished: () => scheduler.wake(),
  });
  const scheduler: ReportScheduler = new ReportScheduler({
    prisma: options.prisma,
    logger: options.logger.child({ component: "report-scheduler" }),
    instanceId,
    delivery,
    onQueued: () => runner.wake(),
    ...(schedulerOptions.settings ? { settings: schedulerOptions.settings } : {}),
    clock,
  });
  const server = await startSubgraphServer({
    name: "reporting",
    schema,
    port: options.port,
    prisma: options.prisma,
    redis: options.redis,
    logger: options.logger,
    verificationKeys: options.verificationKeys,
    gatewaySecret: options.gatewaySecret,
    metricsRegistry: createMetricsRegistry("reporting"),
    contextExtras,
    ...(options.sdlPath ? { sdlPath: options.sdlPath } : {}),
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.production === undefined ? {} : { production: options.production }),
  });
  if (options.rollup !== false) rollup.start();
  if (options.runner !== false) {
    runner.start();
    // A run queued on any instance wakes this one's runner (the poll is only the fallback).
    const queued = await events.queued();
    void (async () => {
      for await (const _run of queued) runner.wake();
    })();
  }
  if (options.scheduler !== false && options.scheduler?.loop !== false) scheduler.start();
  let closing: Promise<void> | undefined;
  return {
    server,
    events,
    rollup,
    runner,
    scheduler,
    delivery,
    close() {
      closing ??= (async () => {
        await scheduler.stop();
        databaseClock?.stop();
        await rollup.stop();
        await runner.stop();
        await renderer.close();
        await server.close();
        await events.close();
      })();
      return closing;
    },
  };
}
