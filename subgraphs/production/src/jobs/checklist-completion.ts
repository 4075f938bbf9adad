// Filling in a checklist: a completion of a template for one piece of equipment (and the job it
// clears to start), answered item by item until it is signed (checklist-signing.ts).

import type { ChecklistCompletion, ChecklistResponse, Prisma, PrismaClient } from "@ms5/db";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { type ChecklistAnswerValue, checkChecklistAnswer } from "./checklist-answers.ts";
import { ChecklistAlreadySigned, UnknownChecklistItem } from "./job-errors.ts";

export interface ChecklistActor {
  userId: string;
}

export interface StartChecklistInput {
  templateId: string;
  equipmentId: string;
  jobId?: string | null;
  /** A replay of the same key returns the completion it started. */
  idempotencyKey?: string | null;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

/** Starts a completion of an active template that applies to the equipment, optionally for a job on it. */
export async function startChecklist(prisma: PrismaClient, input: StartChecklistInput): Promise<ChecklistCompletion> {
  const key = input.idempotencyKey ?? null;
  if (key !== null && (key.trim().length === 0 || key.length > 200)) {
    throw new InputInvalid("idempotencyKey", "An idempotency key is 1 to 200 characters.");
  }
  const replay = async () => {
    if (key === null) return null;
    const existing = await prisma.checklistCompletion.findUnique({ where: { idempotencyKey: key } });
    if (
      existing &&
      (existing.templateId !== input.templateId ||
        existing.equipmentId !== input.equipmentId ||
        existing.jobId !== (input.jobId ?? null))
    ) {
      throw new InputInvalid("idempotencyKey", "This idempotency key was used for another checklist.");
    }
    return existing;
  };
  const earlier = await replay();
  if (earlier) return earlier;

  const template = await prisma.checklistTemplate.findUnique({ where: { id: input.templateId } });
  if (!template?.active) throw new NotFound("active checklist template", input.templateId);
  const equipment = await prisma.equipment.findUnique({ where: { id: input.equipmentId } });
  if (!equipment) throw new NotFound("equipment", input.equipmentId);
  const applies =
    template.equipmentId === equipment.id || (template.equipmentId === null && template.lineId === equipment.lineId);
  if (!applies) throw new InputInvalid("templateId", "The template is not for that equipment or its line.");
  if (input.jobId) {
    const job = await prisma.jobAssignment.findUnique({ where: { id: input.jobId } });
    if (!job) throw new NotFound("job", input.jobId);
    if (job.equipmentId ? job.equipmentId !== equipment.id : job.lineId !== equipment.lineId) {
      throw new InputInvalid("jobId", "The job is for other equipment.");
    }
    if (job.status === "COMPLETED" || job.status === "CANCELLED") {
      throw new InputInvalid("jobId", `The job is ${job.status.toLowerCase()}.`);
    }
  }
  try {
    return await prisma.checklistCompletion.create({
      data: {
        templateId: template.id,
        templateVersion: template.version,
        equipmentId: equipment.id,
        jobId: input.jobId ?? null,
        idempotencyKey: key,
      },
    });
  } catch (error) {
    // Two replays of one key raced: the loser returns the winner's completion.
    const winner = isUniqueViolation(error) ? await replay() : null;
    if (winner) return winner;
    throw error;
  }
}

/**
 * Locks the completion row for the rest of the transaction, so an answer and a signature never
 * interleave (the signature's hash must cover exactly the answers stored).
 */
export async function lockChecklistCompletion(
  tx: Prisma.TransactionClient,
  completionId: string,
): Promise<ChecklistCompletion> {
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "checklist_completion" WHERE "id" = ${completionId}::uuid FOR UPDATE`;
  if (locked.length === 0) throw new NotFound("checklist", completionId);
  return tx.checklistCompletion.findUniqueOrThrow({ where: { id: completionId } });
}

export interface AnswerChecklistItemInput {
  completionId: string;
  itemId: string;
  value: ChecklistAnswerValue;
}

/** Records (or replaces) the answer to one item; a NUMBER outside its limits is kept with withinLimits=false. */
export async function answerChecklistItem(
  prisma: PrismaClient,
  actor: ChecklistActor,
  input: AnswerChecklistItemInput,
): Promise<ChecklistResponse> {
  return prisma.$transaction(async (tx) => {
    const completion = await lockChecklistCompletion(tx, input.completionId);
    if (completion.status === "SIGNED") throw new ChecklistAlreadySigned(completion.id);
    const item = await tx.checklistTemplateItem.findUnique({ where: { id: input.itemId } });
    if (!item || item.templateId !== completion.templateId) {
      throw new UnknownChecklistItem(completion.id, input.itemId);
    }
    const answer = checkChecklistAnswer(item, input.value);
    const answered = { ...answer, answeredById: actor.userId, answeredAt: new Date() };
    return tx.checklistResponse.upsert({
      where: { completionId_itemId: { completionId: completion.id, itemId: item.id } },
      create: { completionId: completion.id, itemId: item.id, ...answered },
      update: answered,
    });
  });
}
