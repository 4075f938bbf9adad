// Relay connections of the reporting subgraph's lists. Rows of an analytics list are computed, not
// stored, so a cursor is the row's sort key (time first, then ids): a page after it starts at the
// next key whatever was added meanwhile, as production's keyset cursors do for stored rows.
import { ApiError } from "@ms5/kit/subgraph";
import type { OutputRef } from "@pothos/core";
import { builder } from "../builder.ts";
import { ANALYTICS_DEFAULTS } from "../reporting-defaults.ts";

export interface Connection<Node> {
  edges: { cursor: string; node: Node }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** The gateway prices a connection by `first` (gateway/src/list-pricing.ts). */
export const CONNECTION_LIST_SIZE = {
  slicingArguments: ["first"],
  sizedFields: ["edges"],
  assumedSize: ANALYTICS_DEFAULTS.defaultPageSize,
  requireOneSlicingArgument: false,
};

// The same type production declares: shareable, so composition merges the two.
const PageInfoRef = builder.objectRef<Connection<unknown>["pageInfo"]>("PageInfo").implement({
  shareable: true,
  fields: (t) => ({
    hasNextPage: t.exposeBoolean("hasNextPage"),
    hasPreviousPage: t.exposeBoolean("hasPreviousPage"),
    startCursor: t.exposeString("startCursor", { nullable: true }),
    endCursor: t.exposeString("endCursor", { nullable: true }),
  }),
});

export function connectionRef<Node>(name: string, nodeRef: OutputRef<Node>) {
  const edgeRef = builder.objectRef<Connection<Node>["edges"][number]>(`${name}Edge`).implement({
    fields: (t) => ({
      cursor: t.exposeString("cursor"),
      node: t.field({ type: nodeRef as never, resolve: (edge) => edge.node as never }),
    }),
  });
  return builder.objectRef<Connection<Node>>(`${name}Connection`).implement({
    fields: (t) => ({
      edges: t.field({ type: [edgeRef], resolve: (connection) => connection.edges }),
      pageInfo: t.field({ type: PageInfoRef, resolve: (connection) => connection.pageInfo }),
    }),
  });
}

export function encodeCursor(list: string, sortKey: string): string {
  return Buffer.from(JSON.stringify([list, sortKey])).toString("base64url");
}

export function decodeCursor(list: string, cursor: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(decoded) && decoded.length === 2 && decoded[0] === list && typeof decoded[1] === "string") {
      return decoded[1];
    }
  } catch {
    // Falls through to the refusal.
  }
  throw new ApiError("BAD_USER_INPUT", `after "${cursor}" is not a cursor of this list.`);
}

export function pageSizeOf(first: number | null | undefined): number {
  const size = first ?? ANALYTICS_DEFAULTS.defaultPageSize;
  if (!Number.isInteger(size) || size < 0 || size > ANALYTICS_DEFAULTS.maxPageSize) {
    throw new ApiError("BAD_USER_INPUT", `first must be between 0 and ${ANALYTICS_DEFAULTS.maxPageSize}.`);
  }
  return size;
}

/** One page of rows already in sort-key order. */
export function pageOf<Row>(
  list: string,
  rows: readonly Row[],
  sortKeyOf: (row: Row) => string,
  args: { first?: number | null; after?: string | null },
): { page: Row[]; connection: (nodes: readonly unknown[]) => Connection<unknown> } {
  const first = pageSizeOf(args.first);
  const after = args.after ? decodeCursor(list, args.after) : undefined;
  const start = after === undefined ? 0 : rows.findIndex((row) => sortKeyOf(row) > after);
  const from = start < 0 ? rows.length : start;
  const page = rows.slice(from, from + first);
  return {
    page,
    connection: (nodes) => {
      const edges = nodes.map((node, i) => ({ cursor: encodeCursor(list, sortKeyOf(page[i]!)), node }));
      return {
        edges,
        pageInfo: {
          hasNextPage: from + first < rows.length,
          hasPreviousPage: after !== undefined,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  };
}
