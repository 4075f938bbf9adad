// The worker thread that turns report content into PDF bytes, so rendering (CPU-bound, hundreds of
// milliseconds) never runs on the thread serving the API and live subscriptions.
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { renderToBuffer } from "@react-pdf/renderer";
import type { ReportContent } from "../report-content/report-content.ts";
import { reportDocument } from "./report-document.ts";

export interface RenderRequest {
  id: number;
  content: ReportContent;
}
export type RenderResponse = { id: number; pdf: Uint8Array } | { id: number; error: string };
export interface RenderWorkerData {
  /** This thread's nice value (on Linux a thread's own; the process's other threads keep theirs). */
  nice: number;
}

const { nice } = (workerData ?? { nice: 0 }) as RenderWorkerData;
if (nice !== 0) {
  try {
    setPriority(0, nice);
  } catch {
    // Only a raise (a negative nice) needs privileges; refused, the render runs at the inherited
    // priority, which still works.
  }
}

parentPort?.on("message", async (request: RenderRequest) => {
  try {
    const pdf = await renderToBuffer(reportDocument(request.content) as never);
    const bytes = new Uint8Array(pdf);
    parentPort?.postMessage({ id: request.id, pdf: bytes } satisfies RenderResponse, [bytes.buffer]);
  } catch (error) {
    parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});
