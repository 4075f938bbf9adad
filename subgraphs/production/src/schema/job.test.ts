// The job and checklist GraphQL fields over the production schema, executed in-process against a
// real database: permissions guard them and refusals come back as typed results.
import { createLogger } from "@ms5/kit";
import { createSubgraphContext } from "@ms5/kit/subgraph";
import { permissionsOf, type Role } from "@ms5/schema";
import { graphql } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type JobTestPlant, OPERATOR_PIN, openJobTestPlant } from "../jobs/job-test-plant.ts";
import { schema } from "./index.ts";

describe("job and checklist GraphQL", () => {
  let plant: JobTestPlant;
  const logger = createLogger({ service: "production-test", level: "silent" });

  beforeAll(async () => {
    plant = await openJobTestPlant();
  });
  afterAll(async () => {
    await plant?.db.drop();
  });

  async function run(
    as: { userId: string },
    roles: Role[],
    source: string,
    variableValues: Record<string, unknown> = {},
  ) {
    const contextValue = createSubgraphContext({
      identity: { kind: "user", userId: as.userId, name: "test", roles, permissions: permissionsOf(roles) },
      prisma: plant.prisma,
      redis: undefined as never,
      logger,
      correlationId: "job-test",
    });
    const result = await graphql({ schema, source, variableValues, contextValue });
    return result as {
      data?: Record<string, Record<string, unknown>> | null;
      errors?: readonly { extensions: Record<string, unknown> }[];
    };
  }
  const asManager = (source: string, variables?: Record<string, unknown>) =>
    run(plant.manager, ["SHIFT_MANAGER"], source, variables);
  const asOperator = (source: string, variables?: Record<string, unknown>) =>
    run(plant.operator, ["OPERATOR"], source, variables);

  const JOB_RESULT = `__typename ... on ExpectedError { code message }
    ... on InvalidJobTransition { from to } ... on ChecklistRequired { templateIds }
    ... on MutationStartJobSuccess { data { id status } }`;

  it("a job runs assign -> accept -> refused start -> checklist signed -> start -> complete, through GraphQL", async () => {
    const assigned = await asManager(
      `mutation($input: AssignJobInput!) { assignJob(input: $input) { __typename ... on MutationAssignJobSuccess { data { id status line { code } } } } }`,
      {
        input: {
          title: "Run 10 kg",
          lineId: plant.bagger.lineId,
          equipmentId: plant.bagger.id,
          assigneeId: plant.operator.userId,
          plannedQuantity: 500,
        },
      },
    );
    expect(assigned.errors).toBeUndefined();
    const job = (assigned.data!.assignJob as { data: { id: string; status: string } }).data;
    expect(job.status).toBe("ASSIGNED");

    const accepted = await asOperator(`mutation($id: ID!) { acceptJob(jobId: $id) { __typename } }`, { id: job.id });
    expect(accepted.data!.acceptJob).toEqual({ __typename: "MutationAcceptJobSuccess" });

    const refused = await asOperator(`mutation($id: ID!) { startJob(jobId: $id) { ${JOB_RESULT} } }`, { id: job.id });
    expect(refused.data!.startJob).toMatchObject({
      __typename: "ChecklistRequired",
      code: "INVALID_STATE_TRANSITION",
      templateIds: [plant.baggerTemplate.id],
    });

    const templates = await asOperator(
      `query($e: ID!) { checklistTemplates(equipmentId: $e) { id items { id position type } } }`,
      { e: plant.bagger.id },
    );
    const template = (
      templates.data!.checklistTemplates as unknown as { id: string; items: { id: string; position: number }[] }[]
    )[0]!;
    expect(template.items).toHaveLength(8);

    const started = await asOperator(
      `mutation($t: ID!, $e: ID!, $j: ID) { startChecklist(templateId: $t, equipmentId: $e, jobId: $j) { ... on MutationStartChecklistSuccess { data { id status } } } }`,
      { t: template.id, e: plant.bagger.id, j: job.id },
    );
    const completionId = (started.data!.startChecklist as { data: { id: string } }).data.id;
    const values = [
      { valueBoolean: true },
      { valueBoolean: true },
      { valueNumber: 200 },
      { valueNumber: 6 },
      { valueText: "10 kg" },
      { valueText: "LOT-1" },
      { valueBoolean: true },
      { valueText: "JB" },
    ];
    for (const item of template.items) {
      const answered = await asOperator(
        `mutation($c: ID!, $i: ID!, $b: Boolean, $n: Float, $s: String) {
          answerChecklistItem(completionId: $c, itemId: $i, valueBoolean: $b, valueNumber: $n, valueText: $s) {
            __typename ... on MutationAnswerChecklistItemSuccess { data { withinLimits } } } }`,
        {
          c: completionId,
          i: item.id,
          b: values[item.position]!.valueBoolean,
          n: values[item.position]!.valueNumber,
          s: values[item.position]!.valueText,
        },
      );
      expect(answered.data!.answerChecklistItem!.__typename).toBe("MutationAnswerChecklistItemSuccess");
      if (item.position === 2)
        expect(answered.data!.answerChecklistItem).toMatchObject({ data: { withinLimits: false } });
    }
    // The jaw temperature was out of limits: corrected before signing, so the checklist passes.
    await asOperator(
      `mutation($c: ID!, $i: ID!) { answerChecklistItem(completionId: $c, itemId: $i, valueNumber: 175) { __typename } }`,
      { c: completionId, i: template.items[2]!.id },
    );

    const sign = `mutation($c: ID!, $s: String!) { signChecklist(completionId: $c, secret: $s) {
      __typename ... on ExpectedError { code } ... on MutationSignChecklistSuccess { data { status passed contentHash } } } }`;
    const wrong = await asOperator(sign, { c: completionId, s: "9999" });
    expect(wrong.data!.signChecklist).toEqual({ __typename: "SignatureRejected", code: "FORBIDDEN" });
    const signed = await asOperator(sign, { c: completionId, s: OPERATOR_PIN });
    expect(signed.data!.signChecklist).toMatchObject({ data: { status: "SIGNED", passed: true } });

    const running = await asOperator(`mutation($id: ID!) { startJob(jobId: $id) { ${JOB_RESULT} } }`, { id: job.id });
    expect(running.data!.startJob).toMatchObject({ data: { status: "IN_PROGRESS" } });

    const done = await asOperator(
      `mutation($id: ID!) { completeJob(jobId: $id, actualGoodQuantity: 480, actualRejectQuantity: 4) {
        ... on MutationCompleteJobSuccess { data { status actualGoodQuantity } } } }`,
      { id: job.id },
    );
    expect(done.data!.completeJob).toMatchObject({ data: { status: "COMPLETED", actualGoodQuantity: 480 } });

    const again = await asOperator(
      `mutation($id: ID!) { acceptJob(jobId: $id) { __typename ... on InvalidJobTransition { from to code } } }`,
      { id: job.id },
    );
    expect(again.data!.acceptJob).toEqual({
      __typename: "InvalidJobTransition",
      from: "COMPLETED",
      to: "ACCEPTED",
      code: "INVALID_STATE_TRANSITION",
    });

    const mine = await asOperator(`{ myJobs(status: [COMPLETED]) { id } }`);
    expect(mine.data!.myJobs).toContainEqual({ id: job.id });
  });

  it("another operator acting on the job gets NotYourJob", async () => {
    const job = await plant.prisma.jobAssignment.create({
      data: {
        title: "x",
        lineId: plant.bagger.lineId,
        assigneeId: plant.operator.userId,
        assignedById: plant.manager.userId,
      },
    });
    const result = await run(
      plant.operator2,
      ["OPERATOR"],
      `mutation($id: ID!) { acceptJob(jobId: $id) { __typename ... on ExpectedError { code } } }`,
      {
        id: job.id,
      },
    );
    expect(result.data!.acceptJob).toEqual({ __typename: "NotYourJob", code: "FORBIDDEN" });
  });

  it("an operator cannot cancel the job assigned to them: FORBIDDEN, and the job stays as it was", async () => {
    const job = await plant.prisma.jobAssignment.create({
      data: {
        title: "y",
        lineId: plant.bagger.lineId,
        assigneeId: plant.operator.userId,
        assignedById: plant.manager.userId,
      },
    });
    const result = await asOperator(`mutation($id: ID!) { cancelJob(jobId: $id, reason: "bored") { __typename } }`, {
      id: job.id,
    });
    expect(result.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    expect(await plant.prisma.jobAssignment.findUniqueOrThrow({ where: { id: job.id } })).toEqual(job);
  });
});
