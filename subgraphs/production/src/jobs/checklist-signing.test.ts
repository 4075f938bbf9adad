// Pre-start checklists against a real database: answers checked against the template, the
// electronic signature re-checking the signer's secret, the content hash and keyed MAC, their
// verification after a change made in the database behind the services' back, and immutability.
import { NotFound } from "@ms5/kit/subgraph";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerChecklistItem, startChecklist } from "./checklist-completion.ts";
import {
  canonicalChecklistContent,
  checklistContentHash,
  checklistSignatureMac,
  type SignedChecklistContent,
  signChecklist,
  storedChecklistContent,
  verifyChecklistSignature,
} from "./checklist-signing.ts";
import {
  ChecklistSigningKeysInvalid,
  checklistSigningKeysOf,
  generateChecklistSigningKey,
  parseChecklistSigningKeys,
  registerChecklistSigningKeys,
} from "./checklist-signing-keys.ts";
import {
  ChecklistAlreadySigned,
  ChecklistIncomplete,
  InvalidChecklistAnswer,
  SignatureLocked,
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

  it("signing with the operator's PIN records signer, default meaning, time, passed, a sha256 content hash and a keyed MAC", async () => {
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
    expect(signed.signatureMac).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(signed.signatureKeyId).toBe(checklistSigningKeysOf(plant.prisma).current.id);
    expect(await verifyChecklistSignature(plant.prisma, completion.id)).toMatchObject({
      status: "VALID",
      keyId: signed.signatureKeyId,
      signerId: plant.operator.userId,
    });
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
    const hash = checklistContentHash(content, 1);
    // Same content, responses in another order: same hash (they are sorted by position).
    expect(checklistContentHash({ ...content, responses: [...content.responses].reverse() }, 1)).toBe(hash);
    expect(canonicalChecklistContent(content, 1)).toBe(
      '{"equipmentId":"e","jobId":"j","meaning":"Performed and verified","responses":[' +
        '{"answeredById":"u","itemId":"a","position":0,"type":"CHECKBOX","valueBoolean":true,"valueNumber":null,"valueText":null,"withinLimits":null},' +
        '{"answeredById":"u","itemId":"b","position":1,"type":"NUMBER","valueBoolean":null,"valueNumber":172.5,"valueText":null,"withinLimits":true}],' +
        '"signedAt":"2026-11-27T06:00:00.000Z","signerId":"u","template":{"id":"t","version":1},"v":1}',
    );
    const changed = content.responses.map((r) => (r.itemId === "b" ? { ...r, valueNumber: 172.6 } : r));
    expect(checklistContentHash({ ...content, responses: changed }, 1)).not.toBe(hash);
    expect(checklistContentHash({ ...content, meaning: "Reviewed" }, 1)).not.toBe(hash);

    // Version 2, which the MAC covers, also binds the completion's id and its outcome.
    const bound = { ...content, completionId: "c", passed: true };
    expect(canonicalChecklistContent(bound)).toMatch(
      /^\{"completionId":"c","equipmentId":"e",.*"passed":true,.*"v":2\}$/,
    );
    expect(checklistContentHash({ ...bound, completionId: "twin" })).not.toBe(checklistContentHash(bound));
    expect(checklistContentHash({ ...bound, passed: false })).not.toBe(checklistContentHash(bound));
  });

  it("the MAC depends on the key: the same content under another key, or changed content, gives another MAC", () => {
    const content: SignedChecklistContent = {
      completionId: "c",
      passed: true,
      templateId: "t",
      templateVersion: 1,
      equipmentId: "e",
      jobId: null,
      responses: [],
      signerId: "u",
      meaning: "Performed and verified",
      signedAt: new Date("2026-11-27T06:00:00.000Z"),
    };
    const [a, b] = [generateChecklistSigningKey(), generateChecklistSigningKey()].map(
      (entry) => parseChecklistSigningKeys(entry).current,
    );
    const mac = checklistSignatureMac(content, a!);
    expect(mac).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(checklistSignatureMac(content, a!)).toBe(mac);
    expect(checklistSignatureMac(content, b!)).not.toBe(mac);
    expect(checklistSignatureMac({ ...content, meaning: "Reviewed" }, a!)).not.toBe(mac);
  });

  it("CHECKLIST_SIGNING_KEYS lists <id>:<secret> newest first; short secrets, bad ids and duplicates are refused", () => {
    const secret = "s".repeat(32);
    const keys = parseChecklistSigningKeys(`new-2026:${secret}1, old.2025:${secret}2`);
    expect(keys.current.id).toBe("new-2026");
    expect([...keys.byId.keys()]).toEqual(["new-2026", "old.2025"]);
    for (const bad of ["", "k:short", `:${secret}`, `k k:${secret}`, `k:${secret},k:${secret}`]) {
      expect(() => parseChecklistSigningKeys(bad), bad).toThrow(ChecklistSigningKeysInvalid);
    }
  });

  /** As the tables' owner, with the immutability triggers off for one transaction: what a DBA could do. */
  async function asDba(statements: readonly [string, unknown[]][]): Promise<void> {
    const owner = new pg.Client({ connectionString: plant.db.ownerUrl });
    await owner.connect();
    try {
      await owner.query("BEGIN");
      await owner.query("ALTER TABLE checklist_completion DISABLE TRIGGER checklist_completion_immutable_once_signed");
      await owner.query("ALTER TABLE checklist_response DISABLE TRIGGER checklist_response_immutable_once_signed");
      for (const [text, values] of statements) await owner.query(text, values);
      await owner.query("ALTER TABLE checklist_completion ENABLE TRIGGER checklist_completion_immutable_once_signed");
      await owner.query("ALTER TABLE checklist_response ENABLE TRIGGER checklist_response_immutable_once_signed");
      await owner.query("COMMIT");
    } catch (error) {
      await owner.query("ROLLBACK");
      throw error;
    } finally {
      await owner.end();
    }
  }

  it("verifying reports TAMPERED when an answer was changed in the database behind the signature's back", async () => {
    const completion = await fillBaggerChecklist(plant, null);
    await signChecklist(plant.prisma, plant.operator, { completionId: completion.id, secret: OPERATOR_PIN });
    expect((await verifyChecklistSignature(plant.prisma, completion.id)).status).toBe("VALID");
    await asDba([
      [
        `UPDATE checklist_response SET "valueNumber" = 176 WHERE "completionId" = $1 AND "itemId" = $2`,
        [completion.id, itemAt(2).id],
      ],
    ]);
    expect((await verifyChecklistSignature(plant.prisma, completion.id)).status).toBe("TAMPERED");
  });

  it("verifying reports TAMPERED when the DBA also recomputes the plain hash, or drops the MAC to pass as legacy", async () => {
    const completion = await fillBaggerChecklist(plant, null);
    const signed = await signChecklist(plant.prisma, plant.operator, {
      completionId: completion.id,
      secret: OPERATOR_PIN,
    });
    const forged = await signedContentOf(completion.id, { meaning: "Reviewed only" });
    await asDba([
      [
        `UPDATE checklist_completion SET "signatureMeaning" = 'Reviewed only', "contentHash" = $2 WHERE id = $1`,
        [completion.id, checklistContentHash(forged)],
      ],
    ]);
    expect((await verifyChecklistSignature(plant.prisma, completion.id)).status).toBe("TAMPERED");
    // Signed after MACs existed, so a MAC-less record is not legacy, even with a matching old-style hash.
    await asDba([
      [
        `UPDATE checklist_completion SET "signatureMac" = NULL, "signatureKeyId" = NULL, "contentHash" = $2 WHERE id = $1`,
        [completion.id, checklistContentHash(forged, 1)],
      ],
    ]);
    expect((await verifyChecklistSignature(plant.prisma, completion.id)).status).toBe("TAMPERED");
    expect(signed.signatureMac).not.toBeNull();
  });

  it("a completion signed before keyed MACs is LEGACY_HASH_ONLY while its old hash matches, TAMPERED once it does not", async () => {
    const completion = await fillBaggerChecklist(plant, null);
    // Signed the old way (hash only), before the MAC migration ran.
    const signedAt = new Date("2026-11-20T06:00:00.000Z");
    const content = await signedContentOf(completion.id, { signedAt, passed: true });
    await asDba([
      [
        `UPDATE checklist_completion SET status = 'SIGNED', "signerId" = $2, "signatureMeaning" = $3, "signedAt" = $4,
           passed = true, "contentHash" = $5 WHERE id = $1`,
        [completion.id, plant.operator.userId, content.meaning, signedAt, checklistContentHash(content, 1)],
      ],
    ]);
    expect(await verifyChecklistSignature(plant.prisma, completion.id)).toMatchObject({
      status: "LEGACY_HASH_ONLY",
      keyId: null,
      signedAt,
    });
    await asDba([
      [
        `UPDATE checklist_response SET "valueText" = 'FILM-FORGED' WHERE "completionId" = $1 AND "itemId" = $2`,
        [completion.id, itemAt(5).id],
      ],
    ]);
    expect((await verifyChecklistSignature(plant.prisma, completion.id)).status).toBe("TAMPERED");
  });

  it("a signature made with a key no longer held is UNKNOWN_KEY; an unsigned completion is UNSIGNED; an unknown id is NotFound", async () => {
    const completion = await fillBaggerChecklist(plant, null);
    await signChecklist(plant.prisma, plant.operator, { completionId: completion.id, secret: OPERATOR_PIN });
    const keys = checklistSigningKeysOf(plant.prisma);
    // A rotation that keeps the old key still verifies; one that drops it cannot.
    registerChecklistSigningKeys(
      plant.prisma,
      parseChecklistSigningKeys(`${generateChecklistSigningKey()},${keyEntry(keys.current)}`),
    );
    try {
      expect((await verifyChecklistSignature(plant.prisma, completion.id)).status).toBe("VALID");
      registerChecklistSigningKeys(plant.prisma, parseChecklistSigningKeys(generateChecklistSigningKey()));
      expect((await verifyChecklistSignature(plant.prisma, completion.id)).status).toBe("UNKNOWN_KEY");
    } finally {
      registerChecklistSigningKeys(plant.prisma, keys);
    }
    const unsigned = await fillBaggerChecklist(plant, null);
    expect((await verifyChecklistSignature(plant.prisma, unsigned.id)).status).toBe("UNSIGNED");
    await expect(verifyChecklistSignature(plant.prisma, "00000000-0000-4000-8000-000000000000")).rejects.toBeInstanceOf(
      NotFound,
    );
  });

  const keyEntry = (key: { id: string; secret: Buffer }) => `${key.id}:${key.secret.toString("utf8")}`;

  /** The completion's content as stored, with the signature's fields as given. */
  async function signedContentOf(
    completionId: string,
    signature: Partial<Pick<SignedChecklistContent, "meaning" | "signedAt" | "passed">>,
  ): Promise<SignedChecklistContent> {
    const completion = await plant.prisma.checklistCompletion.findUniqueOrThrow({ where: { id: completionId } });
    return storedChecklistContent(plant.prisma, completion, {
      passed: signature.passed ?? completion.passed,
      signerId: completion.signerId ?? plant.operator.userId,
      meaning: signature.meaning ?? completion.signatureMeaning ?? "Performed and verified",
      signedAt: signature.signedAt ?? completion.signedAt!,
    });
  }

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

  it("guessing the PIN at signing locks the PIN on the 6th wrong one: even the right PIN is refused and nothing is signed", async () => {
    const completion = await fillBaggerChecklist(plant, null);
    const before = await completionRow(completion.id);
    const sign = (secret: string) =>
      signChecklist(plant.prisma, plant.operator, { completionId: completion.id, secret });
    for (let guess = 1; guess <= 5; guess++)
      await expect(sign(`900${guess}`)).rejects.toBeInstanceOf(SignatureRejected);
    const locked = await sign("9006").catch((error: unknown) => error);
    expect(locked).toBeInstanceOf(SignatureLocked);
    expect(locked).toMatchObject({ code: "RATE_LIMITED", secret: "PIN", retryAfterSeconds: 900 });
    await expect(sign(OPERATOR_PIN)).rejects.toBeInstanceOf(SignatureLocked);
    expect(await completionRow(completion.id)).toEqual(before);
    const operator = await plant.prisma.user.findUniqueOrThrow({ where: { id: plant.operator.userId } });
    // Counted on the PIN, never on the password: the password still signs, and lifts the PIN lock.
    expect(operator).toMatchObject({ failedLoginCount: 0, lockedUntil: null });
    await expect(sign(DEMO_PASSWORD)).resolves.toMatchObject({ status: "SIGNED" });
    const after = await plant.prisma.user.findUniqueOrThrow({ where: { id: plant.operator.userId } });
    expect(after).toMatchObject({ failedPinCount: 0, pinLockedUntil: null });
  });

  it("wrong passwords at signing count on the password counter and lock the account like sign-in", async () => {
    const completion = await fillBaggerChecklist(plant, null);
    const before = await completionRow(completion.id);
    const { failedPinCount } = await plant.prisma.user.findUniqueOrThrow({ where: { id: plant.operator2.userId } });
    const sign = (secret: string) =>
      signChecklist(plant.prisma, plant.operator2, { completionId: completion.id, secret });
    for (let guess = 1; guess <= 5; guess++) {
      await expect(sign(`not-the-password-${guess}`)).rejects.toBeInstanceOf(SignatureRejected);
    }
    await expect(sign("not-the-password-6")).rejects.toMatchObject({ name: "SignatureLocked", secret: "password" });
    await expect(sign(DEMO_PASSWORD)).rejects.toBeInstanceOf(SignatureLocked);
    expect(await completionRow(completion.id)).toEqual(before);
    const operator2 = await plant.prisma.user.findUniqueOrThrow({ where: { id: plant.operator2.userId } });
    expect(operator2.lockedUntil?.getTime()).toBeGreaterThan(Date.now());
    expect(operator2.failedPinCount).toBe(failedPinCount);
    await plant.prisma.user.update({ where: { id: plant.operator2.userId }, data: { lockedUntil: null } });
  });
});
