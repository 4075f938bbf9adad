// Takes queued report runs, as many at once as the render concurrency (per instance; FOR UPDATE
// SKIP LOCKED lets several instances share the queue without taking one run twice), gathers the
// figures, renders the PDF in a worker thread, and stores it with its SHA-256 and size. Progress is
// written on the run and published (reportRunUpdated); a run cancelled meanwhile is left cancelled
// and its file is not kept; a failure is recorded with its reason.
import { createHash } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PrismaClient } from "@ms5/db";
import type { Logger } from "@ms5/kit";
import { reportContentOf } from "../report-content/report-content-of.ts";
import type { ReportRenderer } from "../report-rendering/report-renderer.ts";
import type { ReportParameters } from "./report-parameters.ts";

export const REPORT_RUNNER_DEFAULTS = {
  /**
   * @default 5,000 ms: the longest a queued run waits before an idle runner looks again when the
   * wake-up published by generateReport was lost (Redis away).
   */
  pollMs: 5_000,
  /**
   * @default 1 run rendered at a time per instance (REPORT_RENDER_CONCURRENCY): on a 2-core machine
   * one render leaves a core to the API and the live path; the queue absorbs the rest.
   */
  concurrency: 1,
} as const;

export interface ReportRunnerOptions {
  prisma: PrismaClient;
  logger: Logger;
  renderer: ReportRenderer;
  /** Where PDFs are written, as <run id>.pdf. */
  reportDirectory: string;
  pollMs?: number;
  /** Runs taken at once; the renderer's pool should be as large. @default REPORT_RUNNER_DEFAULTS.concurrency */
  concurrency?: number;
  /** Tells subscribers a run changed (after the change committed). */
  publishUpdate?: (runId: string) => Promise<void>;
  /** Told when a run finished, whatever its end (a scheduled run then waits for delivery). */
  onFinished?: (runId: string) => void;
}

export class ReportRunner {
  readonly #options: ReportRunnerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;
  /** A wake-up that came while a pass ran: the pass may have looked before the run was queued. */
  #wokenWhileRunning = false;

  constructor(options: ReportRunnerOptions) {
    this.#options = options;
  }

  start(): void {
    const loop = async () => {
      if (this.#stopped) return;
      this.#running = this.runQueued().catch((error: unknown) =>
        this.#options.logger.error({ err: error }, "report runner failed"),
      );
      await this.#running;
      this.#running = undefined;
      if (this.#stopped) return;
      const again = this.#wokenWhileRunning;
      this.#wokenWhileRunning = false;
      this.#timer = setTimeout(loop, again ? 0 : (this.#options.pollMs ?? REPORT_RUNNER_DEFAULTS.pollMs));
    };
    void loop();
  }

  /** Looks for queued runs at once (a run was queued on some instance) instead of at the next poll. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#wokenWhileRunning = true;
      return;
    }
    if (!this.#timer) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** Runs queued runs until none is left, `concurrency` at a time; returns how many it took. */
  async runQueued(): Promise<number> {
    const lanes = Math.max(1, this.#options.concurrency ?? REPORT_RUNNER_DEFAULTS.concurrency);
    const taken = await Promise.all(Array.from({ length: lanes }, () => this.#drain()));
    return taken.reduce((sum, n) => sum + n, 0);
  }

  async #drain(): Promise<number> {
    let taken = 0;
    for (;;) {
      const [claimed] = await this.#options.prisma.$queryRaw<{ id: string }[]>`
        UPDATE report_run SET status = 'RUNNING', "startedAt" = now(), progress = 0.05
        WHERE id = (SELECT id FROM report_run WHERE status = 'QUEUED' ORDER BY "queuedAt", id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING id::text AS id`;
      if (!claimed) return taken;
      taken++;
      await this.#published(claimed.id);
      await this.runOne(claimed.id);
      await this.#published(claimed.id);
      this.#options.onFinished?.(claimed.id);
    }
  }

  async runOne(id: string): Promise<void> {
    const { prisma, logger } = this.#options;
    const run = await prisma.reportRun.findUniqueOrThrow({ where: { id }, include: { template: true } });
    const file = path.join(this.#options.reportDirectory, `${id}.pdf`);
    try {
      const content = await reportContentOf(prisma, run.template, run.parameters as unknown as ReportParameters);
      if (!(await this.#progress(id, 0.3))) return;
      const pdf = await this.#options.renderer.render(content);
      if (!(await this.#progress(id, 0.8))) return;
      await mkdir(this.#options.reportDirectory, { recursive: true });
      await writeFile(file, pdf, { mode: 0o600 });
      const done = await prisma.reportRun.updateMany({
        where: { id, status: "RUNNING" },
        data: {
          status: "SUCCEEDED",
          progress: 1,
          finishedAt: new Date(),
          fileKey: `${id}.pdf`,
          contentType: "application/pdf",
          fileSizeBytes: pdf.length,
          fileSha256: createHash("sha256").update(pdf).digest("hex"),
        },
      });
      // Cancelled while the file was written: the run stays cancelled and keeps no file.
      if (done.count === 0) await rm(file, { force: true });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.warn({ err: error, reportRunId: id }, "report run failed");
      await prisma.reportRun.updateMany({
        where: { id, status: "RUNNING" },
        data: { status: "FAILED", error: reason.slice(0, 2_000), finishedAt: new Date() },
      });
    }
  }

  /** Records progress; false when the run is no longer RUNNING (cancelled), so the work stops. */
  async #progress(id: string, progress: number): Promise<boolean> {
    const updated = await this.#options.prisma.reportRun.updateMany({
      where: { id, status: "RUNNING" },
      data: { progress },
    });
    if (updated.count === 1) await this.#published(id);
    return updated.count === 1;
  }

  async #published(id: string): Promise<void> {
    await this.#options.publishUpdate?.(id);
  }
}
