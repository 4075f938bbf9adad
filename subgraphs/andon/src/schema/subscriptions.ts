// Live andon subscriptions, fed by the plant's andon channel on Redis pub/sub (andon-events/): each
// event names what changed and the row is read fresh, so any instance can serve any subscriber.
import type { AndonEvent, Escalation } from "@ms5/db";
import { ApiError, defineLoader, PLANT_WIDE_FEED } from "@ms5/kit/subgraph";
import type { AndonEventKind, AndonEventMessage } from "../andon-events/andon-event-message.ts";
import { builder, type Context, uuidArgument } from "../builder.ts";
import { AndonEventRef } from "./andon.ts";
import { EscalationRef } from "./escalation.ts";

const andonById = defineLoader<string, AndonEvent | null>(async (ids, { prisma }) => {
  const rows = await prisma.andonEvent.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});
const escalationById = defineLoader<string, Escalation | null>(async (ids, { prisma }) => {
  const rows = await prisma.escalation.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

async function andonEvents(
  kinds: readonly AndonEventKind[],
  lineIdArgument: string | number | null | undefined,
  context: Context,
): Promise<AsyncIterable<AndonEventMessage>> {
  const bus = context.andonEvents;
  if (!bus) throw new Error("andon live events are not running on this instance");
  const lineId = lineIdArgument ? uuidArgument(lineIdArgument, "lineId") : null;
  if (lineId && !(await context.prisma.line.findUnique({ where: { id: lineId }, select: { id: true } }))) {
    throw new ApiError("NOT_FOUND", `There is no line ${lineId}.`);
  }
  return bus.events(kinds, (event) => lineId === null || event.lineId === lineId);
}

function found<T>(row: T | null, what: string): T {
  if (!row) throw new ApiError("NOT_FOUND", `The ${what} of this event no longer exists.`);
  return row;
}

builder.subscriptionFields((t) => ({
  andonRaised: t.field({
    type: AndonEventRef,
    description: "Each andon as it is raised (by hand or by a PLC fault), of one line or of the plant.",
    authScopes: { permission: "andon:read" },
    directives: PLANT_WIDE_FEED,
    args: { lineId: t.arg.id({ required: false }) },
    subscribe: (_root, args, context) => andonEvents(["andon-raised"], args.lineId, context),
    resolve: async (event: AndonEventMessage, _args, context) =>
      found(await context.loaders.of(andonById).load(event.andonId), "andon"),
  }),
  andonUpdated: t.field({
    type: AndonEventRef,
    description: "An andon each time it changes (a step of its lifecycle, a repeat of its fault, a photo).",
    authScopes: { permission: "andon:read" },
    directives: PLANT_WIDE_FEED,
    args: { lineId: t.arg.id({ required: false }) },
    subscribe: (_root, args, context) => andonEvents(["andon-updated"], args.lineId, context),
    resolve: async (event: AndonEventMessage, _args, context) =>
      found(await context.loaders.of(andonById).load(event.andonId), "andon"),
  }),
  escalationUpdated: t.field({
    type: EscalationRef,
    description: "An escalation each time it starts, fires a level or reminder, is escalated by hand or stops.",
    authScopes: { permission: "andon:read" },
    directives: PLANT_WIDE_FEED,
    args: { lineId: t.arg.id({ required: false }) },
    subscribe: (_root, args, context) => andonEvents(["escalation-updated"], args.lineId, context),
    resolve: async (event: AndonEventMessage, _args, context) =>
      found(
        await context.loaders.of(escalationById).load(event.kind === "escalation-updated" ? event.escalationId : ""),
        "escalation",
      ),
  }),
}));
