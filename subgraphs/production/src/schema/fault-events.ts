// Fault analysis for engineers: the PLC fault events the bridge recorded (a timeline per machine),
// statistics per equipment and fault code (the Pareto by count or by lost time), and a stop opened
// to the sequence of faults that started and followed it.
import type { DowntimeEvent, FaultEvent, Prisma } from "@ms5/db";
import {
  ApiError,
  afterKeyset,
  CONNECTION_DEFAULTS,
  CONNECTION_LIST_SIZE,
  defineLoader,
  keysetPage,
  type SubgraphContext,
} from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { type FaultScope, type FaultStatisticsRow, faultStatistics } from "../fault-analysis/fault-statistics.ts";
import { DowntimeEventRef } from "./downtime.ts";
import { EquipmentRef, equipmentById, lineById } from "./plant.ts";
import { connectionRef } from "./relay-connection.ts";

/** Bounds of the fault queries. */
export const FAULT_QUERY_DEFAULTS = {
  /** @default 366 days: a year of faults in one question, not a decade. */
  maxRangeMs: 366 * 24 * 3_600_000,
  /** @default 20 rows of statistics when `first` is not given. */
  defaultStatisticsRows: 20,
  /** @default 100 rows of statistics at most. */
  maxStatisticsRows: 100,
  /** @default 200 faults in one stop's sequence: a chattering bit cannot make an answer unbounded. */
  maxSequenceLength: 200,
} as const;

interface CatalogText {
  text: string;
  category: string;
}

/** Keyed by `${equipmentId} ${faultCode}`: the catalog's text of a fault, also for statistics rows. */
const catalogTextOf = defineLoader<string, CatalogText | null>(async (keys, { prisma }) => {
  const pairs = keys.map((key) => key.split(" ") as [string, string]);
  const rows = await prisma.faultCatalogEntry.findMany({
    where: { OR: pairs.map(([equipmentId, faultCode]) => ({ equipmentId, faultCode })) },
    select: { equipmentId: true, faultCode: true, text: true, category: true },
  });
  const byKey = new Map(rows.map((row) => [`${row.equipmentId} ${row.faultCode}`, row]));
  return keys.map((key) => byKey.get(key) ?? null);
});

async function equipmentOf(equipmentId: string, context: SubgraphContext) {
  const equipment = await context.loaders.of(equipmentById).load(equipmentId);
  // Fault events and statistics rows cascade with their equipment.
  if (!equipment) throw new Error(`equipment ${equipmentId} vanished`);
  return equipment;
}

export const FaultEventRef = builder.objectRef<FaultEvent>("FaultEvent").implement({
  description: "One rising (and, once it cleared, falling) of a PLC fault bit, as the bridge saw it.",
  authScopes: { permission: "downtime:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    equipment: t.field({
      type: EquipmentRef,
      resolve: (event, _args, context) => equipmentOf(event.equipmentId, context),
    }),
    faultCode: t.exposeString("faultCode"),
    bitIndex: t.exposeInt("bitIndex", { description: "Bit across the equipment's fault words." }),
    text: t.string({
      nullable: true,
      description: "The fault catalog's text; null for a bit the catalog does not describe.",
      resolve: async (event, _args, context) =>
        (await context.loaders.of(catalogTextOf).load(`${event.equipmentId} ${event.faultCode}`))?.text ?? null,
    }),
    risingAt: t.expose("risingAt", { type: "DateTime" }),
    fallingAt: t.expose("fallingAt", { type: "DateTime", nullable: true, description: "Null while the fault is set." }),
    durationSeconds: t.float({
      description: "How long the bit was set; until now while it is.",
      resolve: (event) => ((event.fallingAt ?? new Date()).getTime() - event.risingAt.getTime()) / 1000,
    }),
    isFirstOut: t.exposeBoolean("isFirstOut", {
      description: "The first fault of its equipment to rise while it ran: the likely cause of the stop that followed.",
    }),
  }),
});

const FaultEventConnectionRef = connectionRef("FaultEvent", FaultEventRef);

const FaultStatisticsOrderEnum = builder.enumType("FaultStatisticsOrder", {
  values: {
    COUNT: { description: "Most risings first (the Pareto by count)." },
    LOST_TIME: { description: "Most time lost in the stops a fault started first (the Pareto by lost time)." },
  } as const,
});

const FaultStatisticRef = builder.objectRef<FaultStatisticsRow>("FaultStatistic").implement({
  description: "How one fault code of one equipment behaved over a range.",
  fields: (t) => ({
    equipment: t.field({ type: EquipmentRef, resolve: (row, _args, context) => equipmentOf(row.equipmentId, context) }),
    faultCode: t.exposeString("faultCode"),
    text: t.string({
      nullable: true,
      resolve: async (row, _args, context) =>
        (await context.loaders.of(catalogTextOf).load(`${row.equipmentId} ${row.faultCode}`))?.text ?? null,
    }),
    occurrences: t.exposeInt("occurrences", { description: "Risings within the range." }),
    activeSeconds: t.exposeFloat("activeSeconds", { description: "Seconds the bit was set within the range." }),
    firstOutStops: t.exposeInt("firstOutStops", {
      description: "Stops this fault started (it was their first-out fault).",
    }),
    lostSeconds: t.exposeFloat("lostSeconds", { description: "The time those stops lost within the range." }),
    followingOccurrences: t.exposeInt("followingOccurrences", {
      description: "Risings during a stop that another fault had started: this fault followed, it did not cause.",
    }),
    meanTimeBetweenSeconds: t.exposeFloat("meanTimeBetweenSeconds", {
      nullable: true,
      description: "Mean time between two risings of this fault; null with fewer than two.",
    }),
  }),
});

interface ScopeArguments {
  lineId?: string | number | null;
  equipmentId?: string | number | null;
  from: Date;
  to: Date;
}

/** The scope asked for, or BAD_USER_INPUT / NOT_FOUND before anything is read. */
async function faultScopeOf(args: ScopeArguments, context: SubgraphContext): Promise<FaultScope> {
  if (args.to.getTime() <= args.from.getTime()) throw new ApiError("BAD_USER_INPUT", "to must be after from.");
  if (args.to.getTime() - args.from.getTime() > FAULT_QUERY_DEFAULTS.maxRangeMs) {
    throw new ApiError("BAD_USER_INPUT", "The range may span at most 366 days.");
  }
  const hasLine = args.lineId !== null && args.lineId !== undefined;
  const hasEquipment = args.equipmentId !== null && args.equipmentId !== undefined;
  if (hasLine && hasEquipment) throw new ApiError("BAD_USER_INPUT", "Give lineId or equipmentId, not both.");
  const scope: FaultScope = { from: args.from, to: args.to };
  if (hasLine) {
    scope.lineId = uuidArgument(args.lineId as string, "lineId");
    if (!(await context.loaders.of(lineById).load(scope.lineId))) {
      throw new ApiError("NOT_FOUND", `There is no line ${scope.lineId}.`);
    }
  }
  if (hasEquipment) {
    scope.equipmentId = uuidArgument(args.equipmentId as string, "equipmentId");
    if (!(await context.loaders.of(equipmentById).load(scope.equipmentId))) {
      throw new ApiError("NOT_FOUND", `There is no equipment ${scope.equipmentId}.`);
    }
  }
  return scope;
}

builder.queryFields((t) => ({
  faultEvents: t.field({
    type: FaultEventConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description:
      "PLC faults that rose within [from, to), oldest first, a page at a time: the timeline of a machine, a line or the plant.",
    authScopes: { permission: "downtime:read" },
    args: {
      lineId: t.arg.id(),
      equipmentId: t.arg.id(),
      faultCode: t.arg.string(),
      from: t.arg({ type: "DateTime", required: true }),
      to: t.arg({ type: "DateTime", required: true }),
      first: t.arg.int({
        description: `At most ${CONNECTION_DEFAULTS.maxPageSize}; ${CONNECTION_DEFAULTS.defaultPageSize} when omitted.`,
      }),
      after: t.arg.string(),
    },
    resolve: async (_root, args, context) => {
      const scope = await faultScopeOf(args, context);
      return keysetPage<FaultEvent>({
        list: "fault-events",
        args,
        sortOf: (row) => row.risingAt,
        fetch: (after, take) =>
          context.prisma.faultEvent.findMany({
            where: {
              AND: [
                afterKeyset("risingAt", after) as Prisma.FaultEventWhereInput,
                scope.equipmentId ? { equipmentId: scope.equipmentId } : {},
                scope.lineId ? { equipment: { lineId: scope.lineId } } : {},
                args.faultCode ? { faultCode: args.faultCode } : {},
                { risingAt: { gte: scope.from, lt: scope.to } },
              ],
            },
            orderBy: [{ risingAt: "asc" }, { id: "asc" }],
            take,
          }),
      });
    },
  }),
  faultStatistics: t.field({
    type: [FaultStatisticRef],
    listSize: {
      slicingArguments: ["first"],
      assumedSize: FAULT_QUERY_DEFAULTS.defaultStatisticsRows,
      requireOneSlicingArgument: false,
    },
    description:
      "Per equipment and fault code over [from, to): risings, active time, stops started and time lost, stops followed, mean time between; the top `first` by count or by lost time.",
    authScopes: { permission: "downtime:read" },
    args: {
      lineId: t.arg.id(),
      equipmentId: t.arg.id(),
      from: t.arg({ type: "DateTime", required: true }),
      to: t.arg({ type: "DateTime", required: true }),
      orderBy: t.arg({ type: FaultStatisticsOrderEnum, defaultValue: "COUNT" }),
      first: t.arg.int({
        description: `At most ${FAULT_QUERY_DEFAULTS.maxStatisticsRows}; ${FAULT_QUERY_DEFAULTS.defaultStatisticsRows} when omitted.`,
      }),
    },
    resolve: async (_root, args, context) => {
      const rows = args.first ?? FAULT_QUERY_DEFAULTS.defaultStatisticsRows;
      if (!Number.isInteger(rows) || rows < 1 || rows > FAULT_QUERY_DEFAULTS.maxStatisticsRows) {
        throw new ApiError("BAD_USER_INPUT", `first must be 1 to ${FAULT_QUERY_DEFAULTS.maxStatisticsRows}.`);
      }
      const scope = await faultScopeOf(args, context);
      return faultStatistics(context.prisma, scope, args.orderBy ?? "COUNT", rows);
    },
  }),
}));

builder.objectField(DowntimeEventRef, "faultSequence", (t) =>
  t.field({
    type: [FaultEventRef],
    description:
      "The faults of the stop's equipment that were set when it stopped or rose while it stood, in the order they rose: the first-out fault, then those that followed.",
    authScopes: { permission: "downtime:read" },
    resolve: (event: DowntimeEvent, _args, context) =>
      context.prisma.faultEvent.findMany({
        where: {
          equipmentId: event.equipmentId,
          risingAt: { lte: event.endedAt ?? new Date() },
          OR: [{ fallingAt: null }, { fallingAt: { gte: event.startedAt } }],
        },
        orderBy: [{ risingAt: "asc" }, { id: "asc" }],
        take: FAULT_QUERY_DEFAULTS.maxSequenceLength,
      }),
  }),
);
