// The andon subgraph's one SchemaBuilder: the kit's builder over the plant's Prisma datamodel, with
// the andon services every resolver reaches through its context.
import { getDatamodel } from "@ms5/db/pothos-types";
import { createSubgraphBuilder, type SubgraphContext, uuidArgument } from "@ms5/kit/subgraph";
import type { AndonEventBus } from "./andon-events/andon-event-bus.ts";
import type { AndonRuntime } from "./andons/andon-runtime.ts";
import type { NotificationFeed } from "./notifications/notification-feed.ts";

/**
 * What createAndonSubgraph gives startSubgraphServer as context extras. Absent where the schema runs
 * without the subgraph (the SDL printer, tests that execute it directly).
 */
export interface AndonContextExtras {
  andon?: AndonRuntime;
  /** Live andon events of every instance, for the subscriptions. */
  andonEvents?: AndonEventBus;
  /** Each user's in-app notifications, for myNotifications. */
  notificationFeed?: NotificationFeed;
}

export type Context = SubgraphContext & AndonContextExtras;

// DateTime and the root types (Query, Mutation, Subscription) come with the kit's builder: each
// schema/<type>.ts adds its fields with queryFields / mutationFields / subscriptionFields.
export const builder = createSubgraphBuilder<{ Context: Context }>({ prismaDatamodel: getDatamodel() });

export { uuidArgument };
