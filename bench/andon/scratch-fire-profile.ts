import { randomBytes } from "node:crypto";
import { seedPlant } from "@ms5/db/seed";
import { createTemplateDatabase, createTestDatabase, dropRunDatabases, testServerUrl } from "@ms5/db/test-database";
import { createLogger, createRedisClient } from "@ms5/kit";
import { testRedisUrl } from "@ms5/kit/testing";
import { ManualClock } from "../../subgraphs/andon/src/escalation/clock.ts";
import { EscalationScheduler } from "../../subgraphs/andon/src/escalation/escalation-scheduler.ts";
import { NotificationDispatcher } from "../../subgraphs/andon/src/notifications/index.ts";

const serverUrl = testServerUrl();
const runId = `bench${randomBytes(3).toString("hex")}`;
const templateDatabase = await createTemplateDatabase(serverUrl, runId);
const db = await createTestDatabase({ serverUrl, runId, templateDatabase });
const redis = createRedisClient({ url: testRedisUrl() });
await redis.connect();
const logger = createLogger({ service: "x", level: "warn" });
try {
  const prisma = db.prisma;
  await seedPlant(prisma, { fastHashing: true, now: new Date() });
  const sm = await prisma.user.findUniqueOrThrow({ where: { username: "smanager" } });
  const line = await prisma.line.findUniqueOrThrow({ where: { code: "bagging-2" } });
  const rule = await prisma.escalationRule.create({ data: { name: "x", priority: "LOW", lineId: line.id, andonType: "HELP", acknowledgeTimeoutSeconds: 60, resolveTimeoutSeconds: 600,
    levels: { create: [{ level: 1, kind: "ACKNOWLEDGE", delaySeconds: 60, channels: ["IN_APP"], recipients: { create: [{ kind: "USER", userId: sm.id }] } }] } } });
  const now = Date.now();
  const dues = Array.from({ length: 400 }, (_, i) => new Date(now + i));
  await prisma.$queryRaw`
      WITH raised AS (
        INSERT INTO "andon_event" ("id", "lineId", "type", "priority", "status", "source", "raisedAt", "updatedAt")
        SELECT gen_random_uuid(), ${line.id}::uuid, 'HELP', 'LOW', 'OPEN', 'MANUAL', due - interval '60 seconds', now()
        FROM unnest(${dues}::timestamptz[]) AS due RETURNING "id", "raisedAt")
      INSERT INTO "escalation" ("id", "andonId", "ruleId", "kind", "status", "currentLevel", "nextDueAt")
      SELECT gen_random_uuid(), raised."id", ${rule.id}::uuid, 'ACKNOWLEDGE', 'ACTIVE', 0, raised."raisedAt" + interval '60 seconds' FROM raised RETURNING "id"`;
  const clock = new ManualClock(new Date(now + 10_000));
  for (const [name, dispatcher] of [
    ["noop", { dispatch: async () => {} }],
    ["real", new NotificationDispatcher({ prisma, redis, logger, email: null, keyPrefix: "ms5bench:x:", clock })],
  ] as const) {
    for (const concurrency of [1, 4]) {
      const scheduler = new EscalationScheduler({ prisma, logger, instanceId: "p", clock, dispatcher, publish: async () => {}, settings: { fireConcurrency: concurrency, claimBatchSize: 50 } });
      // reset
      await prisma.$executeRaw`UPDATE "escalation" SET "status"='ACTIVE', "currentLevel"=0, "nextDueAt"= (SELECT a."raisedAt" + interval '60 seconds' FROM andon_event a WHERE a.id = "andonId"), "leaseOwner"=NULL, "leaseExpiresAt"=NULL`;
      await prisma.notification.deleteMany({});
      const t = performance.now();
      const fired = await scheduler.runDue();
      const ms = performance.now() - t;
      console.log(name, "concurrency", concurrency, "fired", fired, "in", Math.round(ms), "ms =", Math.round((fired / ms) * 1000), "/s");
    }
  }
} finally {
  redis.destroy();
  await db.prisma.$disconnect();
  await dropRunDatabases(serverUrl, runId);
}
