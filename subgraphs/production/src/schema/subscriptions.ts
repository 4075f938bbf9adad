// Live subscriptions of a line, fed by the line's Redis pub/sub channel (live-events/): every event
// names what changed and the entity is read fresh from the database, so any instance can serve any
// subscriber.
import type { DowntimeEvent, Equipment, Line, OeeRecord } from "@ms5/db";
import { ApiError, defineLoader, PLANT_WIDE_FEED } from "@ms5/kit/subgraph";
import { builder, type Context, uuidArgument } from "../builder.ts";
import type { LiveEvent, LiveEventKind } from "../live-events/index.ts";
import { DowntimeEventRef } from "./downtime.ts";
import { OeeRecordRef } from "./oee.ts";
import { EquipmentRef, LineRef } from "./plant.ts";

function byId<Row extends { id: string }>(ids: readonly string[], rows: Row[]): (Row | null)[] {
  const found = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => found.get(id) ?? null);
}

const lineById = defineLoader<string, Line | null>(async (ids, { prisma }) =>
  byId(ids, await prisma.line.findMany({ where: { id: { in: [...ids] } } })),
);
const equipmentById = defineLoader<string, Equipment | null>(async (ids, { prisma }) =>
  byId(ids, await prisma.equipment.findMany({ where: { id: { in: [...ids] } } })),
);
const downtimeEventById = defineLoader<string, DowntimeEvent | null>(async (ids, { prisma }) =>
  byId(ids, await prisma.downtimeEvent.findMany({ where: { id: { in: [...ids] } } })),
);
const oeeRecordById = defineLoader<string, OeeRecord | null>(async (ids, { prisma }) =>
  byId(ids, await prisma.oeeRecord.findMany({ where: { id: { in: [...ids] } } })),
);

/** The line's live events of these kinds, once the line is known to exist. */
async function lineEvents(
  lineIdArgument: string | number,
  kinds: readonly LiveEventKind[],
  context: Context,
): Promise<AsyncIterable<LiveEvent>> {
  const lineId = uuidArgument(lineIdArgument, "lineId");
  const hub = context.liveEvents;
  if (!hub) throw new Error("live events are not running on this instance");
  if (!(await context.loaders.of(lineById).load(lineId))) {
    throw new ApiError("NOT_FOUND", `There is no line ${lineId}.`);
  }
  return hub.events(lineId, kinds);
}

function found<T>(row: T | null, what: string): T {
  if (!row) throw new ApiError("NOT_FOUND", `The ${what} of this event no longer exists.`);
  return row;
}

const ProductionCountUpdateRef = builder
  .objectRef<Extract<LiveEvent, { kind: "counts" }>>("ProductionCountUpdate")
  .implement({
    description: "Good and rejected units one equipment just counted (deltas, not totals).",
    fields: (t) => ({
      lineId: t.exposeID("lineId"),
      equipmentId: t.exposeID("equipmentId"),
      good: t.exposeInt("good"),
      reject: t.exposeInt("reject"),
      at: t.field({
        type: "DateTime",
        description: "When the counts were committed.",
        resolve: (update) => new Date(update.at),
      }),
    }),
  });

builder.subscriptionFields((t) => ({
  lineStatusChanged: t.field({
    type: LineRef,
    description: "The line each time its state (its constraint's) changes; read liveState for the new state.",
    authScopes: { permission: "line-state:read" },
    directives: PLANT_WIDE_FEED,
    args: { lineId: t.arg.id({ required: true }) },
    subscribe: (_root, args, context) => lineEvents(args.lineId, ["line-state"], context),
    resolve: async (event: LiveEvent, _args, context) =>
      found(await context.loaders.of(lineById).load(event.lineId), "line"),
  }),
  equipmentStatusChanged: t.field({
    type: EquipmentRef,
    description:
      "An equipment of the line each time its state changes, a changeover's start (state CHANGEOVER) and end included.",
    authScopes: { permission: "line-state:read" },
    directives: PLANT_WIDE_FEED,
    args: { lineId: t.arg.id({ required: true }) },
    subscribe: (_root, args, context) => lineEvents(args.lineId, ["equipment-state"], context),
    resolve: async (event: LiveEvent, _args, context) =>
      found(
        await context.loaders.of(equipmentById).load(event.kind === "equipment-state" ? event.equipmentId : ""),
        "equipment",
      ),
  }),
  downtimeStarted: t.field({
    type: DowntimeEventRef,
    description: "A stop of the line's equipment as it starts, with the reason suggested from its first-out fault.",
    authScopes: { permission: "downtime:read" },
    directives: PLANT_WIDE_FEED,
    args: { lineId: t.arg.id({ required: true }) },
    subscribe: (_root, args, context) => lineEvents(args.lineId, ["downtime-started"], context),
    resolve: async (event: LiveEvent, _args, context) =>
      found(
        await context.loaders.of(downtimeEventById).load("downtimeEventId" in event ? event.downtimeEventId : ""),
        "downtime event",
      ),
  }),
  downtimeUpdated: t.field({
    type: DowntimeEventRef,
    description:
      "A stop of the line's equipment when it changes: when it ends, and when people confirm its reason, reclassify, split or merge it (each superseded and each new stop).",
    authScopes: { permission: "downtime:read" },
    directives: PLANT_WIDE_FEED,
    args: { lineId: t.arg.id({ required: true }) },
    subscribe: (_root, args, context) => lineEvents(args.lineId, ["downtime-ended", "downtime-edited"], context),
    resolve: async (event: LiveEvent, _args, context) =>
      found(
        await context.loaders.of(downtimeEventById).load("downtimeEventId" in event ? event.downtimeEventId : ""),
        "downtime event",
      ),
  }),
  productionCountUpdated: t.field({
    type: ProductionCountUpdateRef,
    description: "Units counted by an equipment of the line, as they are committed.",
    authScopes: { permission: "oee:read" },
    directives: PLANT_WIDE_FEED,
    args: { lineId: t.arg.id({ required: true }) },
    subscribe: (_root, args, context) => lineEvents(args.lineId, ["counts"], context),
    resolve: (event: LiveEvent) => {
      if (event.kind !== "counts") throw new Error(`a ${event.kind} event reached productionCountUpdated`);
      return event;
    },
  }),
  oeeUpdated: t.field({
    type: OeeRecordRef,
    description:
      "The line's OEE for the current hour (its HOUR bucket, recomputed from the event log), at most once a second.",
    authScopes: { permission: "oee:read" },
    directives: PLANT_WIDE_FEED,
    args: { lineId: t.arg.id({ required: true }) },
    subscribe: (_root, args, context) => lineEvents(args.lineId, ["oee"], context),
    resolve: async (event: LiveEvent, _args, context) =>
      found(await context.loaders.of(oeeRecordById).load(event.kind === "oee" ? event.oeeRecordId : ""), "OEE record"),
  }),
}));
