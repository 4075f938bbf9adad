// Two real subgraphs made with the kit, for the gateway's tests: "plant" owns the Line entity (a
// guarded query, a guarded mutation that publishes an event, a subscription fed from Redis pub/sub)
// and "andon" extends Line with `openAndonCount`, resolved through `_entities`.
import { randomUUID } from "node:crypto";
import type { Line, PrismaClient } from "@ms5/db";
import type { Logger, RedisClient } from "@ms5/kit";
import type { VerificationKeys } from "@ms5/kit/auth";
import {
  defineLoader,
  PLANT_WIDE_FEED,
  printSubgraphSdl,
  type SubgraphServer,
  startSubgraphServer,
  subgraphSchemaOf,
} from "@ms5/kit/subgraph";
import {
  createTestSubgraphBuilder,
  defineTestLineEntity,
  insertTestLines,
  redisChannelMessages,
} from "@ms5/kit/subgraph/testing";
import type { GraphQLSchema } from "graphql";

/** One running subgraph as composition and the gateway see it. */
export interface TestSubgraph {
  name: string;
  /** http://127.0.0.1:<port>/graphql; ws:// on the same URL serves graphql-ws. */
  url: string;
  /** The printed subgraph SDL (as `subgraphs/<name>/schema.graphql` would hold it). */
  sdl: string;
  /** The schema it runs (its fields' rules are read from it). */
  schema: GraphQLSchema;
}

export interface FederatedTestPlantOptions {
  gatewaySecret: string;
  /** The keys of the ring that issues the tests' access tokens. */
  verificationKeys: VerificationKeys;
  /** A migrated test database's client (openTestDatabase().prisma). */
  prisma: PrismaClient;
  /** Connected by the caller; the subgraphs do not close it. */
  redis: RedisClient;
  logger: Logger;
  /**
   * Redis channel the `lineChanged` subscription listens on (`lineChanged(lineId:)` listens on
   * `<channel>:<lineId>`, see lineChannelOf); pass one under the run's test prefix.
   * @default `ms5test:federated-plant:<random>:line-changed`
   */
  lineChangedChannel?: string;
  /** @default false: error detail and introspection on, as in development. */
  production?: boolean;
}

/** What the subgraphs' resolvers actually did, so a test can show that a refusal ran nothing. */
export interface FederatedTestPlantCounters {
  linesQueries: number;
  setLineNameCalls: number;
  /** Each batch of Line ids the andon subgraph counted open andons for. */
  andonCountBatches: string[][];
  lineChangedSubscriptions: number;
}

export interface FederatedTestPlant {
  subgraphs: TestSubgraph[];
  /** The rows inserted: one site, one area, two lines; Bagging Line 1 has two open andons, Loading Line 1 none. */
  lines: { bagging: Line; loading: Line };
  lineChangedChannel: string;
  counters: FederatedTestPlantCounters;
  /** Closes both subgraphs; Prisma and Redis stay open (they belong to the caller). */
  close(): Promise<void>;
}

/** The channel `lineChanged(lineId:)` listens on: one per line, so a line's subscribers see only its events. */
export function lineChannelOf(channel: string, lineId: string): string {
  return `${channel}:${lineId}`;
}

/** The event published on `lineChangedChannel` (and the line's own channel): the changed Line. */
export interface LineChangedEvent {
  id: string;
  code: string;
  name: string;
}

function buildPlantSubgraph(channel: string, counters: FederatedTestPlantCounters) {
  const builder = createTestSubgraphBuilder();
  const { LineRef } = defineTestLineEntity(builder);

  builder.queryFields((t) => ({
    lines: t.prismaField({
      type: ["Line"],
      authScopes: { permission: "plant:read" },
      resolve: (query, _root, _args, context) => {
        counters.linesQueries++;
        return context.prisma.line.findMany({ ...query, orderBy: { name: "asc" } });
      },
    }),
  }));

  builder.mutationFields((t) => ({
    setLineName: t.prismaField({
      type: "Line",
      authScopes: { permission: "plant:manage" },
      args: { id: t.arg.id({ required: true }), name: t.arg.string({ required: true }) },
      resolve: async (query, _root, { id, name }, context) => {
        counters.setLineNameCalls++;
        const line = await context.prisma.line.update({ ...query, where: { id: String(id) }, data: { name } });
        const event: LineChangedEvent = { id: line.id, code: line.code, name: line.name };
        const message = JSON.stringify(event);
        await context.redis.publish(channel, message);
        await context.redis.publish(lineChannelOf(channel, line.id), message);
        return line;
      },
    }),
  }));

  builder.subscriptionFields((t) => ({
    lineChanged: t.field({
      type: LineRef,
      authScopes: { permission: "plant:read" },
      directives: PLANT_WIDE_FEED,
      args: { lineId: t.arg.id({ description: "Only this line's changes; every line's when omitted." }) },
      subscribe: (_root, { lineId }, context) => {
        counters.lineChangedSubscriptions++;
        return redisChannelMessages(context.redis, lineId ? lineChannelOf(channel, String(lineId)) : channel);
      },
      // The event carries the Line itself: no read per event.
      resolve: (message: string) => JSON.parse(message) as Line,
    }),
  }));

  return subgraphSchemaOf(builder);
}

const OPEN_ANDON_STATUSES = ["OPEN", "ACKNOWLEDGED", "IN_PROGRESS"] as const;

function buildAndonSubgraph(counters: FederatedTestPlantCounters) {
  // Query fields only: this subgraph has no mutations or subscriptions.
  const builder = createTestSubgraphBuilder({ rootTypes: [] });

  const openAndonCountByLine = defineLoader<string, number>(async (lineIds, context) => {
    counters.andonCountBatches.push([...lineIds]);
    const groups = await context.prisma.andonEvent.groupBy({
      by: ["lineId"],
      where: { lineId: { in: [...lineIds] }, status: { in: [...OPEN_ANDON_STATUSES] } },
      _count: { _all: true },
    });
    return lineIds.map((lineId) => groups.find((group) => group.lineId === lineId)?._count._all ?? 0);
  });

  const LineRef = builder.externalRef("Line", builder.selection<{ id: string }>("id")).implement({
    fields: (t) => ({
      id: t.exposeID("id"),
      openAndonCount: t.int({
        authScopes: { permission: "andon:read" },
        description: "Andon calls of this line not yet resolved.",
        resolve: (line, _args, context) => context.loaders.of(openAndonCountByLine).load(line.id),
      }),
    }),
  });

  builder.queryFields((t) => ({
    openAndonTotal: t.int({
      authScopes: { permission: "andon:read" },
      resolve: (_root, _args, context) =>
        context.prisma.andonEvent.count({ where: { status: { in: [...OPEN_ANDON_STATUSES] } } }),
    }),
  }));

  void LineRef;
  return subgraphSchemaOf(builder);
}

/** Inserts the plant rows (unique codes, so several plants can share a database) and two open andons. */
async function insertPlantRows(prisma: PrismaClient): Promise<{ bagging: Line; loading: Line }> {
  const { bagging, loading } = await insertTestLines(prisma);
  await prisma.andonEvent.createMany({
    data: [
      { lineId: bagging.id, type: "MAINTENANCE", priority: "HIGH", status: "OPEN" },
      { lineId: bagging.id, type: "MATERIAL", priority: "LOW", status: "OPEN" },
    ],
  });
  return { bagging, loading };
}

/** Starts the "plant" and "andon" subgraphs on free ports against the caller's database and Redis. */
export async function startFederatedTestPlant(options: FederatedTestPlantOptions): Promise<FederatedTestPlant> {
  const lineChangedChannel = options.lineChangedChannel ?? `ms5test:federated-plant:${randomUUID()}:line-changed`;
  const counters: FederatedTestPlantCounters = {
    linesQueries: 0,
    setLineNameCalls: 0,
    andonCountBatches: [],
    lineChangedSubscriptions: 0,
  };
  const lines = await insertPlantRows(options.prisma);
  const schemas = { plant: buildPlantSubgraph(lineChangedChannel, counters), andon: buildAndonSubgraph(counters) };

  const servers: SubgraphServer[] = [];
  const subgraphs: TestSubgraph[] = [];
  try {
    for (const [name, schema] of Object.entries(schemas)) {
      const server = await startSubgraphServer({
        name,
        schema,
        port: 0,
        prisma: options.prisma,
        redis: options.redis,
        logger: options.logger.child({ subgraph: name }),
        verificationKeys: options.verificationKeys,
        gatewaySecret: options.gatewaySecret,
        production: options.production ?? false,
      });
      servers.push(server);
      subgraphs.push({ name, url: server.url, sdl: printSubgraphSdl(schema), schema });
    }
  } catch (error) {
    await Promise.all(servers.map((server) => server.close()));
    throw error;
  }

  return {
    subgraphs,
    lines,
    lineChangedChannel,
    counters,
    async close() {
      await Promise.all(servers.map((server) => server.close()));
    },
  };
}
