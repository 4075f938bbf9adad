// The job rules against a real database: for each rule an assignment that meets it, one that breaks
// it (refused with JobRuleBroken naming the rule, nothing written) and a manager's audited override.
// Each test has its own operator and its own dated shifts in 2030, so no test leans on another's rows.
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobRuleBroken } from "./job-errors.ts";
import type { JobRule } from "./job-rules.ts";
import { type JobTestPlant, openJobTestPlant } from "./job-test-plant.ts";
import { type AssignJobInput, assignJob, JOB_AUDIT_ENTITY } from "./job-workflow.ts";

const H = 3_600_000;
/** Monday 4 March 2030, 06:00 in Johannesburg: the Morning shift the tests roster people on. */
const MORNING = new Date("2030-03-04T04:00:00Z");
const AFTERNOON = new Date(MORNING.getTime() + 8 * H);
const inMorning = (hours: number) => new Date(MORNING.getTime() + hours * H);

describe("job rules", () => {
  let plant: JobTestPlant;
  let morningId: string;
  let afternoonId: string;
  const equipment: Record<string, { id: string; lineId: string }> = {};
  let people = 0;

  beforeAll(async () => {
    plant = await openJobTestPlant();
    const shift = (name: string) => plant.prisma.shift.findFirstOrThrow({ where: { name } });
    morningId = (
      await plant.prisma.shiftInstance.create({
        data: { shiftId: (await shift("Morning")).id, startsAt: MORNING, endsAt: AFTERNOON },
      })
    ).id;
    afternoonId = (
      await plant.prisma.shiftInstance.create({
        data: {
          shiftId: (await shift("Afternoon")).id,
          startsAt: AFTERNOON,
          endsAt: new Date(AFTERNOON.getTime() + 8 * H),
        },
      })
    ).id;
    for (const code of ["BAGGER-1", "PAL-1", "BAGGER-2", "LOADER-1"]) {
      const row = await plant.prisma.equipment.findUniqueOrThrow({ where: { code } });
      equipment[code] = { id: row.id, lineId: row.lineId };
    }
  });
  afterAll(async () => {
    await plant?.db.drop();
  });

  /** A fresh operator certified for form-fill-seal baggers until 2031 and rostered site-wide on the Morning shift. */
  async function operator(options: { rosterLineId?: string | null; certified?: boolean } = {}) {
    people += 1;
    const user = await plant.prisma.user.create({
      data: {
        username: `rules-operator-${people}`,
        employeeId: `R${people}`,
        firstName: "Rule",
        lastName: `Tester ${people}`,
        roles: ["OPERATOR"],
        passwordHash: "not-used",
      },
    });
    if (options.certified !== false) {
      await plant.prisma.certification.create({
        data: {
          userId: user.id,
          name: "Form-fill-seal bagger operator",
          equipmentKind: "form-fill-seal bagger",
          issuedAt: new Date("2026-01-01T00:00:00Z"),
          expiresAt: new Date("2031-01-01T00:00:00Z"),
        },
      });
    }
    await plant.prisma.shiftAssignment.create({
      data: { shiftInstanceId: morningId, userId: user.id, role: "OPERATOR", lineId: options.rosterLineId ?? null },
    });
    return user.id;
  }

  /** A job on Bagger 1 due mid-morning for `assigneeId`. */
  function bagger1Job(assigneeId: string, extra: Partial<AssignJobInput> = {}): AssignJobInput {
    return {
      title: "Bag 10 kg maize meal",
      lineId: equipment["BAGGER-1"]!.lineId,
      equipmentId: equipment["BAGGER-1"]!.id,
      assigneeId,
      dueAt: inMorning(4),
      ...extra,
    };
  }

  const counts = async () => ({
    jobs: await plant.prisma.jobAssignment.count(),
    audits: await plant.prisma.auditLog.count({ where: { entityType: JOB_AUDIT_ENTITY } }),
  });

  /** Expects the assignment refused for exactly `rules`, with nothing written; returns the refusal. */
  async function expectBroken(input: AssignJobInput, rules: JobRule[]): Promise<JobRuleBroken> {
    const before = await counts();
    const refusal = await assignJob(plant.prisma, plant.manager, input).then(
      () => {
        throw new Error("the assignment was not refused");
      },
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(JobRuleBroken);
    const broken = refusal as JobRuleBroken;
    expect(broken.code).toBe("CONFLICT");
    expect(broken.breaches.map((breach) => breach.rule)).toEqual(rules);
    expect(broken.rule).toBe(rules[0]);
    expect(await counts()).toEqual(before);
    return broken;
  }

  /** Expects a manager's override to assign the job and the audit entry to keep the reason and the rules. */
  async function expectOverride(input: AssignJobInput, rules: JobRule[]) {
    const job = await assignJob(plant.prisma, plant.manager, { ...input, overrideReason: "Only trained hand on site" });
    expect(job.status).toBe("ASSIGNED");
    const audit = await plant.prisma.auditLog.findFirstOrThrow({
      where: { entityType: JOB_AUDIT_ENTITY, entityId: job.id, action: "job.assign" },
    });
    expect(audit.actorUserId).toBe(plant.manager.userId);
    const after = audit.after as { overrideReason: string; overriddenRules: { rule: JobRule }[] };
    expect(after.overrideReason).toBe("Only trained hand on site");
    expect(after.overriddenRules.map((entry) => entry.rule)).toEqual(rules);
    return job;
  }

  describe("CERTIFICATION", () => {
    it("a certification for the equipment's kind, valid through the due time, lets the job be assigned", async () => {
      const job = await assignJob(plant.prisma, plant.manager, bagger1Job(await operator()));
      expect(job.status).toBe("ASSIGNED");
    });

    it("a certification for that one piece of equipment qualifies too", async () => {
      const userId = await operator({ certified: false });
      await plant.prisma.certification.create({
        data: {
          userId,
          name: "Bagger 1 only",
          equipmentId: equipment["BAGGER-1"]!.id,
          issuedAt: new Date("2026-01-01"),
        },
      });
      await expect(assignJob(plant.prisma, plant.manager, bagger1Job(userId))).resolves.toMatchObject({
        status: "ASSIGNED",
      });
    });

    it("no certification for a palletiser refuses the job with rule CERTIFICATION, and a manager may override it", async () => {
      const input = {
        ...bagger1Job(await operator()),
        equipmentId: equipment["PAL-1"]!.id,
        lineId: equipment["PAL-1"]!.lineId,
      };
      const refusal = await expectBroken(input, ["CERTIFICATION"]);
      expect(refusal.message).toMatch(/no certification for Palletiser 1/);
      await expectOverride(input, ["CERTIFICATION"]);
    });

    it("a certification that expires before the due time does not count: the refusal says it expired", async () => {
      const userId = await operator({ certified: false });
      await plant.prisma.certification.create({
        data: {
          userId,
          name: "Form-fill-seal bagger operator",
          equipmentKind: "form-fill-seal bagger",
          issuedAt: new Date("2026-01-01T00:00:00Z"),
          expiresAt: inMorning(2),
        },
      });
      const refusal = await expectBroken(bagger1Job(userId), ["CERTIFICATION"]);
      expect(refusal.message).toMatch(/expired/);
    });
  });

  describe("SHIFT_ASSIGNMENT", () => {
    it("an operator rostered site-wide or on the job's line for the shift of the due time passes", async () => {
      await expect(assignJob(plant.prisma, plant.manager, bagger1Job(await operator()))).resolves.toBeTruthy();
      const onLine = await operator({ rosterLineId: equipment["BAGGER-1"]!.lineId });
      await expect(assignJob(plant.prisma, plant.manager, bagger1Job(onLine))).resolves.toBeTruthy();
    });

    it("a job due in the afternoon for an operator rostered in the morning is refused naming that shift; a manager overrides", async () => {
      const input = bagger1Job(await operator(), { dueAt: new Date(AFTERNOON.getTime() + 2 * H) });
      const refusal = await expectBroken(input, ["SHIFT_ASSIGNMENT"]);
      expect(refusal.breaches[0]!.shiftInstanceId).toBe(afternoonId);
      await expectOverride(input, ["SHIFT_ASSIGNMENT"]);
    });

    it("an operator rostered on another line that shift is not on this line's shift", async () => {
      const userId = await operator({ rosterLineId: equipment["BAGGER-2"]!.lineId });
      await expectBroken(bagger1Job(userId), ["SHIFT_ASSIGNMENT"]);
    });

    it("a due time no shift covers is refused: nobody is rostered then", async () => {
      const refusal = await expectBroken(bagger1Job(await operator(), { dueAt: new Date("2030-12-01T10:00:00Z") }), [
        "SHIFT_ASSIGNMENT",
      ]);
      expect(refusal.message).toMatch(/No shift/);
    });
  });

  describe("JOB_IN_PROGRESS_ELSEWHERE", () => {
    async function inProgress(userId: string, code: string) {
      return plant.prisma.jobAssignment.create({
        data: {
          title: `running on ${code}`,
          lineId: equipment[code]!.lineId,
          equipmentId: equipment[code]!.id,
          assigneeId: userId,
          assignedById: plant.manager.userId,
          status: "IN_PROGRESS",
          acceptedAt: new Date(),
          startedAt: new Date(),
        },
      });
    }

    it("a job in progress on the same equipment is no conflict", async () => {
      const userId = await operator();
      await inProgress(userId, "BAGGER-1");
      await expect(assignJob(plant.prisma, plant.manager, bagger1Job(userId))).resolves.toBeTruthy();
    });

    it("a job in progress on another line is refused with the job it conflicts with; a manager overrides", async () => {
      const userId = await operator();
      const running = await inProgress(userId, "LOADER-1");
      const refusal = await expectBroken(bagger1Job(userId), ["JOB_IN_PROGRESS_ELSEWHERE"]);
      expect(refusal.breaches[0]!.conflictingJobId).toBe(running.id);
      await expectOverride(bagger1Job(userId), ["JOB_IN_PROGRESS_ELSEWHERE"]);
    });
  });

  describe("OVERLAPPING_WINDOW", () => {
    const window = (from: number, to: number) => ({ startsAt: inMorning(from), dueAt: inMorning(to) });

    it("back-to-back windows, and an overlapping job that was cancelled, are no conflict", async () => {
      const userId = await operator();
      await assignJob(plant.prisma, plant.manager, bagger1Job(userId, { title: "first", ...window(1, 3) }));
      await expect(
        assignJob(plant.prisma, plant.manager, bagger1Job(userId, { title: "second", ...window(3, 5) })),
      ).resolves.toBeTruthy();
      await plant.prisma.jobAssignment.updateMany({
        where: { assigneeId: userId, title: "second" },
        data: { status: "CANCELLED", cancelledAt: new Date(), cancelReason: "test" },
      });
      await expect(
        assignJob(plant.prisma, plant.manager, bagger1Job(userId, { title: "third", ...window(4, 6) })),
      ).resolves.toBeTruthy();
    });

    it("a window overlapping an open job is refused naming it, and so is a due time inside it; a manager overrides", async () => {
      const userId = await operator();
      const first = await assignJob(
        plant.prisma,
        plant.manager,
        bagger1Job(userId, { title: "first", ...window(1, 3) }),
      );
      const refusal = await expectBroken(bagger1Job(userId, window(2, 4)), ["OVERLAPPING_WINDOW"]);
      expect(refusal.breaches[0]!.conflictingJobId).toBe(first.id);
      await expectBroken(bagger1Job(userId, { dueAt: inMorning(2) }), ["OVERLAPPING_WINDOW"]);
      await expectOverride(bagger1Job(userId, window(2, 4)), ["OVERLAPPING_WINDOW"]);
    });
  });

  describe("EQUIPMENT_UNDER_MAINTENANCE", () => {
    async function workOrderOn(code: string, status: "OPEN" | "IN_PROGRESS" | "COMPLETED", number: string) {
      return plant.prisma.maintenanceWorkOrder.create({
        data: { number, equipmentId: equipment[code]!.id, type: "CORRECTIVE", status, title: "Replace sealing jaw" },
      });
    }

    it("an open or completed maintenance work order does not block the equipment", async () => {
      await workOrderOn("BAGGER-2", "OPEN", "MWO-RULES-1");
      await workOrderOn("BAGGER-2", "COMPLETED", "MWO-RULES-2");
      const userId = await operator();
      const input = {
        ...bagger1Job(userId),
        lineId: equipment["BAGGER-2"]!.lineId,
        equipmentId: equipment["BAGGER-2"]!.id,
      };
      await expect(assignJob(plant.prisma, plant.manager, input)).resolves.toBeTruthy();
    });

    it("a maintenance work order in progress refuses jobs on the equipment, naming it; a manager overrides", async () => {
      const order = await workOrderOn("BAGGER-2", "IN_PROGRESS", "MWO-RULES-3");
      const userId = await operator();
      const input = {
        ...bagger1Job(userId),
        lineId: equipment["BAGGER-2"]!.lineId,
        equipmentId: equipment["BAGGER-2"]!.id,
      };
      const refusal = await expectBroken(input, ["EQUIPMENT_UNDER_MAINTENANCE"]);
      expect(refusal.breaches[0]!.maintenanceWorkOrderId).toBe(order.id);
      expect(refusal.message).toMatch(/MWO-RULES-3/);
      await expectOverride(input, ["EQUIPMENT_UNDER_MAINTENANCE"]);
      await plant.prisma.maintenanceWorkOrder.update({ where: { id: order.id }, data: { status: "COMPLETED" } });
    });
  });

  it("every broken rule is reported at once, in rule order, and one override covers them all", async () => {
    const userId = await operator({ certified: false });
    await plant.prisma.jobAssignment.create({
      data: {
        title: "loading",
        lineId: equipment["LOADER-1"]!.lineId,
        equipmentId: equipment["LOADER-1"]!.id,
        assigneeId: userId,
        assignedById: plant.manager.userId,
        status: "IN_PROGRESS",
        acceptedAt: new Date(),
        startedAt: new Date(),
      },
    });
    const input = bagger1Job(userId, { dueAt: new Date(AFTERNOON.getTime() + H) });
    const rules: JobRule[] = ["CERTIFICATION", "SHIFT_ASSIGNMENT", "JOB_IN_PROGRESS_ELSEWHERE"];
    await expectBroken(input, rules);
    await expectOverride(input, rules);
  });

  describe("bad input is a typed refusal that writes nothing", () => {
    it("a reversed time range, a start without a due time, an unknown equipment and a blank override reason", async () => {
      const userId = await operator();
      const before = await counts();
      const attempts: [Partial<AssignJobInput>, new (...args: never[]) => Error][] = [
        [{ startsAt: inMorning(3), dueAt: inMorning(1) }, InputInvalid],
        [{ startsAt: inMorning(3), dueAt: inMorning(3) }, InputInvalid],
        [{ startsAt: inMorning(3), dueAt: null }, InputInvalid],
        [{ equipmentId: "00000000-0000-4000-8000-000000000000" }, NotFound],
        [{ overrideReason: "  " }, InputInvalid],
      ];
      for (const [extra, errorClass] of attempts) {
        await expect(assignJob(plant.prisma, plant.manager, bagger1Job(userId, extra))).rejects.toBeInstanceOf(
          errorClass,
        );
      }
      expect(await counts()).toEqual(before);
    });
  });
});
