// The browser tests load the production build, made here so a clean clone (and CI) needs no extra
// step. WEB_TEST_SKIP_BUILD=1 reuses an existing .next while iterating on the tests themselves.
import { existsSync } from "node:fs";
import path from "node:path";
import { buildWebApp, WEB_ROOT } from "./plant-stack.ts";

export default async function setup() {
  if (process.env.WEB_TEST_SKIP_BUILD === "1" && existsSync(path.join(WEB_ROOT, ".next/BUILD_ID"))) return;
  await buildWebApp();
}
