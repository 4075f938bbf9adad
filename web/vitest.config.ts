// The web app's tests (`pnpm --filter @ms5/web test`): the repository's run setup (template
// database, Redis) plus a `next build`, then one file at a time, since the browser test starts a whole plant.
import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

// graphql must load once (as in the root config): the gateway's Armor rules use the CommonJS build.
const graphqlEntry = createRequire(new URL("../kit/package.json", import.meta.url)).resolve("graphql");

export default defineConfig({
  resolve: {
    alias: [{ find: /^graphql$/, replacement: graphqlEntry }],
  },
  test: {
    root: import.meta.dirname,
    include: ["test/**/*.test.ts"],
    globalSetup: ["../vitest.global-setup.ts", "./test/next-build.global-setup.ts"],
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 90_000,
    // The app answers through the whole plant (gateway, subgraphs, database): a poll gets as long as
    // a page's own waits, not vitest's 1 s default.
    expect: { poll: { timeout: 20_000, interval: 100 } },
    hookTimeout: 240_000,
    reporters: ["default"],
  },
});
