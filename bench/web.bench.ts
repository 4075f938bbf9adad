// `pnpm bench:web`: the web app's first load and live latency in headless Chromium, against the real
// plant (web/test/plant-stack.ts) and the production build (`next build` runs first).
//   dashboard_js_kb_gz     JavaScript transferred (gzip, as `next start` serves it) on a cold first
//                          load of the line dashboard
//   dashboard_live_ms      navigation start -> the dashboard's data on screen with its live socket up
//                          (median of BENCH.loads cold loads, each in a fresh browser context)
//   event_to_paint_p50_ms, event_to_paint_p99_ms
//                          a productionCountUpdated frame arriving on the WebSocket -> the good-units
//                          figure changed in the DOM and the next frame rendered
import { randomBytes } from "node:crypto";
import { createTemplateDatabase, dropRunDatabases, testServerUrl } from "@ms5/db/test-database";
import { launchChromium, type Page, TABLET_PORTRAIT } from "../web/test/browser.ts";
import { buildWebApp, startPlantStack } from "../web/test/plant-stack.ts";
import { writeBenchResult } from "./bench-result.ts";

const BENCH = {
  /** Cold loads of the dashboard for dashboard_live_ms. */
  loads: 7,
  /** Event-to-paint samples to collect (the production subgraph sends about one count event a second per equipment). */
  paintSamples: 100,
  /** The bagger's speed while sampling (units/min), so that every event carries good units. */
  baggerSpeedPerMinute: 1800,
  sampleTimeoutMs: 240_000,
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Records, in the page, when each count event arrives and when the figure it moves is painted. A
 * string, not a function: tsx's transform would add helpers the page does not have.
 */
const INSTRUMENT_EVENT_TO_PAINT = `
(() => {
  const arrivals = [];
  const samples = [];
  window.__eventToPaint = samples;

  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener("message", (event) => {
        if (typeof event.data === "string" && event.data.includes('"productionCountUpdated"') && /"good":[1-9]/.test(event.data))
          arrivals.push(performance.now());
      });
    }
  };
  const watch = () => {
    const figure = document.querySelector('[data-testid="good-count"]');
    if (!figure) return void setTimeout(watch, 50);
    new MutationObserver(() => {
      const arrived = arrivals.shift();
      arrivals.length = 0;
      if (arrived === undefined) return;
      // After the next animation frame's callbacks the frame is rendered; the task after it runs once painted.
      requestAnimationFrame(() => setTimeout(() => samples.push(performance.now() - arrived), 0));
    }).observe(figure, { characterData: true, childList: true, subtree: true });
  };
  watch();
})();
`;

async function signInContext(webUrl: string) {
  const browser = await browserPromise;
  const context = await browser.newContext({ viewport: TABLET_PORTRAIT });
  const answer = await context.request.post(`${webUrl}/api/auth/login`, {
    data: { login: "operator", password: "floor-demo-2026" },
    headers: { "content-type": "application/json" },
  });
  if (!answer.ok()) throw new Error(`sign-in failed: ${answer.status()}`);
  return context;
}

async function coldLoad(page: Page, url: string): Promise<{ liveMs: number; jsBytes: number }> {
  const scripts: Promise<number>[] = [];
  page.on("requestfinished", (request) => {
    if (request.resourceType() === "script") scripts.push(request.sizes().then((sizes) => sizes.responseBodySize));
  });
  const started = Date.now();
  await page.goto(url);
  await page.locator('[data-testid="line-dashboard"][data-live="true"]').waitFor({ timeout: 30_000 });
  const liveMs = Date.now() - started;
  await page.waitForLoadState("networkidle").catch(() => undefined);
  const jsBytes = (await Promise.all(scripts)).reduce((sum, size) => sum + size, 0);
  return { liveMs, jsBytes };
}

const browserPromise = launchChromium();

async function main() {
  if (process.env.BENCH_WEB_SKIP_BUILD !== "1") await buildWebApp();
  const serverUrl = testServerUrl();
  const runId = `wb${randomBytes(3).toString("hex")}`;
  const templateDatabase = await createTemplateDatabase(serverUrl, runId);
  const stack = await startPlantStack({ databaseServerUrl: serverUrl, runId, templateDatabase });
  const browser = await browserPromise;
  try {
    const line = await stack.db.prisma.line.findFirstOrThrow({ where: { equipment: { some: { code: "BAGGER-1" } } } });
    const dashboard = `${stack.webUrl}/lines/${line.id}`;

    // Warm the server (first compile of each route handler and page) without counting it.
    const warm = await signInContext(stack.webUrl);
    await coldLoad(await warm.newPage(), dashboard);
    await warm.close();

    const loads: { liveMs: number; jsBytes: number }[] = [];
    for (let i = 0; i < BENCH.loads; i++) {
      const context = await signInContext(stack.webUrl);
      loads.push(await coldLoad(await context.newPage(), dashboard));
      await context.close();
    }

    const bagger = stack.emulatorOf("Program:Bagger1");
    bagger.control.setSpeed("Program:Bagger1", BENCH.baggerSpeedPerMinute);
    const context = await signInContext(stack.webUrl);
    await context.addInitScript({ content: INSTRUMENT_EVENT_TO_PAINT });
    const page = await context.newPage();
    await page.goto(dashboard);
    await page.locator('[data-testid="line-dashboard"][data-live="true"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction(`(window.__eventToPaint || []).length >= ${BENCH.paintSamples}`, undefined, {
      timeout: BENCH.sampleTimeoutMs,
      polling: 500,
    });
    const paint = (await page.evaluate("[...window.__eventToPaint]")) as number[];
    await context.close();

    const jsKb = (loads[0]?.jsBytes ?? Number.NaN) / 1024;
    const liveMs = percentile(
      loads.map((load) => load.liveMs),
      50,
    );
    const file = writeBenchResult("web", "Line dashboard: first load and live updates, headless Chromium", {
      dashboard_js_kb_gz: { value: round(jsKb), unit: "KiB", target: "<= 200" },
      dashboard_live_ms: { value: Math.round(liveMs), unit: "ms", target: "<= 1500" },
      dashboard_live_max_ms: { value: Math.max(...loads.map((load) => load.liveMs)), unit: "ms", target: "-" },
      event_to_paint_p50_ms: { value: round(percentile(paint, 50)), unit: "ms", target: "-" },
      event_to_paint_p99_ms: { value: round(percentile(paint, 99)), unit: "ms", target: "-" },
      event_to_paint_samples: { value: paint.length, unit: "events", target: "-" },
    });
    process.stdout.write(`${file}\n`);
    process.stdout.write(
      `JS ${round(jsKb)} KiB gz; live ${Math.round(liveMs)} ms (loads ${loads.map((l) => l.liveMs).join(", ")}); ` +
        `event->paint p50 ${round(percentile(paint, 50))} ms p99 ${round(percentile(paint, 99))} ms (${paint.length})\n`,
    );
  } finally {
    await browser.close();
    await stack.close();
    await dropRunDatabases(serverUrl, runId);
  }
}

await main();
