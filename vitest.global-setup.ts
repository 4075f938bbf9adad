// Once per `vitest run`: a run id, a migrated template database to clone per test file, and the
// Redis URL; afterwards every database and Redis key of the run is removed.
import { randomBytes } from "node:crypto";
import { createTemplateDatabase, dropRunDatabases, testServerUrl } from "@ms5/db/test-database";
import { deleteRunKeys, testRedisUrl } from "@ms5/kit/testing";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    testRun: { runId: string; databaseServerUrl: string; templateDatabase: string; redisUrl: string };
  }
}

export default async function setup(project: TestProject) {
  const runId = randomBytes(4).toString("hex");
  const databaseServerUrl = testServerUrl();
  const redisUrl = testRedisUrl();
  const templateDatabase = await createTemplateDatabase(databaseServerUrl, runId);
  project.provide("testRun", { runId, databaseServerUrl, templateDatabase, redisUrl });
  return async () => {
    await dropRunDatabases(databaseServerUrl, runId);
    await deleteRunKeys(redisUrl, runId);
  };
}
