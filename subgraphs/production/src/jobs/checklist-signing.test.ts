// Pre-start checklists against a real database: answers checked against the template, the
// electronic signature re-checking the signer's secret, the content hash, and immutability.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerChecklistItem, startChecklist } from "./checklist-completion.ts";
import {
  canonicalChecklistContent,
  checklistContentHash,
  checklistHashMatches,
  type SignedChecklistContent,
  signChecklist,
} from "./checklist-signing.ts";
import {
  ChecklistAlreadySigned,
  ChecklistIncomplete,
  InvalidChecklistAnswer,
  SignatureRejected,
  UnknownChecklistItem,
} from "./job-errors.ts";
import {
  assignBaggerJob,
  DEMO_PASSWORD,
  fillBaggerChecklist,
  GOOD_BAGGER_ANSWERS,
  type JobTestPlant,
  OPERATOR_PIN,
  openJobTestPlant,
} from "./job-test-plant.ts";

describe("pre-start checklists", () => {
  let plant: JobTestPlant;

  beforeAll(async () => {
    plant = await openJobTestPlant();
  });
  afterAll(async () => {
    await plant?.db.drop();
  });

  const itemAt = (position: number) => plant.baggerTemplate.items.find((i) => i.position === position)!;
  const completionRow = (id: string) =>
    plant.prisma.checklistCompletion.findUniqueOrThrow({ where: { id }, include: { responses: true } });

  it("signing with the operator's PIN records signer, default meaning, time, passed and a sha256 content hash", async () => {
    const job = await assignBaggerJob(plant);
    const completion = await fillBaggerChecklist(plant, job.id);
    const signed = await signChecklist(plant.prisma, plant.operator, {
      completionId: completion.id,
      secret: OPERATOR_PIN,
    });
    expect(signed).toMatchObject({
      status: "SIGNED",
      signerId: plant.operator.userId,
      signatureMeaning: "Performed and verified",
      passed: true,
      templateVersion: 1,
    });
    expect(signed.signedAt).toBeInstanceOf(Date);
    expect(signed.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await checklistHashMatches(plant.prisma, completion.id)).toBe(true);
  });

  it("the signer may sign with their password instead of the PIN, and give the meaning", async () => {
    const completion = await fillBaggerChecklist(plant, null);
    const signed = await signChecklist(plant.prisma, plant.operator, {
      completionId: completion.id,
      secret: DEMO_PASSWORD,
      meaning: "Reviewed",
    });
    expect(signed.signatureMeaning).toBe("Reviewed");
  });

  it("signing with a wrong PIN returns SignatureRejected and leaves the checklist unsigned", async () => {
    const completion = await fillBaggerChecklist(plant, null);
    const before = await completionRow(completion.id);
    await expect(
      signChecklist(plant.prisma, plant.operator, { completionId: completion.id, secret: "0000" }),
    ).rejects.toBeInstanceOf(SignatureRejected);
    // Another user's PIN is not the signer's.
    await expect(
      signChecklist(plant.prisma, plant.operator2, { completionId: completion.id, secret: OPERATOR_PIN }),
    ).rejects.toBeInstanceOf(SignatureRejected);
    expect(await completionRow(completion.id)).toEqual(before);
  });

  it("a NUMBER outside its limits is recorded with withinLimits=false and the signed checklist does not pass", async () => {
    const answers = [...GOOD_BAGGER_ANSWERS];
    answers[2] = { number: 205 }; // sealing jaw 160-190 °C
    const completion = await fillBaggerChecklist(plant, null, answers);
    const response = await plant.prisma.checklistResponse.findUniqueOrThrow({
      where: { completionId_itemId: { completionId: completion.id, itemId: itemAt(2).id } },
    });
    expect(response).toMatchObject({ valueNumber: 205, withinLimits: false });
    const inLimits = await plant.prisma.checklistResponse.findUniqueOrThrow({
      where: { completionId_itemId: { completionId: completion.id, itemId: itemAt(3).id } },
    });
    expect(inLimits.withinLimits).toBe(true);
    const signed = await signChecklist(plant.prisma, plant.operator, {
      completionId: completion.id,
      secret: OPERATOR_PIN,
    });
    expect(signed.passed).toBe(false);
  });

  it("a missing required item blocks signing with ChecklistIncomplete naming it", async () => {
    const answers = [...GOOD_BAGGER_ANSWERS];
    answers[5] = undefined as never; // film roll lot number
    const completion = await fillBaggerChecklist(plant, null, answers);
    const before = await completionRow(completion.id);
    await expect(
      signChecklist(plant.prisma, plant.operator, { completionId: completion.id, secret: OPERATOR_PIN }),
    ).rejects.toMatchObject({ constructor: ChecklistIncomplete, missingItemIds: [itemAt(5).id] });
    expect(await completionRow(completion.id)).toEqual(before);
  });

  it("answers that do not fit the item are refused: a SELECT value not among the options, a number for a checkbox, an unknown item", async () => {
    const completion = await startChecklist(plant.prisma, {
      templateId: plant.baggerTemplate.id,
      equipmentId: plant.bagger.id,
    });
    const answer = (itemId: string, value: object) =>
      answerChecklistItem(plant.prisma, plant.operator, { completionId: completion.id, itemId, value });
    await expect(answer(itemAt(4).id, { text: "20 kg" })).rejects.toBeInstanceOf(InvalidChecklistAnswer);
    await expect(answer(itemAt(0).id, { number: 1 })).rejects.toBeInstanceOf(InvalidChecklistAnswer);
    await expect(answer(itemAt(2).id, { text: "hot" })).rejects.toBeInstanceOf(InvalidChecklistAnswer);
    await expect(answer(itemAt(5).id, { text: "   " })).rejects.toBeInstanceOf(InvalidChecklistAnswer);
    const otherTemplateItem = await plant.prisma.checklistTemplateItem.findFirstOrThrow({
      where: { templateId: { not: plant.baggerTemplate.id } },
    });
    await expect(answer(otherTemplateItem.id, { boolean: true })).rejects.toBeInstanceOf(UnknownChecklistItem);
    expect(await plant.prisma.checklistResponse.count({ where: { completionId: completion.id } })).toBe(0);
  });

  it("the content hash is stable for the same content and changes when any response changes", () => {
    const content: SignedChecklistContent = {
      templateId: "t",
      templateVersion: 1,
      equipmentId: "e",
      jobId: "j",
      responses: [
        {
          position: 1,
          itemId: "b",
          type: "NUMBER",
          valueBoolean: null,
          valueNumber: 172.5,
          valueText: null,
          withinLimits: true,
          answeredById: "u",
        },
        {
          position: 0,
          itemId: "a",
          type: "CHECKBOX",
          valueBoolean: true,
          valueNumber: null,
          valueText: null,
          withinLimits: null,
          answeredById: "u",
        },
      ],
      signerId: "u",
      meaning: "Performed and verified",
      signedAt: new Date("2026-11-27T06:00:00.000Z"),
    };
    const hash = checklistContentHash(content);
    // Same content, responses in another order: same hash (they are sorted by position).
    expect(checklistContentHash({ ...content, responses: [...content.responses].reverse() })).toBe(hash);
    expect(canonicalChecklistContent(content)).toBe(
      '{"equipmentId":"e","jobId":"j","meaning":"Performed and verified","responses":[' +
        '{"answeredById":"u","itemId":"a","position":0,"type":"CHECKBOX","valueBoolean":true,"valueNumber":null,"valueText":null,"withinLimits":null},' +
        '{"answeredById":"u","itemId":"b","position":1,"type":"NUMBER","valueBoolean":null,"valueNumber":172.5,"valueText":null,"withinLimits":true}],' +
        '"signedAt":"2026-11-27T06:00:00.000Z","signerId":"u","template":{"id":"t","version":1},"v":1}',
    );
    const changed = content.responses.map((r) => (r.itemId === "b" ? { ...r, valueNumber: 172.6 } : r));
    expect(checklistContentHash({ ...content, responses: changed })).not.toBe(hash);
    expect(checklistContentHash({ ...content, meaning: "Reviewed" })).not.toBe(hash);
  });

  it("the stored hash detects a response changed behind the signature's back", async () => {
    const completion = await fillBaggerChecklist(plant, null);
    await signChecklist(plant.prisma, plant.operator, { completionId: completion.id, secret: OPERATOR_PIN });
    expect(await checklistHashMatches(plant.prisma, completion.id)).toBe(true);
    // Only by switching the trigger off (as a superuser could) can a response change; the hash tells.
    await plant.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(
        `ALTER TABLE "checklist_response" DISABLE TRIGGER "checklist_response_immutable_once_signed"`,
      );
      await tx.checklistResponse.update({
        where: { completionId_itemId: { completionId: completion.id, itemId: itemAt(2).id } },
        data: { valueNumber: 176 },
      });
      await tx.$executeRawUnsafe(
        `ALTER TABLE "checklist_response" ENABLE TRIGGER "checklist_response_immutable_once_signed"`,
      );
    });
    expect(await checklistHashMatches(plant.prisma, completion.id)).toBe(false);
  });

  it("a signed completion cannot be modified: the database refuses updates, deletes and new answers", async () => {
    const completion = await fillBaggerChecklist(plant, null);
    await signChecklist(plant.prisma, plant.operator, { completionId: completion.id, secret: OPERATOR_PIN });
    const before = await completionRow(completion.id);

    await expect(
      plant.prisma.checklistCompletion.update({ where: { id: completion.id }, data: { signatureMeaning: "Forged" } }),
    ).rejects.toThrow(/signed and cannot be changed/);
    await expect(plant.prisma.checklistCompletion.delete({ where: { id: completion.id } })).rejects.toThrow(/signed/);
    await expect(
      plant.prisma.checklistResponse.updateMany({ where: { completionId: completion.id }, data: { valueText: "x" } }),
    ).rejects.toThrow(/signed/);
    expect(await completionRow(completion.id)).toEqual(before);

    // Through the domain: typed refusals, not database errors.
    await expect(
      answerChecklistItem(plant.prisma, plant.operator, {
        completionId: completion.id,
        itemId: itemAt(0).id,
        value: { boolean: false },
      }),
    ).rejects.toBeInstanceOf(ChecklistAlreadySigned);
    await expect(
      signChecklist(plant.prisma, plant.operator, { completionId: completion.id, secret: OPERATOR_PIN }),
    ).rejects.toBeInstanceOf(ChecklistAlreadySigned);
  });

  it("starting a checklist with the same idempotency key returns the same completion", async () => {
    const input = { templateId: plant.baggerTemplate.id, equipmentId: plant.bagger.id, idempotencyKey: "tab-3:cl-1" };
    const [a, b] = await Promise.all([startChecklist(plant.prisma, input), startChecklist(plant.prisma, input)]);
    expect(b.id).toBe(a.id);
    expect(await plant.prisma.checklistCompletion.count({ where: { idempotencyKey: "tab-3:cl-1" } })).toBe(1);
  });
});
