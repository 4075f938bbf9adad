// Production alerts: the threshold rules (admin), the alerts they raised, and acknowledging one.
import type { AlertStatus, Prisma, ProductionAlert } from "@ms5/db";
import { ApiError, ExpectedError, InputInvalid, NotFound, type SubgraphContext } from "@ms5/kit/subgraph";
import { ALERT_KINDS } from "../alerts/alert-conditions.ts";
import {
  acknowledgeProductionAlert,
  createAlertRule,
  deleteAlertRule,
  ProductionAlertNotActive,
  updateAlertRule,
} from "../alerts/alert-rules.ts";
import { builder, uuidArgument } from "../builder.ts";
import { AndonPriorityEnum, userActorOf } from "./andon.ts";
import { EquipmentRef, LineRef } from "./plant-refs.ts";
import { afterNewestFirst, CONNECTION_LIST_SIZE, connectionRef, newestFirstPage } from "./relay-connection.ts";
import { nowFor } from "./schema-clock.ts";

/** @default 100 alerts per list */
const MAX_ALERTS_LISTED = 100;

function actorOf(context: SubgraphContext) {
  const { identity } = context;
  if (identity.kind === "user") return { userId: identity.userId };
  if (identity.kind === "service") return { serviceAccountId: identity.serviceAccountId };
  throw new ApiError("UNAUTHENTICATED", "Sign in first.");
}

const AlertKindEnum = builder.enumType("AlertKind", {
  values: Object.fromEntries(
    Object.entries(ALERT_KINDS).map(([kind, { direction, describe }]) => [
      kind,
      { description: `Raised when the ${describe} is ${direction} the threshold.` },
    ]),
  ) as Record<keyof typeof ALERT_KINDS, { description: string }>,
});
const AlertStatusEnum = builder.enumType("AlertStatus", {
  description: "ACTIVE until someone acknowledges it; either way it clears by itself once the value recovers.",
  values: ["ACTIVE", "ACKNOWLEDGED", "CLEARED"] as const,
});

builder.objectType(ProductionAlertNotActive, {
  name: "ProductionAlertNotActive",
  description: "Only an ACTIVE alert can be acknowledged; nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({
    alertId: t.exposeID("alertId"),
    status: t.field({ type: AlertStatusEnum, resolve: (error) => error.status as "ACTIVE" }),
  }),
});

export const AlertRuleRef = builder.prismaObject("AlertRule", {
  description:
    "A production threshold: raised once the value has been past `threshold` for `durationSeconds`, cleared once it has been past `clearThreshold` (the far side of the band) as long.",
  authScopes: { permission: "alert:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    kind: t.field({ type: AlertKindEnum, resolve: (rule) => rule.kind }),
    line: t.field({ type: LineRef, nullable: true, resolve: (rule) => (rule.lineId ? { id: rule.lineId } : null) }),
    equipment: t.field({
      type: EquipmentRef,
      nullable: true,
      resolve: (rule) => (rule.equipmentId ? { id: rule.equipmentId } : null),
    }),
    threshold: t.exposeFloat("threshold", {
      description: "OEE and reject rate as 0-1, speed per minute, downtime in seconds.",
    }),
    clearThreshold: t.exposeFloat("clearThreshold"),
    durationSeconds: t.exposeInt("durationSeconds"),
    severity: t.field({ type: AndonPriorityEnum, resolve: (rule) => rule.severity }),
    active: t.exposeBoolean("active"),
    conditionSince: t.expose("conditionSince", {
      type: "DateTime",
      nullable: true,
      description: "Since when the value has been past the threshold it is waiting on (raise or clear).",
    }),
  }),
});

export const ProductionAlertRef = builder.prismaObject("ProductionAlert", {
  authScopes: { permission: "alert:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    rule: t.relation("rule", { type: AlertRuleRef, nullable: true }),
    kind: t.field({ type: AlertKindEnum, resolve: (alert) => alert.kind }),
    status: t.field({ type: AlertStatusEnum, resolve: (alert) => alert.status }),
    line: t.field({ type: LineRef, resolve: (alert) => ({ id: alert.lineId }) }),
    equipment: t.field({
      type: EquipmentRef,
      nullable: true,
      resolve: (alert) => (alert.equipmentId ? { id: alert.equipmentId } : null),
    }),
    threshold: t.exposeFloat("threshold"),
    observedValue: t.exposeFloat("observedValue", { description: "The value when it was raised." }),
    message: t.exposeString("message"),
    raisedAt: t.expose("raisedAt", { type: "DateTime" }),
    acknowledgedById: t.exposeID("acknowledgedById", { nullable: true }),
    acknowledgedAt: t.expose("acknowledgedAt", { type: "DateTime", nullable: true }),
    clearedAt: t.expose("clearedAt", { type: "DateTime", nullable: true }),
  }),
});

const ProductionAlertConnectionRef = connectionRef("ProductionAlert", ProductionAlertRef);

/** The filter of both alert lists; the uncleared ones when no status is given. */
function alertFilterOf(args: {
  lineId?: string | number | null;
  status?: AlertStatus[] | null;
}): Prisma.ProductionAlertWhereInput {
  return {
    status: { in: args.status ?? ["ACTIVE", "ACKNOWLEDGED"] },
    ...(args.lineId ? { lineId: uuidArgument(args.lineId, "lineId") } : {}),
  };
}

builder.queryFields((t) => ({
  alertRules: t.prismaField({
    type: [AlertRuleRef],
    description: "Alert rules, of one line when given.",
    authScopes: { permission: "alert:read" },
    args: { lineId: t.arg.id({ required: false }) },
    resolve: (query, _root, args, context) =>
      context.prisma.alertRule.findMany({
        ...query,
        where: args.lineId ? { lineId: uuidArgument(args.lineId, "lineId") } : {},
        orderBy: [{ name: "asc" }, { id: "asc" }],
      }),
  }),
  productionAlerts: t.prismaField({
    listSize: { slicingArguments: ["first"], assumedSize: MAX_ALERTS_LISTED, requireOneSlicingArgument: false },
    type: [ProductionAlertRef],
    description: `Production alerts, newest first (at most ${MAX_ALERTS_LISTED}); the uncleared ones when no status is given.`,
    deprecationReason: "Capped at one page: use productionAlertsConnection, which pages with cursors.",
    authScopes: { permission: "alert:read" },
    args: {
      lineId: t.arg.id({ required: false }),
      status: t.arg({ type: [AlertStatusEnum], required: false }),
      first: t.arg.int({ required: false }),
    },
    resolve: (query, _root, args, context) => {
      const first = args.first ?? MAX_ALERTS_LISTED;
      if (first < 1 || first > MAX_ALERTS_LISTED) {
        throw new ApiError("BAD_USER_INPUT", `first must be 1 to ${MAX_ALERTS_LISTED}.`);
      }
      return context.prisma.productionAlert.findMany({
        ...query,
        where: alertFilterOf(args),
        orderBy: [{ raisedAt: "desc" }, { id: "asc" }],
        take: first,
      });
    },
  }),
  productionAlertsConnection: t.field({
    type: ProductionAlertConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description:
      "Production alerts, newest first, a page at a time (Relay cursors: `first` and `after`); the uncleared ones when no status is given.",
    authScopes: { permission: "alert:read" },
    args: {
      lineId: t.arg.id({ required: false }),
      status: t.arg({ type: [AlertStatusEnum], required: false }),
      first: t.arg.int({ required: false }),
      after: t.arg.string({ required: false }),
    },
    resolve: (_root, args, context) => {
      const where = alertFilterOf(args);
      return newestFirstPage<ProductionAlert>({
        list: "productionAlerts",
        args,
        timeOf: (alert) => alert.raisedAt,
        fetch: (after, take) =>
          context.prisma.productionAlert.findMany({
            where: { AND: [where, afterNewestFirst("raisedAt", after)] },
            orderBy: [{ raisedAt: "desc" }, { id: "asc" }],
            take,
          }),
      });
    },
  }),
}));

const AlertRuleInput = builder.inputType("AlertRuleInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    kind: t.field({ type: AlertKindEnum, required: true }),
    lineId: t.id({ description: "The line; for SPEED_BELOW its constraint's speed." }),
    equipmentId: t.id({ description: "One equipment (its line is implied)." }),
    threshold: t.float({ required: true }),
    clearThreshold: t.float({ description: "Where an active alert clears; defaults to the threshold (no band)." }),
    durationSeconds: t.int({
      description: "How long the value must stay past a threshold to raise or clear; default 0.",
    }),
    severity: t.field({ type: AndonPriorityEnum }),
    active: t.boolean(),
  }),
});

const optionalId = (value: string | number | null | undefined, name: string) =>
  value == null ? null : uuidArgument(value, name);

function ruleInput(input: typeof AlertRuleInput.$inferInput) {
  return {
    ...input,
    lineId: optionalId(input.lineId, "lineId"),
    equipmentId: optionalId(input.equipmentId, "equipmentId"),
  };
}

builder.mutationFields((t) => ({
  createAlertRule: t.field({
    type: AlertRuleRef,
    description: "Defines a production alert threshold.",
    authScopes: { permission: "alert:manage" },
    errors: { types: [NotFound, InputInvalid] },
    args: { input: t.arg({ type: AlertRuleInput, required: true }) },
    resolve: (_root, { input }, context) =>
      createAlertRule(context.prisma, ruleInput(input), actorOf(context), nowFor(context)),
  }),
  updateAlertRule: t.field({
    type: AlertRuleRef,
    description: "Replaces a rule's settings; switching it off clears its active alert.",
    authScopes: { permission: "alert:manage" },
    errors: { types: [NotFound, InputInvalid] },
    args: { ruleId: t.arg.id({ required: true }), input: t.arg({ type: AlertRuleInput, required: true }) },
    resolve: (_root, args, context) =>
      updateAlertRule(
        context.prisma,
        uuidArgument(args.ruleId, "ruleId"),
        ruleInput(args.input),
        actorOf(context),
        nowFor(context),
      ),
  }),
  deleteAlertRule: t.field({
    type: AlertRuleRef,
    description: "Deletes a rule (its past alerts stay); returns it as it was.",
    authScopes: { permission: "alert:manage" },
    errors: { types: [NotFound] },
    args: { ruleId: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      deleteAlertRule(context.prisma, uuidArgument(args.ruleId, "ruleId"), actorOf(context), nowFor(context)),
  }),
  acknowledgeProductionAlert: t.field({
    type: ProductionAlertRef,
    description: "Marks an active alert as seen; it still clears by itself when the value recovers.",
    authScopes: { permission: "andon:respond" },
    errors: { types: [NotFound, ProductionAlertNotActive] },
    args: { alertId: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      acknowledgeProductionAlert(
        context.prisma,
        uuidArgument(args.alertId, "alertId"),
        userActorOf(context).userId,
        nowFor(context),
      ),
  }),
}));
