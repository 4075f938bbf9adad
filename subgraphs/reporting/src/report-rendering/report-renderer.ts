// A pool of worker threads rendering PDFs, each one report at a time; requests wait in order for a
// free worker. The pool's size is the render concurrency (default 1: on a 2-core machine one render
// at a time leaves a core to the API and the live path; the queue absorbs the rest). Workers start on
// first use.
import { Worker } from "node:worker_threads";
import type { ReportContent } from "../report-content/report-content.ts";
import type { RenderRequest, RenderResponse, RenderWorkerData } from "./render-worker.ts";

export const RENDER_DEFAULTS = {
  /**
   * @default 19 (the lowest CPU priority): a render thread yields the cores to every other thread
   * of the machine, so a burst of reports slows the reports, not the live path (sensor to
   * subscriber while four reports render, BENCHMARKS.md "Reporting"). 0 renders at normal priority.
   */
  nice: 19,
} as const;

interface PendingRender {
  id: number;
  content: ReportContent;
  resolve: (pdf: Buffer) => void;
  reject: (error: Error) => void;
}

export class ReportRenderer {
  readonly #size: number;
  readonly #idle: Worker[] = [];
  readonly #busy = new Map<Worker, PendingRender>();
  readonly #waiting: PendingRender[] = [];
  #started = 0;
  #nextId = 1;
  #closed = false;

  readonly #nice: number;

  /**
   * @param concurrency worker threads, at least 1.
   * @param nice the workers' CPU priority (Linux nice, per thread: the API and the live path on this
   *   process's other threads keep theirs). @default RENDER_DEFAULTS.nice (19)
   */
  constructor(concurrency = 1, nice: number = RENDER_DEFAULTS.nice) {
    this.#size = Math.max(1, Math.floor(concurrency));
    this.#nice = nice;
  }

  get concurrency(): number {
    return this.#size;
  }

  render(content: ReportContent): Promise<Buffer> {
    if (this.#closed) return Promise.reject(new Error("the renderer was closed"));
    return new Promise((resolve, reject) => {
      this.#waiting.push({ id: this.#nextId++, content, resolve, reject });
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const workers = [...this.#idle, ...this.#busy.keys()];
    this.#idle.length = 0;
    for (const pending of [...this.#busy.values(), ...this.#waiting.splice(0)]) {
      pending.reject(new Error("the renderer was closed"));
    }
    this.#busy.clear();
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  #dispatch(): void {
    while (this.#waiting.length > 0) {
      const worker = this.#idle.pop() ?? (this.#started < this.#size ? this.#startWorker() : undefined);
      if (!worker) return;
      const pending = this.#waiting.shift()!;
      this.#busy.set(worker, pending);
      worker.postMessage({ id: pending.id, content: pending.content } satisfies RenderRequest);
    }
  }

  #startWorker(): Worker {
    this.#started++;
    const worker = new Worker(new URL("./render-worker-entry.mjs", import.meta.url), {
      workerData: { nice: this.#nice } satisfies RenderWorkerData,
    });
    worker.on("message", (response: RenderResponse) => {
      const pending = this.#busy.get(worker);
      this.#busy.delete(worker);
      if (!this.#closed) this.#idle.push(worker);
      if (pending && pending.id === response.id) {
        if ("error" in response) pending.reject(new Error(response.error));
        else pending.resolve(Buffer.from(response.pdf));
      }
      this.#dispatch();
    });
    worker.on("error", (error) => {
      // A crashed worker fails its render only; the next request starts a fresh one.
      this.#busy.get(worker)?.reject(error);
      this.#busy.delete(worker);
      const idle = this.#idle.indexOf(worker);
      if (idle >= 0) this.#idle.splice(idle, 1);
      this.#started--;
      this.#dispatch();
    });
    worker.unref();
    return worker;
  }
}
