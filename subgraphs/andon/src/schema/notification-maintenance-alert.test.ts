// The notification, maintenance and alert GraphQL fields over the andon schema, executed in-process
// against a real database and Redis: permissions guard them, refusals are typed and change nothing.
import type { Equipment, PrismaClient, User } from "@ms5/db";
import type { TestDatabase } from "@ms5/db/test-database";
import { createLogger, createRedisClient, type RedisClient } from "@ms5/kit";
import { ANONYMOUS_IDENTITY } from "@ms5/kit/auth";
import { createSubgraphContext } from "@ms5/kit/subgraph";
import { testRedisPrefix } from "@ms5/kit/testing";
import { permissionsOf, type Role } from "@ms5/schema";
import { graphql, parse, subscribe } from "graphql";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { NotificationDispatcher } from "../notifications/notification-dispatcher.ts";
import { NotificationFeed } from "../notifications/notification-feed.ts";
import { insertTestEquipment, insertTestUser, openTestDatabase } from "../notifications/notification-test-support.ts";
import { schema } from "./index.ts";

type Result = {
  data?: Record<string, Record<string, unknown> | null> | null;
  errors?: readonly { message: string; extensions: Record<string, unknown> }[];
};

describe("notification, maintenance and alert GraphQL", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}schema:`;
  const logger = createLogger({ service: "andon-test", level: "silent" });
  let db: TestDatabase;
  let prisma: PrismaClient;
  let redis: RedisClient;
  let feed: NotificationFeed;
  let dispatcher: NotificationDispatcher;
  let bagger: Equipment;
  let manager: User;
  let technician: User;
  let operator: User;
  let engineer: User;

  beforeAll(async () => {
    db = await openTestDatabase(run);
    prisma = db.prisma;
    redis = createRedisClient({ url: run.redisUrl });
    await redis.connect();
    feed = new NotificationFeed({ redis, logger, keyPrefix });
    dispatcher = new NotificationDispatcher({ prisma, redis, logger, email: null, keyPrefix });
    ({ equipment: bagger } = await insertTestEquipment(prisma));
    manager = await insertTestUser(prisma, { roles: ["SHIFT_MANAGER"] });
    technician = await insertTestUser(prisma, { roles: ["MAINTENANCE_TECHNICIAN"] });
    operator = await insertTestUser(prisma, { roles: ["OPERATOR"] });
    engineer = await insertTestUser(prisma, { roles: ["ENGINEER"] });
  });
  afterAll(async () => {
    await feed?.close();
    redis?.destroy();
    await db?.drop();
  });

  function contextFor(as: User | null, roles: Role[] = [], client: PrismaClient = prisma) {
    return createSubgraphContext(
      {
        identity: as
          ? { kind: "user", userId: as.id, name: as.username, roles, permissions: permissionsOf(roles) }
          : ANONYMOUS_IDENTITY,
        prisma: client,
        redis,
        logger,
        correlationId: "andon-schema-test",
      },
      // As createAndonSubgraph gives it: myNotifications listens to this feed.
      { notificationFeed: feed },
    );
  }

  async function run_(as: User | null, roles: Role[], source: string, variableValues: Record<string, unknown> = {}) {
    return (await graphql({ schema, source, variableValues, contextValue: contextFor(as, roles) })) as Result;
  }
  const asManager = (source: string, variables?: Record<string, unknown>) =>
    run_(manager, ["SHIFT_MANAGER"], source, variables);
  const asTechnician = (source: string, variables?: Record<string, unknown>) =>
    run_(technician, ["MAINTENANCE_TECHNICIAN"], source, variables);
  const asOperator = (source: string, variables?: Record<string, unknown>) =>
    run_(operator, ["OPERATOR"], source, variables);
  const asEngineer = (source: string, variables?: Record<string, unknown>) =>
    run_(engineer, ["ENGINEER"], source, variables);

  const codeOf = (result: Result) => result.errors?.[0]?.extensions.code;

  describe("notifications", () => {
    it("pages your inbox newest first with the unread count, and marks read", async () => {
      for (const n of [1, 2, 3]) {
        await dispatcher.dispatch({
          recipientUserIds: [technician.id],
          channels: ["IN_APP"],
          subject: `Call ${n}`,
          body: "",
          dedupeKey: `schema:inbox:${n}`,
        });
      }
      const page = `query($after: String) { myNotifications(first: 2, after: $after) { __typename
        ... on QueryMyNotificationsSuccess { data { unreadCount hasNextPage endCursor nodes { id title readAt } } } } }`;
      const first = await asTechnician(page);
      const firstPage = (first.data!.myNotifications as { data: Record<string, unknown> }).data as {
        unreadCount: number;
        hasNextPage: boolean;
        endCursor: string;
        nodes: { id: string; title: string }[];
      };
      expect(firstPage.unreadCount).toBe(3);
      expect(firstPage.hasNextPage).toBe(true);
      expect(firstPage.nodes.map((node) => node.title)).toEqual(["Call 3", "Call 2"]);
      const second = await asTechnician(page, { after: firstPage.endCursor });
      const secondPage = (
        second.data!.myNotifications as { data: { nodes: { title: string }[]; hasNextPage: boolean } }
      ).data;
      expect(secondPage.nodes.map((node) => node.title)).toEqual(["Call 1"]);
      expect(secondPage.hasNextPage).toBe(false);

      const marked = await asTechnician(
        `mutation($ids: [ID!]!) { markNotificationsRead(notificationIds: $ids) { __typename
          ... on MutationMarkNotificationsReadSuccess { data { id status readAt } } } }`,
        { ids: [firstPage.nodes[0]!.id] },
      );
      expect(marked.data!.markNotificationsRead).toMatchObject({ data: [{ status: "READ" }] });
      const all = await asTechnician(`mutation { markAllNotificationsRead }`);
      expect(all.data!.markAllNotificationsRead).toBe(2);
    });

    it("marking someone else's notification read returns NotFound and changes nothing", async () => {
      await dispatcher.dispatch({
        recipientUserIds: [manager.id],
        channels: ["IN_APP"],
        subject: "Mine",
        body: "",
        dedupeKey: "schema:not-yours",
      });
      const theirs = await prisma.notification.findFirstOrThrow({ where: { dedupeKey: "schema:not-yours" } });
      const result = await asOperator(
        `mutation($ids: [ID!]!) { markNotificationsRead(notificationIds: $ids) { __typename
          ... on ExpectedError { code } ... on NotFound { entity id } } }`,
        { ids: [theirs.id] },
      );
      expect(result.data!.markNotificationsRead).toEqual({
        __typename: "NotFound",
        code: "NOT_FOUND",
        entity: "notification",
        id: theirs.id,
      });
      expect(await prisma.notification.findUnique({ where: { id: theirs.id } })).toEqual(theirs);
    });

    it("refuses an anonymous caller with UNAUTHENTICATED", async () => {
      const result = await run_(null, [], `{ myNotificationPreferences { channel } }`);
      expect(codeOf(result)).toBe("UNAUTHENTICATED");
    });

    it("sets preferences as a whole, and refuses a channel listed twice with nothing changed", async () => {
      const set = `mutation($p: [NotificationPreferenceInput!]!) { setNotificationPreferences(preferences: $p) { __typename
        ... on ExpectedError { code } ... on MutationSetNotificationPreferencesSuccess { data { channel enabled minPriority rank quietFrom quietTo timeZone } } } }`;
      const ok = await asManager(set, {
        p: [
          {
            channel: "EMAIL",
            enabled: true,
            minPriority: "HIGH",
            rank: 0,
            quietFrom: "22:00",
            quietTo: "06:00",
            timeZone: "Africa/Johannesburg",
          },
          { channel: "IN_APP", enabled: true, minPriority: "LOW", rank: 1 },
        ],
      });
      expect(ok.data!.setNotificationPreferences).toMatchObject({
        data: [
          {
            channel: "EMAIL",
            minPriority: "HIGH",
            rank: 0,
            quietFrom: "22:00",
            quietTo: "06:00",
            timeZone: "Africa/Johannesburg",
          },
          { channel: "IN_APP", rank: 1, quietFrom: null, quietTo: null, timeZone: "UTC" },
        ],
      });
      const twice = await asManager(set, {
        p: [
          { channel: "SMS", enabled: true, minPriority: "LOW", rank: 0 },
          { channel: "SMS", enabled: false, minPriority: "LOW", rank: 1 },
        ],
      });
      expect(twice.data!.setNotificationPreferences).toMatchObject({ __typename: "InputInvalid" });
      expect(await prisma.notificationPreference.count({ where: { userId: manager.id } })).toBe(2);
      // Refused while coercing the variables, before any resolver (the server reports it as BAD_USER_INPUT).
      const badEnum = await asManager(set, { p: [{ channel: "PIGEON", enabled: true, minPriority: "LOW", rank: 0 }] });
      expect(badEnum.data).toBeUndefined();
      expect(badEnum.errors?.[0]?.message).toMatch(/PIGEON/);
    });

    it("refuses a myNotifications subscriber without notification:read with FORBIDDEN when subscribing", async () => {
      const result = await subscribe({
        schema,
        document: parse(`subscription { myNotifications { id } }`),
        contextValue: contextFor(operator, []),
      });
      expect("errors" in result ? result.errors?.[0]?.extensions.code : "subscribed").toBe("FORBIDDEN");
    });

    it("myNotifications delivers only the signed-in user's own notifications, as they are sent", async () => {
      const iterator = (await subscribe({
        schema,
        document: parse(`subscription { myNotifications { id title } }`),
        contextValue: contextFor(operator, ["OPERATOR"]),
      })) as AsyncIterableIterator<{ data?: { myNotifications: { id: string; title: string } } }>;
      try {
        await dispatcher.dispatch({
          recipientUserIds: [manager.id],
          channels: ["IN_APP"],
          subject: "For the manager",
          body: "",
          dedupeKey: "schema:sub:manager",
        });
        await dispatcher.dispatch({
          recipientUserIds: [operator.id],
          channels: ["IN_APP"],
          subject: "For the operator",
          body: "",
          dedupeKey: "schema:sub:operator",
        });
        const event = await iterator.next();
        expect(event.value.data.myNotifications.title).toBe("For the operator");
      } finally {
        await iterator.return?.();
      }
    });
  });

  describe("maintenance", () => {
    const create = `mutation($input: CreateMaintenanceWorkOrderInput!) { createMaintenanceWorkOrder(input: $input) { __typename
      ... on ExpectedError { code message } ... on MutationCreateMaintenanceWorkOrderSuccess { data { id number status equipment { id } tasks { id } } } } }`;

    it("a work order runs through GraphQL, and a step from the wrong status is a typed refusal", async () => {
      const created = await asManager(create, {
        input: { equipmentId: bagger.id, type: "CORRECTIVE", title: "Jaw worn", tasks: ["Swap jaw"] },
      });
      const order = (created.data!.createMaintenanceWorkOrder as { data: { id: string; tasks: { id: string }[] } })
        .data;
      const complete = await asTechnician(
        `mutation($id: ID!) { completeMaintenanceWorkOrder(workOrderId: $id, failureCause: "wear") { __typename
          ... on ExpectedError { code } ... on InvalidMaintenanceTransition { from to } } }`,
        { id: order.id },
      );
      expect(complete.data!.completeMaintenanceWorkOrder).toEqual({
        __typename: "InvalidMaintenanceTransition",
        code: "INVALID_STATE_TRANSITION",
        from: "OPEN",
        to: "COMPLETED",
      });
      const started = await asTechnician(
        `mutation($id: ID!) { startMaintenanceWorkOrder(workOrderId: $id) { ... on MutationStartMaintenanceWorkOrderSuccess { data { status assigneeId } } } }`,
        { id: order.id },
      );
      expect(started.data!.startMaintenanceWorkOrder).toEqual({
        data: { status: "IN_PROGRESS", assigneeId: technician.id },
      });
      await asTechnician(
        `mutation($t: ID!) { finishMaintenanceTask(taskId: $t, outcome: DONE, minutesSpent: 25) { __typename } }`,
        { t: order.tasks[0]!.id },
      );
      await asTechnician(
        `mutation($id: ID!) { recordMaintenancePart(workOrderId: $id, part: { partNumber: "JAW-1", quantity: 1, unitCost: 10.5 }) { __typename } }`,
        { id: order.id },
      );
      const done = await asTechnician(
        `mutation($id: ID!) { completeMaintenanceWorkOrder(workOrderId: $id, failureCause: "wear") {
          ... on MutationCompleteMaintenanceWorkOrderSuccess { data { status minutesSpent parts { partNumber unitCost } } } } }`,
        { id: order.id },
      );
      expect(done.data!.completeMaintenanceWorkOrder).toEqual({
        data: { status: "COMPLETED", minutesSpent: 25, parts: [{ partNumber: "JAW-1", unitCost: 10.5 }] },
      });
      const reliability = await asTechnician(
        `query($e: [ID!]!) { equipmentReliability(equipmentIds: $e, from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z") {
          ... on QueryEquipmentReliabilitySuccess { data { failureCount repairCount } } } }`,
        { e: [bagger.id] },
      );
      expect(reliability.data!.equipmentReliability).toEqual({ data: [{ failureCount: 1, repairCount: 1 }] });
    });

    it("a work order's parts cost is each priced part's quantity × unit cost summed to the cent, and unpriced parts are counted apart", async () => {
      const created = await asManager(create, {
        input: { equipmentId: bagger.id, type: "CORRECTIVE", title: "Belt and bearings" },
      });
      const { id } = (created.data!.createMaintenanceWorkOrder as { data: { id: string } }).data;
      const record = (part: string) =>
        asTechnician(`mutation($id: ID!) { recordMaintenancePart(workOrderId: $id, part: ${part}) { __typename } }`, {
          id,
        });
      expect((await record(`{ partNumber: "BRG-6204", quantity: 3, unitCost: 0.1 }`)).data).toEqual({
        recordMaintenancePart: { __typename: "MutationRecordMaintenancePartSuccess" },
      });
      await record(`{ partNumber: "BELT-A42", quantity: 1.5, unitCost: 19.99 }`);
      await record(`{ partNumber: "RAG", quantity: 4 }`);
      const read = await asTechnician(
        `query($id: ID!) { maintenanceWorkOrder(id: $id) { partsCost unpricedPartCount parts { partNumber cost } } }`,
        { id },
      );
      const order = read.data!.maintenanceWorkOrder as {
        partsCost: number;
        unpricedPartCount: number;
        parts: { partNumber: string; cost: number | null }[];
      };
      // 3 × 0.10 = 0.30 (not 0.30000000000000004); 1.5 × 19.99 = 29.985, to the cent 29.99.
      expect(Object.fromEntries(order.parts.map((part) => [part.partNumber, part.cost]))).toEqual({
        "BRG-6204": 0.3,
        "BELT-A42": 29.99,
        RAG: null,
      });
      expect([order.partsCost, order.unpricedPartCount]).toEqual([30.29, 1]);
      // Off the unfinished list the next test reads.
      await asManager(
        `mutation($id: ID!) { cancelMaintenanceWorkOrder(workOrderId: $id, reason: "test done") { __typename } }`,
        {
          id,
        },
      );
    });

    it("listing work orders reads all their tasks in one batch and all their parts in another", async () => {
      for (const title of ["A", "B", "C"]) {
        await asManager(create, {
          input: { equipmentId: bagger.id, type: "INSPECTION", title, tasks: ["look", "listen"] },
        });
      }
      const reads = { tasks: 0, parts: 0 };
      const counting = prisma.$extends({
        query: {
          maintenanceTask: {
            findMany: ({ args, query }) => {
              reads.tasks++;
              return query(args);
            },
          },
          maintenancePartUsage: {
            findMany: ({ args, query }) => {
              reads.parts++;
              return query(args);
            },
          },
        },
      }) as unknown as PrismaClient;
      const contextValue = contextFor(technician, ["MAINTENANCE_TECHNICIAN"], counting);
      const result = (await graphql({
        schema,
        source: `{ maintenanceWorkOrders(equipmentId: "${bagger.id}", status: [OPEN]) { title minutesSpent tasks { description } parts { id } } }`,
        contextValue,
      })) as Result;
      const orders = result.data!.maintenanceWorkOrders as unknown as { tasks: unknown[] }[];
      expect(orders.length).toBeGreaterThanOrEqual(3);
      expect(orders.every((order) => order.tasks.length === 2)).toBe(true);
      expect(reads).toEqual({ tasks: 1, parts: 1 });
    });

    it("an operator cannot create or start work orders: FORBIDDEN, nothing written", async () => {
      const before = await prisma.maintenanceWorkOrder.count();
      const refused = await asOperator(create, { input: { equipmentId: bagger.id, type: "CORRECTIVE", title: "x" } });
      expect(codeOf(refused)).toBe("FORBIDDEN");
      const start = await asOperator(
        `mutation { startMaintenanceWorkOrder(workOrderId: "00000000-0000-4000-8000-000000000000") { __typename } }`,
      );
      expect(codeOf(start)).toBe("FORBIDDEN");
      expect(await prisma.maintenanceWorkOrder.count()).toBe(before);
    });

    it("bad ids and unknown equipment are refused with typed errors and nothing written", async () => {
      const before = await prisma.maintenanceWorkOrder.count();
      const badId = await asManager(create, { input: { equipmentId: "nope", type: "CORRECTIVE", title: "x" } });
      expect(codeOf(badId)).toBe("BAD_USER_INPUT");
      const unknown = await asManager(create, {
        input: { equipmentId: "00000000-0000-4000-8000-000000000000", type: "CORRECTIVE", title: "x" },
      });
      expect(unknown.data!.createMaintenanceWorkOrder).toMatchObject({
        __typename: "NotFound",
        code: "NOT_FOUND",
      });
      const badEnum = await asManager(create, { input: { equipmentId: bagger.id, type: "MAGIC", title: "x" } });
      expect(badEnum.data).toBeUndefined();
      expect(badEnum.errors?.[0]?.message).toMatch(/MAGIC/);
      expect(await prisma.maintenanceWorkOrder.count()).toBe(before);
    });
  });

  describe("alerts", () => {
    const create = `mutation($input: AlertRuleInput!) { createAlertRule(input: $input) { __typename
      ... on ExpectedError { code } ... on InputInvalid { field } ... on MutationCreateAlertRuleSuccess { data { id kind threshold clearThreshold line { id } } } } }`;

    it("an engineer defines a rule; its line is implied by the equipment", async () => {
      const result = await asEngineer(create, {
        input: { name: "Slow bagger", kind: "SPEED_BELOW", equipmentId: bagger.id, threshold: 30, clearThreshold: 35 },
      });
      expect(result.data!.createAlertRule).toMatchObject({
        __typename: "MutationCreateAlertRuleSuccess",
        data: { kind: "SPEED_BELOW", threshold: 30, clearThreshold: 35, line: { id: bagger.lineId } },
      });
      const listed = await asOperator(`{ alertRules { name } }`);
      expect(listed.data!.alertRules).toEqual(expect.arrayContaining([{ name: "Slow bagger" }]));
    });

    it("an operator editing alert rules is refused with FORBIDDEN and nothing is written", async () => {
      const before = await prisma.alertRule.count();
      const result = await asOperator(create, {
        input: { name: "Mine", kind: "OEE_BELOW_TARGET", lineId: bagger.lineId, threshold: 0.6 },
      });
      expect(codeOf(result)).toBe("FORBIDDEN");
      expect(await prisma.alertRule.count()).toBe(before);
    });

    it("refuses a hysteresis band the wrong way round, an OEE over 1 and an unknown line, writing nothing", async () => {
      const before = await prisma.alertRule.count();
      const wrongBand = await asEngineer(create, {
        input: { name: "Flappy", kind: "OEE_BELOW_TARGET", lineId: bagger.lineId, threshold: 0.6, clearThreshold: 0.5 },
      });
      expect(wrongBand.data!.createAlertRule).toEqual({
        __typename: "InputInvalid",
        code: "BAD_USER_INPUT",
        field: "clearThreshold",
      });
      const overOne = await asEngineer(create, {
        input: { name: "Too high", kind: "OEE_BELOW_TARGET", lineId: bagger.lineId, threshold: 85 },
      });
      expect(overOne.data!.createAlertRule).toMatchObject({ __typename: "InputInvalid", field: "threshold" });
      const unknownLine = await asEngineer(create, {
        input: {
          name: "Ghost",
          kind: "REJECT_RATE_ABOVE",
          lineId: "00000000-0000-4000-8000-000000000000",
          threshold: 0.1,
        },
      });
      expect(unknownLine.data!.createAlertRule).toMatchObject({ __typename: "NotFound", code: "NOT_FOUND" });
      expect(await prisma.alertRule.count()).toBe(before);
    });

    it("acknowledging an alert twice returns ProductionAlertNotActive the second time and changes nothing", async () => {
      const rule = await prisma.alertRule.create({
        data: {
          name: "Ack",
          kind: "SPEED_BELOW",
          equipmentId: bagger.id,
          lineId: bagger.lineId,
          threshold: 1,
          clearThreshold: 2,
        },
      });
      const alert = await prisma.productionAlert.create({
        data: {
          ruleId: rule.id,
          kind: "SPEED_BELOW",
          lineId: bagger.lineId,
          threshold: 1,
          observedValue: 0,
          message: "slow",
        },
      });
      const ack = `mutation($id: ID!) { acknowledgeProductionAlert(alertId: $id) { __typename
        ... on ExpectedError { code } ... on MutationAcknowledgeProductionAlertSuccess { data { status acknowledgedById } } } }`;
      const first = await asTechnician(ack, { id: alert.id });
      expect(first.data!.acknowledgeProductionAlert).toMatchObject({
        data: { status: "ACKNOWLEDGED", acknowledgedById: technician.id },
      });
      const afterFirst = await prisma.productionAlert.findUnique({ where: { id: alert.id } });
      const second = await asManager(ack, { id: alert.id });
      expect(second.data!.acknowledgeProductionAlert).toEqual({
        __typename: "ProductionAlertNotActive",
        code: "INVALID_STATE_TRANSITION",
      });
      expect(await prisma.productionAlert.findUnique({ where: { id: alert.id } })).toEqual(afterFirst);
    });
  });
});
