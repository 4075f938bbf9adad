// Attacks on the records that must not change (signed checklists, the audit log): from the services'
// own database login, which is what a compromised service would hold, and from the owner, playing a
// DBA who edits a signed record behind the application's back, which the signature then exposes.
import {
  checklistContentHash,
  type SignedChecklistContent,
  storedChecklistContent,
} from "@ms5/production/checklist-signing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type HostilePlant, openHostilePlant } from "./hostile-plant.ts";

const OPERATOR_PIN = "1234";

const VERIFY = `query($c: ID!) { verifyChecklistSignature(completionId: $c) {
  __typename ... on ExpectedError { code }
  ... on QueryVerifyChecklistSignatureSuccess { data { completionId status keyId signerId } } } }`;

interface VerifyAnswer {
  verifyChecklistSignature: {
    __typename: string;
    code?: string;
    data?: { completionId: string; status: string; keyId: string | null; signerId: string | null };
  } | null;
}

describe("attacks on signed records and the audit log", () => {
  let plant: HostilePlant;
  /** The services' login: data rights only. */
  let service: pg.Client;
  /** The tables' owner. */
  let owner: pg.Client;
  let operatorToken: string;

  beforeAll(async () => {
    plant = await openHostilePlant(inject("testRun"));
    service = new pg.Client({ connectionString: plant.db.url });
    owner = new pg.Client({ connectionString: plant.db.ownerUrl });
    await Promise.all([service.connect(), owner.connect()]);
    operatorToken = await plant.tokenOf("operator");
  });
  afterAll(async () => {
    await service?.end();
    await owner?.end();
    await plant?.close();
  });

  /** Starts the Bagger pre-start checklist through the gateway and answers every item so it passes. */
  async function filledChecklist(): Promise<string> {
    const bagger = await plant.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    const template = await plant.prisma.checklistTemplate.findFirstOrThrow({
      where: { equipmentId: bagger.id, kind: "PRE_START", active: true },
      include: { items: { orderBy: { position: "asc" } } },
    });
    const started = await plant.graphql<{ startChecklist: { data: { id: string } } }>(
      `mutation($t: ID!, $e: ID!) { startChecklist(templateId: $t, equipmentId: $e) {
        ... on MutationStartChecklistSuccess { data { id } } } }`,
      { token: operatorToken, variables: { t: template.id, e: bagger.id } },
    );
    const completionId = started.body.data!.startChecklist.data.id;
    for (const item of template.items) {
      const value =
        item.type === "CHECKBOX"
          ? { b: true }
          : item.type === "NUMBER"
            ? { n: ((item.minValue ?? 0) + (item.maxValue ?? item.minValue ?? 0)) / 2 }
            : { s: item.type === "SELECT" ? item.options[0] : "checked" };
      const answered = await plant.graphql<{ answerChecklistItem: { __typename: string } }>(
        `mutation($c: ID!, $i: ID!, $b: Boolean, $n: Float, $s: String) {
          answerChecklistItem(completionId: $c, itemId: $i, valueBoolean: $b, valueNumber: $n, valueText: $s) { __typename } }`,
        { token: operatorToken, variables: { c: completionId, i: item.id, ...value } },
      );
      expect(answered.body.data!.answerChecklistItem.__typename).toBe("MutationAnswerChecklistItemSuccess");
    }
    return completionId;
  }

  /** A filled checklist signed by the operator through the gateway (PIN re-entered). */
  async function signedChecklist(): Promise<string> {
    const completionId = await filledChecklist();
    const signed = await plant.graphql<{ signChecklist: { __typename: string } }>(
      `mutation($c: ID!, $s: String!) { signChecklist(completionId: $c, secret: $s) { __typename } }`,
      { token: operatorToken, variables: { c: completionId, s: OPERATOR_PIN } },
    );
    expect(signed.body.data!.signChecklist.__typename).toBe("MutationSignChecklistSuccess");
    return completionId;
  }

  async function verified(completionId: string, token = operatorToken) {
    const answer = await plant.graphql<VerifyAnswer>(VERIFY, { token, variables: { c: completionId } });
    return answer.body.data?.verifyChecklistSignature ?? null;
  }

  /** The stored completion and its answers, as the owner sees them. */
  async function storedRecord(completionId: string) {
    const completion = await owner.query("SELECT * FROM checklist_completion WHERE id = $1", [completionId]);
    const responses = await owner.query(`SELECT * FROM checklist_response WHERE "completionId" = $1 ORDER BY id`, [
      completionId,
    ]);
    return { completion: completion.rows, responses: responses.rows };
  }

  const countOf = async (table: string) =>
    (await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

  /** Runs `statement` as the services' login and returns the PostgreSQL error (failing if it ran). */
  async function refusedToService(statement: string, values: unknown[] = []) {
    const error = await service.query(statement, values).then(
      () => null,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error, `expected PostgreSQL to refuse the services' login: ${statement}`).not.toBeNull();
    return error!;
  }

  /** As the owner, with the immutability triggers off for one transaction: what a DBA could do. */
  async function asDba(statement: string, values: unknown[]): Promise<void> {
    const triggers = [
      ["checklist_completion", "checklist_completion_immutable_once_signed"],
      ["checklist_response", "checklist_response_immutable_once_signed"],
    ] as const;
    await owner.query("BEGIN");
    try {
      for (const [table, trigger] of triggers) await owner.query(`ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`);
      await owner.query(statement, values);
      for (const [table, trigger] of triggers) await owner.query(`ALTER TABLE ${table} ENABLE TRIGGER ${trigger}`);
      await owner.query("COMMIT");
    } catch (error) {
      await owner.query("ROLLBACK");
      throw error;
    }
  }

  it("a checklist signed through the gateway verifies as VALID, with the key it was signed under", async () => {
    const completionId = await signedChecklist();
    const check = await verified(completionId);
    expect(check).toMatchObject({
      __typename: "QueryVerifyChecklistSignatureSuccess",
      data: { completionId, status: "VALID", signerId: await plant.userIdOf("operator") },
    });
    expect(check!.data!.keyId).toMatch(/^ck-/);
  });

  it("the services' login cannot UPDATE or DELETE a signed completion or its answers; nothing changes and it still verifies", async () => {
    const completionId = await signedChecklist();
    const before = await storedRecord(completionId);
    const update = await refusedToService(
      `UPDATE checklist_completion SET "signatureMeaning" = 'Reviewed only', passed = false WHERE id = $1`,
      [completionId],
    );
    expect(update.message).toContain("is signed and cannot be changed");
    const answer = await refusedToService(
      `UPDATE checklist_response SET "valueText" = 'forged' WHERE "completionId" = $1`,
      [completionId],
    );
    expect(answer.message).toContain("its responses cannot be changed");
    await refusedToService(`DELETE FROM checklist_response WHERE "completionId" = $1`, [completionId]);
    await refusedToService(`DELETE FROM checklist_completion WHERE id = $1`, [completionId]);
    expect(await storedRecord(completionId)).toEqual(before);
    expect((await verified(completionId))!.data!.status).toBe("VALID");
  });

  it("the services' login cannot DELETE or UPDATE audit records; not one is lost or changed", async () => {
    await signedChecklist();
    // Signing left audit rows; make sure there is at least one the attack could aim at.
    await service.query(
      `INSERT INTO audit_log (action, "entityType", "entityId") VALUES ('attack.probe', 'Test', $1)`,
      [await plant.userIdOf("operator")],
    );
    const before = (await owner.query("SELECT * FROM audit_log ORDER BY id")).rows;
    expect(before.length).toBeGreaterThan(0);
    for (const table of ["audit_log", "downtime_event_audit", "escalation_history"]) {
      expect((await refusedToService(`DELETE FROM ${table}`)).code).toBe("42501");
    }
    expect((await refusedToService(`UPDATE audit_log SET action = 'nothing.happened'`)).code).toBe("42501");
    expect((await owner.query("SELECT * FROM audit_log ORDER BY id")).rows).toEqual(before);
  });

  it("TRUNCATE of the audit log or the signed checklists is refused to the services' login and to the owner; no row goes", async () => {
    await signedChecklist();
    const tables = [
      "audit_log",
      "downtime_event_audit",
      "escalation_history",
      "checklist_completion",
      "checklist_response",
    ];
    const before = await Promise.all(tables.map(countOf));
    for (const table of tables) {
      expect((await refusedToService(`TRUNCATE ${table} CASCADE`)).code).toBe("42501");
      // Rolled back whatever happens: were the trigger missing, CASCADE would empty more than this table.
      await owner.query("BEGIN");
      const ownerError = await owner.query(`TRUNCATE ${table} CASCADE`).then(
        () => null,
        (e: unknown) => e as { message: string },
      );
      await owner.query("ROLLBACK");
      expect(ownerError?.message, table).toMatch(/TRUNCATE refused/);
    }
    expect(await Promise.all(tables.map(countOf))).toEqual(before);
  });

  it("the services' login cannot switch the immutability triggers off, drop them or alter the tables; they stay on", async () => {
    const attempts = [
      `ALTER TABLE checklist_completion DISABLE TRIGGER checklist_completion_immutable_once_signed`,
      `ALTER TABLE checklist_response DISABLE TRIGGER ALL`,
      `ALTER TABLE audit_log DISABLE TRIGGER audit_log_is_append_only`,
      `DROP TRIGGER audit_log_refuses_truncate ON audit_log`,
      `ALTER TABLE checklist_completion ADD COLUMN forged text`,
      `SET session_replication_role = replica`,
    ];
    for (const statement of attempts) expect((await refusedToService(statement)).code, statement).toBe("42501");
    const { rows } = await owner.query<{ tgname: string; tgenabled: string }>(
      `SELECT tgname, tgenabled FROM pg_trigger
       WHERE tgrelid IN ('checklist_completion'::regclass, 'checklist_response'::regclass, 'audit_log'::regclass)
         AND NOT tgisinternal ORDER BY tgname`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(6);
    expect(rows.every((row) => row.tgenabled === "O")).toBe(true);
  });

  it("answers changed in the database by the owner (triggers switched off) are reported TAMPERED through the gateway", async () => {
    const completionId = await signedChecklist();
    expect((await verified(completionId))!.data!.status).toBe("VALID");
    await asDba(
      `UPDATE checklist_response SET "valueBoolean" = NOT "valueBoolean" WHERE "completionId" = $1 AND "valueBoolean" IS NOT NULL`,
      [completionId],
    );
    expect((await verified(completionId))!.data!.status).toBe("TAMPERED");
  });

  it("a DBA who drops the MAC and recomputes the old plain hash gets TAMPERED, not legacy", async () => {
    const completionId = await signedChecklist();
    const content = await storedContent(completionId);
    await asDba(
      `UPDATE checklist_completion SET "signatureMac" = NULL, "signatureKeyId" = NULL, "contentHash" = $2 WHERE id = $1`,
      [completionId, checklistContentHash(content, 1)],
    );
    expect((await verified(completionId))!.data!.status).toBe("TAMPERED");
  });

  it("a completion signed before keyed MACs (hash only) is reported LEGACY_HASH_ONLY", async () => {
    const completionId = await filledChecklist();
    const signedAt = new Date("2026-11-20T06:00:00.000Z");
    const signerId = await plant.userIdOf("operator");
    const content = await storedContent(completionId, { signerId, signedAt, meaning: "Performed and verified" });
    // What the earlier code stored: status, signer, meaning, time and the SHA-256, no MAC.
    await owner.query(
      `UPDATE checklist_completion SET status = 'SIGNED', "signerId" = $2, "signatureMeaning" = $3, "signedAt" = $4,
         passed = true, "contentHash" = $5 WHERE id = $1`,
      [completionId, signerId, content.meaning, signedAt, checklistContentHash(content, 1)],
    );
    expect(await verified(completionId)).toMatchObject({
      data: { completionId, status: "LEGACY_HASH_ONLY", keyId: null, signerId },
    });
  });

  it("verifying needs the right to read checklists: without a token it is refused and reveals nothing", async () => {
    const completionId = await signedChecklist();
    const answer = await plant.graphql<VerifyAnswer>(VERIFY, { variables: { c: completionId } });
    expect(answer.body.data?.verifyChecklistSignature ?? null).toBeNull();
    expect(answer.body.errors?.length).toBeGreaterThan(0);
    const unknown = await verified("00000000-0000-4000-8000-000000000000");
    expect(unknown).toMatchObject({ __typename: "NotFound" });
  });

  /** The completion's signed content as stored (version 1 fields and the version 2 binding). */
  async function storedContent(
    completionId: string,
    signature?: Pick<SignedChecklistContent, "signerId" | "signedAt" | "meaning">,
  ): Promise<SignedChecklistContent> {
    const completion = await plant.prisma.checklistCompletion.findUniqueOrThrow({ where: { id: completionId } });
    return storedChecklistContent(plant.prisma, completion, {
      passed: completion.passed,
      signerId: signature?.signerId ?? completion.signerId!,
      meaning: signature?.meaning ?? completion.signatureMeaning!,
      signedAt: signature?.signedAt ?? completion.signedAt!,
    });
  }
});
