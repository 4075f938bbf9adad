/**
 * A minimal way to run the integrator SDK's typed documents (schema/generated/graphql.ts) against the
 * gateway over plain `fetch`: `POST /graphql` with `Authorization: Bearer <API key or access token>`.
 * Results and variables are typed by the document; no GraphQL client library is needed.
 * `pnpm typecheck` checks this file, so the README example built from it cannot drift from the schema.
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import {
  ConfirmDowntimeReasonDocument,
  type ConfirmDowntimeReasonMutation,
  LineDowntimeEventsDocument,
  type LineDowntimeEventsQuery,
} from "../generated/graphql.ts";

export interface GatewayConnection {
  /** The gateway's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /** An API key (`ms5_...`) or an access token from `POST /auth/login`. */
  bearer: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** A GraphQL error answer; `code` is the `extensions.code` from the API's documented error codes. */
export class GatewayError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly status: number,
  ) {
    super(message);
    this.name = "GatewayError";
  }
}

interface GraphQLResponseBody<TResult> {
  data?: TResult | null;
  errors?: ReadonlyArray<{ message: string; extensions?: { code?: string } }>;
}

/** Runs one typed operation; throws GatewayError on a transport failure or any GraphQL error. */
export async function executeOperation<TResult, TVariables>(
  connection: GatewayConnection,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  const response = await (connection.fetch ?? fetch)(connection.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${connection.bearer}` },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json().catch(() => ({}))) as GraphQLResponseBody<TResult>;
  const firstError = body.errors?.[0];
  if (firstError) throw new GatewayError(firstError.message, firstError.extensions?.code, response.status);
  if (!response.ok || body.data == null) {
    throw new GatewayError(`The gateway answered HTTP ${response.status} without data`, undefined, response.status);
  }
  return body.data;
}

/** Usage: the unconfirmed stops of a line in a range (README example). */
export async function unconfirmedStops(
  connection: GatewayConnection,
  lineId: string,
  from: Date,
  to: Date,
): Promise<NonNullable<LineDowntimeEventsQuery["downtimeEvents"]>> {
  const { downtimeEvents } = await executeOperation(connection, LineDowntimeEventsDocument, {
    lineId,
    from: from.toISOString(),
    to: to.toISOString(),
    unconfirmedOnly: true,
  });
  return downtimeEvents ?? [];
}

type ConfirmResult = NonNullable<ConfirmDowntimeReasonMutation["confirmDowntimeReason"]>;
export type ConfirmedDowntime = Extract<ConfirmResult, { __typename: "MutationConfirmDowntimeReasonSuccess" }>["data"];

/** Usage: confirm a stop's reason; expected failures are typed results, narrowed by `__typename`. */
export async function confirmReason(
  connection: GatewayConnection,
  downtimeEventId: string,
  reasonCodeId: string,
): Promise<ConfirmedDowntime> {
  const { confirmDowntimeReason: result } = await executeOperation(connection, ConfirmDowntimeReasonDocument, {
    downtimeEventId,
    reasonCodeId,
    idempotencyKey: `confirm-${downtimeEventId}-${reasonCodeId}`,
  });
  if (result?.__typename !== "MutationConfirmDowntimeReasonSuccess") {
    throw new GatewayError(result?.message ?? "No result", result?.code, 200);
  }
  return result.data;
}
