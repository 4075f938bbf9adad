// Checks every new screen passes in the browser tests: axe-core's accessibility rules (no serious or
// critical violation) and touch targets of at least 44 × 44 px for every visible control.
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const axeSource = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

export type AxeFinding = { id: string; impact: string; help: string; targets: string[] };

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate("typeof window.axe === 'object'"))) await page.addScriptTag({ path: axeSource });
  const violations = (await page.evaluate(
    "window.axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations)",
  )) as { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? "",
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(" ")),
    }));
}

/** Visible buttons, links, inputs and selects smaller than 44 × 44 px, described for the failure message. */
export async function smallTouchTargets(page: Page, minimum = 44): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const small = [];
    for (const element of document.querySelectorAll("button, a[href], input:not([type=hidden]), select, textarea")) {
      const rect = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      // A visually hidden control (a file input behind its label) is reached through its label.
      if (rect.width === 0 || rect.height === 0 || style.visibility === "hidden" || element.closest(".visually-hidden")) continue;
      if (rect.width + 0.5 < ${minimum} || rect.height + 0.5 < ${minimum}) {
        const name = element.getAttribute("aria-label") || element.textContent.trim() || element.id || element.tagName;
        small.push(element.tagName.toLowerCase() + " '" + name.slice(0, 40) + "' " + Math.round(rect.width) + "x" + Math.round(rect.height));
      }
    }
    return small;
  })()`)) as string[];
}

/** Both checks at once, so a test says in one line that a screen passes them. */
export async function screenChecks(page: Page): Promise<{ axe: AxeFinding[]; smallTargets: string[] }> {
  return { axe: await seriousAccessibilityViolations(page), smallTargets: await smallTouchTargets(page) };
}
