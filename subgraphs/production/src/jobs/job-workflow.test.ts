// The operator job workflow against a real database: who may do what, in which state, and that a
// refusal changes nothing.

import type { JobAssignment } from "@ms5/db";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChecklistRequired, InvalidJobTransition, NotYourJob } from "./job-errors.ts";
import {
  assignBaggerJob,
  fillBaggerChecklist,
  type JobTestPlant,
  openJobTestPlant,
  signBaggerChecklist,
} from "./job-test-plant.ts";
import { acceptJob, assignJob, cancelJob, completeJob, JOB_AUDIT_ENTITY, startJob } from "./job-workflow.ts";

describe("job workflow", () => {
  let plant: JobTestPlant;

  beforeAll(async () => {
    plant = await openJobTestPlant();
  });
  afterAll(async () => {
    await plant?.db.drop();
  });

  const jobRow = (id: string) => plant.prisma.jobAssignment.findUniqueOrThrow({ where: { id } });
  const auditCount = (id: string) =>
    plant.prisma.auditLog.count({ where: { entityType: JOB_AUDIT_ENTITY, entityId: id } });

  /** Runs `attempt`, expects it to be refused with `errorClass`, and shows the job row and its audit unchanged. */
  async function expectRefusedWithoutChange(
    jobId: string,
    attempt: () => Promise<unknown>,
    errorClass: new (...args: never[]) => Error,
  ) {
    const before = await jobRow(jobId);
    const auditsBefore = await auditCount(jobId);
    await expect(attempt()).rejects.toBeInstanceOf(errorClass);
    expect(await jobRow(jobId)).toEqual(before);
    expect(await auditCount(jobId)).toBe(auditsBefore);
  }

  async function jobIn(status: JobAssignment["status"]): Promise<JobAssignment> {
    const job = await assignBaggerJob(plant, `job that is ${status}`);
    if (status === "ASSIGNED") return job;
    if (status === "CANCELLED")
      return cancelJob(plant.prisma, plant.manager, { jobId: job.id, reason: "Line changeover" });
    await acceptJob(plant.prisma, plant.operator, { jobId: job.id });
    if (status === "ACCEPTED") return jobRow(job.id);
    await signBaggerChecklist(plant, job.id);
    await startJob(plant.prisma, plant.operator, { jobId: job.id });
    if (status === "IN_PROGRESS") return jobRow(job.id);
    return completeJob(plant.prisma, plant.operator, {
      jobId: job.id,
      actualGoodQuantity: 1100,
      actualRejectQuantity: 12,
    });
  }

  it("a job goes assigned -> accepted -> (checklist signed) in progress -> completed, each step audited", async () => {
    const job = await assignBaggerJob(plant);
    expect(job).toMatchObject({ status: "ASSIGNED", assigneeId: plant.operator.userId, plannedQuantity: 1200 });

    const accepted = await acceptJob(plant.prisma, plant.operator, { jobId: job.id });
    expect(accepted.status).toBe("ACCEPTED");
    expect(accepted.acceptedAt).toBeInstanceOf(Date);

    await signBaggerChecklist(plant, job.id);
    const started = await startJob(plant.prisma, plant.operator, { jobId: job.id });
    expect(started.status).toBe("IN_PROGRESS");
    expect(started.startedAt).toBeInstanceOf(Date);

    const completed = await completeJob(plant.prisma, plant.operator, {
      jobId: job.id,
      actualGoodQuantity: 1180,
      actualRejectQuantity: 9,
    });
    expect(completed).toMatchObject({ status: "COMPLETED", actualGoodQuantity: 1180, actualRejectQuantity: 9 });

    const actions = await plant.prisma.auditLog.findMany({
      where: { entityType: JOB_AUDIT_ENTITY, entityId: job.id },
      orderBy: { id: "asc" },
    });
    expect(actions.map((a) => a.action)).toEqual(["job.assign", "job.accept", "job.start", "job.complete"]);
    expect(actions.every((a) => a.actorUserId !== null)).toBe(true);
  });

  const refused: [JobAssignment["status"], string, (job: JobAssignment) => Promise<unknown>][] = [];
  const accept = (job: JobAssignment) => acceptJob(plant.prisma, plant.operator, { jobId: job.id });
  const start = (job: JobAssignment) => startJob(plant.prisma, plant.operator, { jobId: job.id });
  const complete = (job: JobAssignment) =>
    completeJob(plant.prisma, plant.operator, { jobId: job.id, actualGoodQuantity: 5 });
  const cancel = (job: JobAssignment) => cancelJob(plant.prisma, plant.manager, { jobId: job.id, reason: "No film" });
  refused.push(
    ["ASSIGNED", "start", start],
    ["ASSIGNED", "complete", complete],
    ["ACCEPTED", "accept", accept],
    ["ACCEPTED", "complete", complete],
    ["IN_PROGRESS", "accept", accept],
    ["IN_PROGRESS", "start", start],
    ["COMPLETED", "accept", accept],
    ["COMPLETED", "start", start],
    ["COMPLETED", "complete", complete],
    ["COMPLETED", "cancel", cancel],
    ["CANCELLED", "accept", accept],
    ["CANCELLED", "start", start],
    ["CANCELLED", "complete", complete],
    ["CANCELLED", "cancel", cancel],
  );
  it.each(refused)(
    "a %s job refuses to %s with InvalidJobTransition and changes nothing",
    async (status, _name, attempt) => {
      const job = await jobIn(status);
      await expectRefusedWithoutChange(job.id, () => attempt(job), InvalidJobTransition);
      await expect(attempt(job)).rejects.toMatchObject({ code: "INVALID_STATE_TRANSITION", from: status });
    },
  );

  it("someone else's job: another operator cannot accept, start or complete it, and nothing changes", async () => {
    const job = await assignBaggerJob(plant);
    const other = plant.operator2;
    await expectRefusedWithoutChange(job.id, () => acceptJob(plant.prisma, other, { jobId: job.id }), NotYourJob);
    await acceptJob(plant.prisma, plant.operator, { jobId: job.id });
    await signBaggerChecklist(plant, job.id);
    await expectRefusedWithoutChange(job.id, () => startJob(plant.prisma, other, { jobId: job.id }), NotYourJob);
    await startJob(plant.prisma, plant.operator, { jobId: job.id });
    await expectRefusedWithoutChange(
      job.id,
      () => completeJob(plant.prisma, other, { jobId: job.id, actualGoodQuantity: 1 }),
      NotYourJob,
    );
    await expect(acceptJob(plant.prisma, other, { jobId: job.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("starting without a signed pre-start checklist returns ChecklistRequired and changes nothing", async () => {
    const job = await jobIn("ACCEPTED");
    await expectRefusedWithoutChange(job.id, () => start(job), ChecklistRequired);

    // Filled in but not signed is not enough either.
    await fillBaggerChecklist(plant, job.id);
    await expectRefusedWithoutChange(job.id, () => start(job), ChecklistRequired);
    await expect(start(job)).rejects.toMatchObject({ templateIds: [plant.baggerTemplate.id] });
  });

  it("a checklist signed for another job does not clear this one", async () => {
    const other = await jobIn("ACCEPTED");
    await signBaggerChecklist(plant, other.id);
    const job = await jobIn("ACCEPTED");
    await expectRefusedWithoutChange(job.id, () => start(job), ChecklistRequired);
  });

  it("a signed checklist that failed (a box not ticked) does not clear the job to start", async () => {
    const job = await jobIn("ACCEPTED");
    const { signChecklist } = await import("./checklist-signing.ts");
    const answers = [
      { boolean: false },
      { boolean: true },
      { number: 175 },
      { number: 6.2 },
      { text: "10 kg" },
      { text: "LOT" },
      { boolean: true },
      { text: "JB" },
    ];
    const completion = await fillBaggerChecklist(plant, job.id, answers);
    const signed = await signChecklist(plant.prisma, plant.operator, { completionId: completion.id, secret: "1234" });
    expect(signed.passed).toBe(false);
    await expectRefusedWithoutChange(job.id, () => start(job), ChecklistRequired);
  });

  it("two concurrent starts of one job: exactly one succeeds, the other is InvalidJobTransition", async () => {
    const job = await jobIn("ACCEPTED");
    await signBaggerChecklist(plant, job.id);
    const results = await Promise.allSettled([start(job), start(job), start(job)]);
    const fulfilled = results.filter((r) => r.status === "fulfilled");
    const rejected = results.filter((r) => r.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(2);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(InvalidJobTransition);
    expect(await plant.prisma.auditLog.count({ where: { entityId: job.id, action: "job.start" } })).toBe(1);
  });

  it("replaying a completion with the same idempotency key returns the job and changes nothing", async () => {
    const job = await jobIn("IN_PROGRESS");
    const input = { jobId: job.id, actualGoodQuantity: 900, actualRejectQuantity: 3, idempotencyKey: "tablet-7:42" };
    const first = await completeJob(plant.prisma, plant.operator, input);
    const audits = await auditCount(job.id);
    const replay = await completeJob(plant.prisma, plant.operator, input);
    expect(replay).toEqual(first);
    expect(await jobRow(job.id)).toEqual(first);
    expect(await auditCount(job.id)).toBe(audits);

    // The same key replayed concurrently still applies once.
    const other = await jobIn("ACCEPTED");
    await signBaggerChecklist(plant, other.id);
    const both = await Promise.all([
      startJob(plant.prisma, plant.operator, { jobId: other.id, idempotencyKey: "tablet-7:43" }),
      startJob(plant.prisma, plant.operator, { jobId: other.id, idempotencyKey: "tablet-7:43" }),
    ]);
    expect(both[0].status).toBe("IN_PROGRESS");
    expect(both[1]).toEqual(both[0]);
    expect(await plant.prisma.auditLog.count({ where: { entityId: other.id, action: "job.start" } })).toBe(1);
  });

  it("replaying an assignment with the same idempotency key returns the same job", async () => {
    const input = {
      title: "Offline assignment",
      lineId: plant.bagger.lineId,
      equipmentId: plant.bagger.id,
      assigneeId: plant.operator.userId,
      idempotencyKey: "assign-1",
    };
    const [a, b] = await Promise.all([
      assignJob(plant.prisma, plant.manager, input),
      assignJob(plant.prisma, plant.manager, input),
    ]);
    expect(b.id).toBe(a.id);
    expect(await plant.prisma.jobAssignment.count({ where: { title: "Offline assignment" } })).toBe(1);
  });

  it("completing with negative quantities returns InputInvalid and changes nothing", async () => {
    const job = await jobIn("IN_PROGRESS");
    await expectRefusedWithoutChange(
      job.id,
      () => completeJob(plant.prisma, plant.operator, { jobId: job.id, actualGoodQuantity: -1 }),
      InputInvalid,
    );
    await expectRefusedWithoutChange(
      job.id,
      () =>
        completeJob(plant.prisma, plant.operator, { jobId: job.id, actualGoodQuantity: 10, actualRejectQuantity: -2 }),
      InputInvalid,
    );
    await expectRefusedWithoutChange(
      job.id,
      () => completeJob(plant.prisma, plant.operator, { jobId: job.id, actualGoodQuantity: 1.5 }),
      InputInvalid,
    );
  });

  it("cancelling needs a non-empty reason, which is kept", async () => {
    const job = await jobIn("IN_PROGRESS");
    await expectRefusedWithoutChange(
      job.id,
      () => cancelJob(plant.prisma, plant.manager, { jobId: job.id, reason: "   " }),
      InputInvalid,
    );
    const cancelled = await cancelJob(plant.prisma, plant.manager, { jobId: job.id, reason: "Film roll missing" });
    expect(cancelled).toMatchObject({ status: "CANCELLED", cancelReason: "Film roll missing" });
    expect(cancelled.cancelledAt).toBeInstanceOf(Date);
  });

  it("assigning to unknown rows or mismatched equipment is refused and creates nothing", async () => {
    const before = await plant.prisma.jobAssignment.count();
    const base = {
      title: "x",
      lineId: plant.bagger.lineId,
      equipmentId: plant.bagger.id,
      assigneeId: plant.operator.userId,
    };
    const unknown = "00000000-0000-4000-8000-000000000000";
    await expect(assignJob(plant.prisma, plant.manager, { ...base, lineId: unknown })).rejects.toBeInstanceOf(NotFound);
    await expect(assignJob(plant.prisma, plant.manager, { ...base, assigneeId: unknown })).rejects.toBeInstanceOf(
      NotFound,
    );
    const loader = await plant.prisma.equipment.findUniqueOrThrow({ where: { code: "LOADER-1" } });
    await expect(assignJob(plant.prisma, plant.manager, { ...base, equipmentId: loader.id })).rejects.toBeInstanceOf(
      InputInvalid,
    );
    const viewer = await plant.prisma.user.findUniqueOrThrow({ where: { username: "viewer" } });
    await expect(assignJob(plant.prisma, plant.manager, { ...base, assigneeId: viewer.id })).rejects.toBeInstanceOf(
      InputInvalid,
    );
    await expect(assignJob(plant.prisma, plant.manager, { ...base, plannedQuantity: 0 })).rejects.toBeInstanceOf(
      InputInvalid,
    );
    await expect(assignJob(plant.prisma, plant.manager, { ...base, title: " " })).rejects.toBeInstanceOf(InputInvalid);
    expect(await plant.prisma.jobAssignment.count()).toBe(before);
  });

  it("an unknown job id is NotFound", async () => {
    await expect(
      acceptJob(plant.prisma, plant.operator, { jobId: "00000000-0000-4000-8000-000000000000" }),
    ).rejects.toBeInstanceOf(NotFound);
  });
});
