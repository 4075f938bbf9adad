// Collects what a graphql-ws subscription delivers (events, errors, completion) so a test can wait
// for and assert on it; one collector for every package's subscription tests.
import type { Client, FormattedExecutionResult } from "graphql-ws";

export interface CollectedSubscription<Data = Record<string, unknown>> {
  /** Every payload in arrival order, as sent (data and errors). */
  payloads: FormattedExecutionResult<Data>[];
  /** The `data` of each payload that had some. */
  events: Data[];
  /** GraphQL errors of the payloads, and the error the subscription ended with, if any. */
  errors: unknown[];
  /** True once the subscription completed or ended with an error. */
  done: boolean;
  /** Unsubscribes. */
  dispose(): void;
}

export function collectSubscription<Data = Record<string, unknown>>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): CollectedSubscription<Data> {
  const collected: CollectedSubscription<Data> = {
    payloads: [],
    events: [],
    errors: [],
    done: false,
    dispose: () => {},
  };
  collected.dispose = client.subscribe<Data, Record<string, unknown>>(
    { query, variables },
    {
      next: (payload) => {
        collected.payloads.push(payload);
        if (payload.errors) collected.errors.push(...payload.errors);
        if (payload.data) collected.events.push(payload.data);
      },
      error: (error) => {
        collected.errors.push(error);
        collected.done = true;
      },
      complete: () => {
        collected.done = true;
      },
    },
  );
  return collected;
}
