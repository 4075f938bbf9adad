// Federated subscriptions over graphql-ws: the gateway's live endpoint.
export {
  type AccountStanding,
  type AccountStandings,
  type ApiKeyStanding,
  accountStandingsOf,
} from "./account-standing.ts";
export {
  attachFederatedSubscriptions,
  type FederatedSubscriptions,
  type FederatedSubscriptionsOptions,
} from "./federated-subscriptions.ts";
export type { SubscriptionStatus } from "./shared-subscriptions.ts";
export { FEDERATED_SUBSCRIPTION_DEFAULTS, type FederatedSubscriptionSettings } from "./subscription-defaults.ts";
export type { SubscriptionPayload } from "./subscription-event-resolver.ts";
