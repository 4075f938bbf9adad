// jobStatistics against a real database, with six jobs whose figures are worked out by hand below
// (times are minutes after 04:00 UTC on Monday 4 March 2030, the Morning shift; Afternoon from 12:00).
//
// job  operator   line       due (shift)      assigned accepted completed  status       planned good
// A    operator   bagging-1  06:00 (Morning)  04:00    04:10    05:40      COMPLETED    1000    950   on time
// B    operator   bagging-1  07:00 (Morning)  04:30    04:35    07:30      COMPLETED     500    520   late
// C    operator   bagging-1  14:00 (Aftern.)  05:00    -        -          ASSIGNED      800
// D    operator2  loading-1  10:00 (Morning)  04:00    04:20    09:00      COMPLETED      40     36   on time
// E    operator2  loading-1  - (assigned in Afternoon) 13:00 13:30 -       CANCELLED      40
// F    operator   loading-1  11:00 (Morning)  06:00    06:15    -          IN_PROGRESS
// plus one job assigned the next day, outside every range asked for.
import { createLogger } from "@ms5/kit";
import { ApiError, createSubgraphContext } from "@ms5/kit/subgraph";
import { permissionsOf, type Role } from "@ms5/schema";
import { graphql } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schema } from "../schema/index.ts";
import { jobStatistics } from "./job-statistics.ts";
import { type JobTestPlant, openJobTestPlant } from "./job-test-plant.ts";

const at = (hhmm: string) => new Date(`2030-03-04T${hhmm}:00Z`);
const FROM = at("00:00");
const TO = new Date("2030-03-05T00:00:00Z");

describe("job statistics", () => {
  let plant: JobTestPlant;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    plant = await openJobTestPlant();
    const { prisma } = plant;
    for (const code of ["bagging-1", "loading-1"])
      ids[code] = (await prisma.line.findUniqueOrThrow({ where: { code } })).id;
    for (const name of ["Morning", "Afternoon"])
      ids[name] = (await prisma.shift.findFirstOrThrow({ where: { name } })).id;
    await prisma.shiftInstance.createMany({
      data: [
        { shiftId: ids.Morning!, startsAt: at("04:00"), endsAt: at("12:00") },
        { shiftId: ids.Afternoon!, startsAt: at("12:00"), endsAt: at("20:00") },
      ],
    });
    const base = { assignedById: plant.manager.userId, title: "statistics" };
    const operator = plant.operator.userId;
    const operator2 = plant.operator2.userId;
    await prisma.jobAssignment.createMany({
      data: [
        {
          ...base,
          assigneeId: operator,
          lineId: ids["bagging-1"]!,
          dueAt: at("06:00"),
          assignedAt: at("04:00"),
          acceptedAt: at("04:10"),
          startedAt: at("04:15"),
          completedAt: at("05:40"),
          status: "COMPLETED",
          plannedQuantity: 1000,
          actualGoodQuantity: 950,
        },
        {
          ...base,
          assigneeId: operator,
          lineId: ids["bagging-1"]!,
          dueAt: at("07:00"),
          assignedAt: at("04:30"),
          acceptedAt: at("04:35"),
          startedAt: at("04:40"),
          completedAt: at("07:30"),
          status: "COMPLETED",
          plannedQuantity: 500,
          actualGoodQuantity: 520,
        },
        {
          ...base,
          assigneeId: operator,
          lineId: ids["bagging-1"]!,
          dueAt: at("14:00"),
          assignedAt: at("05:00"),
          status: "ASSIGNED",
          plannedQuantity: 800,
        },
        {
          ...base,
          assigneeId: operator2,
          lineId: ids["loading-1"]!,
          dueAt: at("10:00"),
          assignedAt: at("04:00"),
          acceptedAt: at("04:20"),
          startedAt: at("04:30"),
          completedAt: at("09:00"),
          status: "COMPLETED",
          plannedQuantity: 40,
          actualGoodQuantity: 36,
        },
        {
          ...base,
          assigneeId: operator2,
          lineId: ids["loading-1"]!,
          assignedAt: at("13:00"),
          acceptedAt: at("13:30"),
          cancelledAt: at("13:45"),
          cancelReason: "Truck did not arrive",
          status: "CANCELLED",
          plannedQuantity: 40,
        },
        {
          ...base,
          assigneeId: operator,
          lineId: ids["loading-1"]!,
          dueAt: at("11:00"),
          assignedAt: at("06:00"),
          acceptedAt: at("06:15"),
          startedAt: at("06:20"),
          status: "IN_PROGRESS",
        },
        {
          ...base,
          assigneeId: operator,
          lineId: ids["bagging-1"]!,
          assignedAt: TO,
          status: "ASSIGNED",
          plannedQuantity: 9,
        },
      ],
    });
  });
  afterAll(async () => {
    await plant?.db.drop();
  });

  const none = { meanTimeToCompleteSeconds: null, plannedQuantity: 0, goodQuantity: 0, quantityAgainstPlanned: null };

  it("per operator, line and shift: each combination's counts, mean times and quantity against plan", async () => {
    const rows = await jobStatistics(plant.prisma, { from: FROM, to: TO, groupBy: ["OPERATOR", "LINE", "SHIFT"] });
    const key = (operatorId: string, line: string, shift: string) => ({
      operatorId,
      lineId: ids[line],
      shiftId: ids[shift],
    });
    const op = plant.operator.userId;
    const op2 = plant.operator2.userId;
    const expected = [
      {
        ...key(op, "bagging-1", "Morning"),
        assigned: 2,
        accepted: 2,
        completed: 2,
        completedOnTime: 1,
        meanTimeToAcceptSeconds: 450,
        meanTimeToCompleteSeconds: 8400,
        plannedQuantity: 1500,
        goodQuantity: 1470,
        quantityAgainstPlanned: 0.98,
      },
      {
        ...key(op, "bagging-1", "Afternoon"),
        assigned: 1,
        accepted: 0,
        completed: 0,
        completedOnTime: 0,
        meanTimeToAcceptSeconds: null,
        ...none,
      },
      {
        ...key(op, "loading-1", "Morning"),
        assigned: 1,
        accepted: 1,
        completed: 0,
        completedOnTime: 0,
        meanTimeToAcceptSeconds: 900,
        ...none,
      },
      {
        ...key(op2, "loading-1", "Morning"),
        assigned: 1,
        accepted: 1,
        completed: 1,
        completedOnTime: 1,
        meanTimeToAcceptSeconds: 1200,
        meanTimeToCompleteSeconds: 18000,
        plannedQuantity: 40,
        goodQuantity: 36,
        quantityAgainstPlanned: 0.9,
      },
      {
        ...key(op2, "loading-1", "Afternoon"),
        assigned: 1,
        accepted: 1,
        completed: 0,
        completedOnTime: 0,
        meanTimeToAcceptSeconds: 1800,
        ...none,
      },
    ];
    expect(rows).toHaveLength(expected.length);
    for (const row of expected) expect(rows).toContainEqual(row);
  });

  it("per operator alone, the lines and shifts are summed over", async () => {
    const rows = await jobStatistics(plant.prisma, { from: FROM, to: TO, groupBy: ["OPERATOR"] });
    expect(rows).toHaveLength(2);
    expect(rows).toContainEqual({
      operatorId: plant.operator.userId,
      lineId: null,
      shiftId: null,
      assigned: 4,
      accepted: 3,
      completed: 2,
      completedOnTime: 1,
      meanTimeToAcceptSeconds: 600,
      meanTimeToCompleteSeconds: 8400,
      plannedQuantity: 1500,
      goodQuantity: 1470,
      quantityAgainstPlanned: 0.98,
    });
    expect(rows).toContainEqual({
      operatorId: plant.operator2.userId,
      lineId: null,
      shiftId: null,
      assigned: 2,
      accepted: 2,
      completed: 1,
      completedOnTime: 1,
      meanTimeToAcceptSeconds: 1500,
      meanTimeToCompleteSeconds: 18000,
      plannedQuantity: 40,
      goodQuantity: 36,
      quantityAgainstPlanned: 0.9,
    });
  });

  it("per shift, and per line restricted to one line", async () => {
    const shifts = await jobStatistics(plant.prisma, { from: FROM, to: TO, groupBy: ["SHIFT"] });
    expect(shifts).toContainEqual({
      operatorId: null,
      lineId: null,
      shiftId: ids.Morning,
      assigned: 4,
      accepted: 4,
      completed: 3,
      completedOnTime: 2,
      meanTimeToAcceptSeconds: 750,
      meanTimeToCompleteSeconds: 11600,
      plannedQuantity: 1540,
      goodQuantity: 1506,
      quantityAgainstPlanned: 1506 / 1540,
    });
    expect(shifts).toContainEqual({
      operatorId: null,
      lineId: null,
      shiftId: ids.Afternoon,
      assigned: 2,
      accepted: 1,
      completed: 0,
      completedOnTime: 0,
      meanTimeToAcceptSeconds: 1800,
      ...none,
    });
    const loading = await jobStatistics(plant.prisma, {
      from: FROM,
      to: TO,
      lineId: ids["loading-1"],
      groupBy: ["LINE"],
    });
    expect(loading).toEqual([
      {
        operatorId: null,
        lineId: ids["loading-1"],
        shiftId: null,
        assigned: 3,
        accepted: 3,
        completed: 1,
        completedOnTime: 1,
        meanTimeToAcceptSeconds: 1300,
        meanTimeToCompleteSeconds: 18000,
        plannedQuantity: 40,
        goodQuantity: 36,
        quantityAgainstPlanned: 0.9,
      },
    ]);
  });

  it("a reversed or too long range is BAD_USER_INPUT", async () => {
    await expect(jobStatistics(plant.prisma, { from: TO, to: FROM, groupBy: [] })).rejects.toBeInstanceOf(ApiError);
    await expect(
      jobStatistics(plant.prisma, { from: FROM, to: new Date("2031-01-01T00:00:00Z"), groupBy: [] }),
    ).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
  });

  describe("through GraphQL", () => {
    const logger = createLogger({ service: "production-test", level: "silent" });
    const run = (userId: string, roles: Role[], source: string) =>
      graphql({
        schema,
        source,
        contextValue: createSubgraphContext({
          identity: { kind: "user", userId, name: "test", roles, permissions: permissionsOf(roles) },
          prisma: plant.prisma,
          redis: undefined as never,
          logger,
          correlationId: "job-statistics-test",
        }),
      });
    const QUERY = `{ jobStatistics(from: "2030-03-04T00:00:00Z", to: "2030-03-05T00:00:00Z", groupBy: [OPERATOR, SHIFT]) {
      operator { username } line { code } shift { name } assigned completedOnTime meanTimeToAcceptSeconds quantityAgainstPlanned } }`;

    it("a shift manager reads the rows with the operator, line and shift named", async () => {
      const result = await run(plant.manager.userId, ["SHIFT_MANAGER"], QUERY);
      expect(result.errors).toBeUndefined();
      expect(result.data!.jobStatistics).toContainEqual({
        operator: { username: "operator2" },
        line: null,
        shift: { name: "Morning" },
        assigned: 1,
        completedOnTime: 1,
        meanTimeToAcceptSeconds: 1200,
        quantityAgainstPlanned: 0.9,
      });
    });

    it("an operator may not read job statistics (FORBIDDEN)", async () => {
      const result = await run(plant.operator.userId, ["OPERATOR"], QUERY);
      expect(result.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    });

    it("a reversed range through GraphQL is BAD_USER_INPUT", async () => {
      const result = await run(
        plant.manager.userId,
        ["SHIFT_MANAGER"],
        `{ jobStatistics(from: "2030-03-05T00:00:00Z", to: "2030-03-04T00:00:00Z") { assigned } }`,
      );
      expect(result.errors?.[0]?.extensions.code).toBe("BAD_USER_INPUT");
    });
  });
});
