// Debian's chromium driven by playwright-core (no browser download): headless, sandbox off for
// containers, no background traffic.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

// For code outside web/ (bench/), which cannot resolve playwright-core itself.
export type { Browser, BrowserContext, Page } from "playwright-core";

import { WEB_ROOT } from "./plant-stack.ts";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const TABLET_PORTRAIT = { width: 768, height: 1024 } as const;
export const TABLET_LANDSCAPE = { width: 1280, height: 800 } as const;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export const SCREENSHOT_DIR = path.join(WEB_ROOT, "test-results");

/** Saves a full-page screenshot as web/test-results/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // From the top, so the sticky header is drawn where it belongs in a full-page picture.
  await page.evaluate("window.scrollTo(0, 0)");
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
