import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

// graphql must load once: Vite would pick its ESM build (`module` field) for our sources while
// Apollo's packages require the CommonJS one, and graphql refuses objects from "another realm".
// Resolved from kit, the workspace package that depends on it.
const graphqlEntry = createRequire(new URL("./kit/package.json", import.meta.url)).resolve("graphql");

export default defineConfig({
  resolve: {
    alias: [{ find: /^graphql$/, replacement: graphqlEntry }],
  },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**", "web/**", "**/.data/**"],
    globalSetup: ["./vitest.global-setup.ts"],
    // Each file gets its own database; two workers match the machine's two cores.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
