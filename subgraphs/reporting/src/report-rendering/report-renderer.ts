// One worker thread rendering PDFs one at a time; requests queue in order. Started on first use.
import { Worker } from "node:worker_threads";
import type { ReportContent } from "../report-content/report-content.ts";
import type { RenderRequest, RenderResponse } from "./render-worker.ts";

export class ReportRenderer {
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (pdf: Buffer) => void; reject: (error: Error) => void }>();

  render(content: ReportContent): Promise<Buffer> {
    const worker = this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, content } satisfies RenderRequest);
    });
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) await worker.terminate();
    for (const { reject } of this.#pending.values()) reject(new Error("the renderer was closed"));
    this.#pending.clear();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL("./render-worker-entry.mjs", import.meta.url));
    worker.on("message", (response: RenderResponse) => {
      const pending = this.#pending.get(response.id);
      if (!pending) return;
      this.#pending.delete(response.id);
      if ("error" in response) pending.reject(new Error(response.error));
      else pending.resolve(Buffer.from(response.pdf));
    });
    worker.on("error", (error) => {
      for (const { reject } of this.#pending.values()) reject(error);
      this.#pending.clear();
      this.#worker = undefined;
    });
    worker.unref();
    this.#worker = worker;
    return worker;
  }
}
