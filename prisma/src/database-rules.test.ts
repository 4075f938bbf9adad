// The database itself refuses rows that break the plant's rules, whatever the application does. `sql`
// connects as the services do (the data-only role); `owner` as the tables' owner.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./testing/test-database.ts";

describe("the database", () => {
  const { runId, databaseServerUrl, templateDatabase } = inject("testRun");
  let db: TestDatabase;
  let sql: pg.Client;
  let owner: pg.Client;
  let lineId: string;
  let equipmentId: string;
  let userId: string;

  beforeAll(async () => {
    db = await createTestDatabase({ serverUrl: databaseServerUrl, runId, templateDatabase });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    owner = new pg.Client({ connectionString: db.ownerUrl });
    await owner.connect();
    const site = await db.prisma.site.create({ data: { code: "t", name: "Test site" } });
    const area = await db.prisma.area.create({ data: { siteId: site.id, code: "A", name: "Area" } });
    const line = await db.prisma.line.create({ data: { areaId: area.id, code: "line-t", name: "Line T" } });
    const equipment = await db.prisma.equipment.create({
      data: { lineId: line.id, code: "EQ-T", name: "Bagger T", kind: "bagger", targetSpeedPerMinute: 40 },
    });
    const user = await db.prisma.user.create({
      data: {
        employeeId: "T1",
        username: "t1",
        firstName: "T",
        lastName: "One",
        roles: ["OPERATOR"],
        passwordHash: "x",
      },
    });
    lineId = line.id;
    equipmentId = equipment.id;
    userId = user.id;
  });
  afterAll(async () => {
    await sql.end();
    await owner.end();
    await db.drop();
  });

  /** Runs `statement` and returns the PostgreSQL error it raised (failing the test if none). */
  async function refusal(
    statement: string,
    values: unknown[] = [],
  ): Promise<{ code: string; constraint?: string; message: string }> {
    const error = await sql.query(statement, values).then(
      () => null,
      (e: unknown) => e as { code: string; constraint?: string; message: string },
    );
    expect(error, `expected PostgreSQL to refuse: ${statement}`).not.toBeNull();
    return error!;
  }

  const openDowntime = `INSERT INTO downtime_event (id, "equipmentId", "lineId", "startedAt", "endedAt", "updatedAt")
                        VALUES (gen_random_uuid(), $1, $2, $3, $4, now())`;

  it("refuses a downtime event that ends before it starts", async () => {
    const error = await refusal(openDowntime, [equipmentId, lineId, "2026-11-27T10:00:00Z", "2026-11-27T09:59:00Z"]);
    expect(error.code).toBe("23514");
    expect(error.constraint).toBe("downtime_event_ends_after_start");
  });

  it("refuses a second open downtime event for one equipment, and allows it once the first is closed", async () => {
    const first = await db.prisma.downtimeEvent.create({
      data: { equipmentId, lineId, startedAt: new Date("2026-11-27T08:00:00Z") },
    });
    const error = await refusal(openDowntime, [equipmentId, lineId, "2026-11-27T08:05:00Z", null]);
    expect(error.code).toBe("23505");
    expect(error.constraint).toBe("downtime_event_one_open_per_equipment");

    await db.prisma.downtimeEvent.update({
      where: { id: first.id },
      data: { endedAt: new Date("2026-11-27T08:04:00Z") },
    });
    await expect(sql.query(openDowntime, [equipmentId, lineId, "2026-11-27T08:05:00Z", null])).resolves.toBeDefined();
  });

  it("refuses an availability of 1.2 in an OEE record", async () => {
    const error = await refusal(
      `INSERT INTO oee_record (id, scope, "lineId", "subjectKey", bucket, "bucketStart", "bucketEnd", "plannedProductionSeconds",
         "runSeconds", "totalCount", "goodCount", "rejectCount", availability, performance, quality, oee)
       VALUES (gen_random_uuid(), 'LINE', $1, 'line', 'HOUR', '2026-11-27T08:00:00Z', '2026-11-27T09:00:00Z', 3600, 3000, 100, 98, 2, 1.2, 0.9, 0.98, 1.05)`,
      [lineId],
    );
    expect(error.code).toBe("23514");
    expect(error.constraint).toBe("oee_record_availability_is_a_ratio");
  });

  it("refuses an unknown status with a message naming the value", async () => {
    const error = await refusal(
      `INSERT INTO andon_event (id, "lineId", type, priority, status, "updatedAt") VALUES (gen_random_uuid(), $1, 'HELP', 'LOW', 'PAUSED', now())`,
      [lineId],
    );
    expect(error.code).toBe("22P02");
    expect(error.message).toContain('invalid input value for enum "AndonStatus": "PAUSED"');
  });

  it("refuses negative production counts", async () => {
    const error = await refusal(
      `INSERT INTO production_count ("equipmentId", "lineId", "recordedAt", "goodDelta", "rejectDelta") VALUES ($1, $2, now(), -5, 0)`,
      [equipmentId, lineId],
    );
    expect(error.constraint).toBe("production_count_deltas_not_negative");
  });

  it("refuses a second open andon for the same equipment fault, but not a manual andon beside it", async () => {
    const insert = `INSERT INTO andon_event (id, "lineId", "equipmentId", type, priority, source, "faultCode", "updatedAt")
                    VALUES (gen_random_uuid(), $1, $2, 'MAINTENANCE', 'HIGH', 'PLC', $3, now())`;
    await sql.query(insert, [lineId, equipmentId, "BG-004"]);
    const error = await refusal(insert, [lineId, equipmentId, "BG-004"]);
    expect(error.constraint).toBe("andon_event_one_open_per_equipment_fault");
    await expect(sql.query(insert, [lineId, equipmentId, null])).resolves.toBeDefined();
  });

  it("refuses a completed job without its actual quantity", async () => {
    const error = await refusal(
      `INSERT INTO job_assignment (id, title, "lineId", "assigneeId", "assignedById", status, "startedAt", "completedAt", "updatedAt")
       VALUES (gen_random_uuid(), 'Run WO', $1, $2, $2, 'COMPLETED', now(), now(), now())`,
      [lineId, userId],
    );
    expect(error.constraint).toBe("job_assignment_state_has_its_timestamps");
  });

  it("keeps a signed checklist and its responses unchangeable", async () => {
    const template = await db.prisma.checklistTemplate.create({
      data: {
        name: "Pre-start T",
        equipmentId,
        items: { create: [{ position: 0, label: "Guards closed", type: "CHECKBOX" }] },
      },
      include: { items: true },
    });
    const completion = await db.prisma.checklistCompletion.create({
      data: {
        templateId: template.id,
        templateVersion: 1,
        equipmentId,
        responses: { create: [{ itemId: template.items[0]!.id, valueBoolean: true, answeredById: userId }] },
      },
    });
    await db.prisma.checklistCompletion.update({
      where: { id: completion.id },
      data: {
        status: "SIGNED",
        signerId: userId,
        signedAt: new Date(),
        signatureMeaning: "Performed",
        contentHash: "sha256:abc",
      },
    });

    const error = await refusal(`UPDATE checklist_completion SET "signatureMeaning" = 'Reviewed' WHERE id = $1`, [
      completion.id,
    ]);
    expect(error.message).toContain("is signed and cannot be changed");
    const responseError = await refusal(
      `UPDATE checklist_response SET "valueBoolean" = false WHERE "completionId" = $1`,
      [completion.id],
    );
    expect(responseError.message).toContain("its responses cannot be changed");
  });

  it("keeps the audit log append-only: the services' role may not delete from it, and the owner's delete is refused", async () => {
    await sql.query(`INSERT INTO audit_log (action, "entityType", "entityId") VALUES ('user.create', 'User', $1)`, [
      userId,
    ]);
    const denied = await refusal(`DELETE FROM audit_log WHERE "entityId" = $1`, [userId]);
    expect(denied.code).toBe("42501");
    const ownerError = await owner.query(`DELETE FROM audit_log WHERE "entityId" = $1`, [userId]).catch((e) => e);
    expect(ownerError.message).toContain("audit_log is append-only");
    expect((await owner.query(`SELECT 1 FROM audit_log WHERE "entityId" = $1`, [userId])).rowCount).toBe(1);
  });

  const keptTables = [
    "audit_log",
    "downtime_event_audit",
    "escalation_history",
    "checklist_completion",
    "checklist_response",
  ] as const;

  it.each(keptTables)(
    "refuses TRUNCATE of %s: the services' role has no right to it, and the owner's is refused",
    async (table) => {
      const rowsBefore = (await owner.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
      const denied = await refusal(`TRUNCATE ${table} CASCADE`);
      expect(denied.code).toBe("42501");
      // In a transaction rolled back whatever happens: were the trigger missing, CASCADE would empty more.
      await owner.query("BEGIN");
      try {
        const ownerError = await owner.query(`TRUNCATE ${table} CASCADE`).then(
          () => null,
          (e: unknown) => e as { message: string },
        );
        expect(ownerError?.message).toMatch(/TRUNCATE refused/);
      } finally {
        await owner.query("ROLLBACK");
      }
      expect((await owner.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n).toBe(rowsBefore);
    },
  );

  it("refuses the services' role switching a trigger off or changing a table, and the trigger stays on", async () => {
    const disable = await refusal(`ALTER TABLE audit_log DISABLE TRIGGER "audit_log_is_append_only"`);
    expect(disable.code).toBe("42501");
    expect(disable.message).toContain("must be owner");
    const drop = await refusal(`DROP TRIGGER "checklist_completion_immutable_once_signed" ON checklist_completion`);
    expect(drop.code).toBe("42501");
    const alter = await refusal(
      `ALTER TABLE checklist_completion DROP CONSTRAINT "checklist_completion_signature_complete"`,
    );
    expect(alter.code).toBe("42501");
    const { rows } = await owner.query(
      `SELECT tgname, tgenabled FROM pg_trigger WHERE tgname IN ('audit_log_is_append_only', 'checklist_completion_immutable_once_signed') ORDER BY tgname`,
    );
    expect(rows).toEqual([
      { tgname: "audit_log_is_append_only", tgenabled: "O" },
      { tgname: "checklist_completion_immutable_once_signed", tgenabled: "O" },
    ]);
  });

  it("refuses a line code that cannot be a Redis stream hash tag", async () => {
    const error = await refusal(`UPDATE line SET code = 'Line {1}' WHERE id = $1`, [lineId]);
    expect(error.constraint).toBe("line_code_is_a_stream_key");
  });
});
