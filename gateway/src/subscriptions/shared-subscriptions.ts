// One upstream subscription and one resolution per event for every subscriber of the same
// (operation, variables, authorisation scope); each result is serialised once and the same bytes go
// to every subscriber.
import type { Logger } from "@ms5/kit";
import type { SubscriptionMetrics } from "../gateway-metrics.ts";
import type { FederatedSubscriptionSettings } from "./subscription-defaults.ts";
import type {
  GatewayGraphQLResponse,
  SubscriptionEventResolver,
  SubscriptionPayload,
} from "./subscription-event-resolver.ts";
import type { SubscriptionPlan } from "./subscription-planner.ts";
import { startUpstreamSubscription, type UpstreamFailure, type UpstreamSubscription } from "./upstream-subscription.ts";

/** What `extensions.subscriptionStatus` of a data-less payload says about the live feed. */
export type SubscriptionStatus =
  | { status: "reconnecting"; attempt: number; retryInMs: number; eventsMayBeMissed: true }
  | { status: "resumed" };

/** One client subscription as the shared upstream sees it. */
export interface Subscriber {
  /** Sends a `next` whose payload is this already-serialised JSON. */
  deliver(payloadJson: string): void;
  /** Ends the client's subscription with a `complete`. */
  end(): void;
  /** The client's Authorization, forwarded to subgraphs. */
  authorization: string;
  /** When that credential lapses (ms since the epoch; Infinity for one without a lifetime). */
  expiresAt: number;
}

export interface SharedSubscriptionRequest {
  key: string;
  plan: SubscriptionPlan;
  variables: Record<string, unknown>;
}

export interface SharedSubscriptionsOptions {
  resolver: SubscriptionEventResolver;
  subgraphUrls: ReadonlyMap<string, string>;
  gatewaySecret: string;
  settings: FederatedSubscriptionSettings;
  logger: Logger;
  metrics?: SubscriptionMetrics;
}

/** Codes of an upstream refusal that are about the credential it connected with, not the operation. */
const CREDENTIAL_REFUSALS = new Set(["UNAUTHENTICATED", "FORBIDDEN"]);

class SharedSubscription {
  readonly subscribers = new Set<Subscriber>();
  /**
   * The subscriber whose credential lapses last: the upstream (re)connects and fetches entities
   * with it, so a reconnect never uses a credential that expired while a valid one is at hand.
   * Kept as subscribers come and go, so no event walks the subscribers to choose one.
   */
  private credentialHolder: Subscriber | undefined;
  private upstream: UpstreamSubscription | undefined;
  private subgraphUrl = "";
  /** Events are resolved one after another so subscribers see them in the subgraph's order. */
  private resolving: Promise<void> = Promise.resolve();
  private ended = false;

  constructor(
    private readonly request: SharedSubscriptionRequest,
    private readonly options: SharedSubscriptionsOptions,
    private readonly onEnded: () => void,
  ) {}

  start(subgraphUrl: string) {
    this.subgraphUrl = subgraphUrl;
    const { plan, variables } = this.request;
    const primaryVariables = Object.fromEntries(
      (plan.primary.variableUsages ?? []).filter((name) => name in variables).map((name) => [name, variables[name]]),
    );
    this.upstream = startUpstreamSubscription({
      subgraphUrl,
      operation: {
        query: plan.primary.operation,
        ...(plan.primary.operationName ? { operationName: plan.primary.operationName } : {}),
        variables: primaryVariables,
      },
      authorization: () => this.currentAuthorization(),
      gatewaySecret: this.options.gatewaySecret,
      settings: this.options.settings,
      logger: this.options.logger,
      ...(this.options.metrics ? { sockets: this.options.metrics.upstreamSockets } : {}),
      handlers: {
        onEvent: (event) => this.enqueue(event),
        onReconnecting: (attempt, retryInMs) =>
          this.broadcast({
            extensions: { subscriptionStatus: { status: "reconnecting", attempt, retryInMs, eventsMayBeMissed: true } },
          }),
        onResumed: () => this.broadcast({ extensions: { subscriptionStatus: { status: "resumed" } } }),
        onComplete: () => void this.resolving.then(() => this.finish()),
        onFailure: (failure) => void this.resolving.then(() => this.fail(failure)),
      },
    });
  }

  add(subscriber: Subscriber) {
    this.subscribers.add(subscriber);
    if (!this.credentialHolder || subscriber.expiresAt > this.credentialHolder.expiresAt) {
      this.credentialHolder = subscriber;
    }
  }

  private remove(subscriber: Subscriber): boolean {
    if (!this.subscribers.delete(subscriber)) return false;
    if (this.credentialHolder === subscriber) {
      this.credentialHolder = undefined;
      for (const candidate of this.subscribers) {
        if (!this.credentialHolder || candidate.expiresAt > this.credentialHolder.expiresAt) {
          this.credentialHolder = candidate;
        }
      }
    }
    return true;
  }

  private currentAuthorization(): string | undefined {
    return this.credentialHolder?.authorization;
  }

  /**
   * The upstream ended for good. A refusal of the credential it connected with ends only the feeds
   * of that credential's subscribers; the others go on, re-subscribed with another credential.
   */
  private fail(failure: UpstreamFailure) {
    if (this.ended) return;
    const payload = JSON.stringify({ errors: [{ message: failure.message, extensions: { code: failure.code } }] });
    const refused = failure.authorization;
    if (CREDENTIAL_REFUSALS.has(failure.code) && refused !== undefined) {
      for (const subscriber of [...this.subscribers]) {
        if (subscriber.authorization !== refused) continue;
        this.remove(subscriber);
        subscriber.deliver(payload);
        subscriber.end();
      }
      if (this.subscribers.size > 0) {
        this.options.logger.info(
          { code: failure.code },
          "a subgraph refused a subscriber's credential; re-subscribing",
        );
        this.start(this.subgraphUrl);
        return;
      }
    }
    for (const subscriber of this.subscribers) subscriber.deliver(payload);
    this.options.metrics?.deliveries.inc(this.subscribers.size);
    this.finish();
  }

  private enqueue(event: GatewayGraphQLResponse) {
    this.options.metrics?.subscriptionEvents.inc();
    this.resolving = this.resolving.then(async () => {
      if (this.ended || this.subscribers.size === 0) return;
      try {
        const payload = await this.options.resolver.resolve(
          this.request.plan,
          event,
          this.request.variables,
          this.currentAuthorization(),
        );
        this.broadcast(payload);
      } catch (error) {
        this.options.logger.error({ err: error }, "could not resolve a subscription event");
        this.broadcast({
          data: null,
          errors: [{ message: "This event could not be resolved.", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
        });
      }
    });
  }

  private broadcast(payload: SubscriptionPayload) {
    if (this.ended) return;
    const json = JSON.stringify(payload);
    for (const subscriber of this.subscribers) subscriber.deliver(json);
    // Once per broadcast, not per socket: the loop above is the fan-out's hot path.
    this.options.metrics?.deliveries.inc(this.subscribers.size);
  }

  private finish() {
    if (this.ended) return;
    this.ended = true;
    this.onEnded();
    for (const subscriber of this.subscribers) subscriber.end();
    this.subscribers.clear();
  }

  leave(subscriber: Subscriber) {
    if (!this.remove(subscriber) || this.subscribers.size > 0 || this.ended) return;
    this.ended = true;
    this.onEnded();
    this.upstream?.stop();
  }

  stop() {
    this.upstream?.stop();
    this.finish();
  }
}

export class SharedSubscriptions {
  private readonly byKey = new Map<string, SharedSubscription>();

  constructor(private readonly options: SharedSubscriptionsOptions) {}

  /** Upstream subscriptions currently open. */
  get size(): number {
    return this.byKey.size;
  }

  /** Client subscriptions fed by them. */
  get subscriberCount(): number {
    let count = 0;
    for (const shared of this.byKey.values()) count += shared.subscribers.size;
    return count;
  }

  /** Adds `subscriber` to the shared subscription of `request.key`, starting it if needed; returns how to leave. */
  join(request: SharedSubscriptionRequest, subscriber: Subscriber): () => void {
    let shared = this.byKey.get(request.key);
    if (!shared) {
      const subgraphUrl = this.options.subgraphUrls.get(request.plan.primary.serviceName);
      if (!subgraphUrl) throw new Error(`no URL for subgraph ${request.plan.primary.serviceName}`);
      const created = new SharedSubscription(request, this.options, () => {
        if (this.byKey.get(request.key) === created) this.byKey.delete(request.key);
      });
      shared = created;
      this.byKey.set(request.key, created);
      created.add(subscriber);
      created.start(subgraphUrl);
    } else {
      shared.add(subscriber);
    }
    const joined = shared;
    return () => joined.leave(subscriber);
  }

  /** Stops every upstream subscription and completes every subscriber. */
  stopAll() {
    for (const shared of [...this.byKey.values()]) shared.stop();
    this.byKey.clear();
  }
}
