// Shared by the job and checklist tests only: the seeded demo plant's people and equipment, and a
// correctly filled Bagger 1 pre-start checklist.
import type { PrismaClient } from "@ms5/db";
import { seedPlant } from "@ms5/db/seed";
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import { inject } from "vitest";
import type { ChecklistAnswerValue } from "./checklist-answers.ts";
import { answerChecklistItem, startChecklist } from "./checklist-completion.ts";
import { signChecklist } from "./checklist-signing.ts";
import {
  generateChecklistSigningKey,
  parseChecklistSigningKeys,
  registerChecklistSigningKeys,
} from "./checklist-signing-keys.ts";
import { assignJob } from "./job-workflow.ts";

export const OPERATOR_PIN = "1234";
export const DEMO_PASSWORD = "floor-demo-2026";

/** Answers that pass the Bagger pre-start, by item position. */
export const GOOD_BAGGER_ANSWERS: readonly ChecklistAnswerValue[] = [
  { boolean: true },
  { boolean: true },
  { number: 175 },
  { number: 6.2 },
  { text: "10 kg" },
  { text: "FILM-2026-1127-A" },
  { boolean: true },
  { text: "J. Banda" },
];

export interface JobTestPlant {
  db: TestDatabase;
  prisma: PrismaClient;
  operator: { userId: string };
  operator2: { userId: string };
  manager: { userId: string };
  bagger: { id: string; lineId: string };
  baggerTemplate: { id: string; items: { id: string; position: number }[] };
}

export async function openJobTestPlant(): Promise<JobTestPlant> {
  const { runId, databaseServerUrl, templateDatabase } = inject("testRun");
  const db = await createTestDatabase({ serverUrl: databaseServerUrl, runId, templateDatabase });
  await seedPlant(db.prisma, { fastHashing: true });
  // What the subgraph's CHECKLIST_SIGNING_KEYS would be; the tests reach them with checklistSigningKeysOf.
  registerChecklistSigningKeys(db.prisma, parseChecklistSigningKeys(generateChecklistSigningKey()));
  const user = async (username: string) => ({
    userId: (await db.prisma.user.findUniqueOrThrow({ where: { username } })).id,
  });
  const bagger = await db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
  const baggerTemplate = await db.prisma.checklistTemplate.findFirstOrThrow({
    where: { equipmentId: bagger.id, kind: "PRE_START", active: true },
    include: { items: { orderBy: { position: "asc" } } },
  });
  return {
    db,
    prisma: db.prisma,
    operator: await user("operator"),
    operator2: await user("operator2"),
    manager: await user("smanager"),
    bagger: { id: bagger.id, lineId: bagger.lineId },
    baggerTemplate,
  };
}

/** A fresh job on Bagger 1 for the operator. */
export function assignBaggerJob(plant: JobTestPlant, title = "Run maize meal 10 kg") {
  return assignJob(plant.prisma, plant.manager, {
    title,
    lineId: plant.bagger.lineId,
    equipmentId: plant.bagger.id,
    assigneeId: plant.operator.userId,
    plannedQuantity: 1200,
  });
}

/** Fills in the Bagger pre-start for the job with `answers` (by position), unsigned. */
export async function fillBaggerChecklist(
  plant: JobTestPlant,
  jobId: string | null,
  answers: readonly (ChecklistAnswerValue | undefined)[] = GOOD_BAGGER_ANSWERS,
) {
  const completion = await startChecklist(plant.prisma, {
    templateId: plant.baggerTemplate.id,
    equipmentId: plant.bagger.id,
    jobId,
  });
  for (const item of plant.baggerTemplate.items) {
    const value = answers[item.position];
    if (value) {
      await answerChecklistItem(plant.prisma, plant.operator, { completionId: completion.id, itemId: item.id, value });
    }
  }
  return completion;
}

/** Fills in and signs (with the operator's PIN) a passing Bagger pre-start for the job. */
export async function signBaggerChecklist(plant: JobTestPlant, jobId: string) {
  const completion = await fillBaggerChecklist(plant, jobId);
  return signChecklist(plant.prisma, plant.operator, { completionId: completion.id, secret: OPERATOR_PIN });
}
