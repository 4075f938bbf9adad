// Relay connections of the andon subgraph's long lists (andons, work orders, alerts): newest first,
// paged by keyset (time descending, then id) so a page never skips or repeats a row when rows are
// raised between two requests. The same wire shape as production's and reporting's connections
// (PageInfo is shareable, cursors are opaque base64url JSON naming their list).
import { ApiError } from "@ms5/kit/subgraph";
import type { OutputRef } from "@pothos/core";
import { builder } from "../builder.ts";

export const CONNECTION_DEFAULTS = {
  /** @default 50 nodes when `first` is not given. */
  defaultPageSize: 50,
  /** @default 200: the most nodes one page may ask for. */
  maxPageSize: 200,
} as const;

/** The gateway prices a connection by `first` (gateway/src/list-pricing.ts). */
export const CONNECTION_LIST_SIZE = {
  slicingArguments: ["first"],
  sizedFields: ["edges"],
  assumedSize: CONNECTION_DEFAULTS.defaultPageSize,
  requireOneSlicingArgument: false,
};

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<Node> {
  edges: { cursor: string; node: Node }[];
  pageInfo: PageInfo;
}

const PageInfoRef = builder.objectRef<PageInfo>("PageInfo").implement({
  shareable: true,
  fields: (t) => ({
    hasNextPage: t.exposeBoolean("hasNextPage"),
    hasPreviousPage: t.exposeBoolean("hasPreviousPage"),
    startCursor: t.exposeString("startCursor", { nullable: true }),
    endCursor: t.exposeString("endCursor", { nullable: true }),
  }),
});

/** `<Name>Connection` and `<Name>Edge` over `nodeRef`; the node type's own rules guard the nodes. */
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

/** Where a page starts: after the row with this time and id. */
export interface NewestFirstKey {
  at: Date;
  id: string;
}

function encodeCursor(list: string, key: NewestFirstKey): string {
  return Buffer.from(JSON.stringify([list, key.at.toISOString(), key.id])).toString("base64url");
}

function decodeCursor(list: string, cursor: string): NewestFirstKey {
  const refusal = new ApiError("BAD_USER_INPUT", `after "${cursor}" is not a cursor of this list.`);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw refusal;
  }
  if (!Array.isArray(decoded) || decoded.length !== 3 || decoded[0] !== list) throw refusal;
  const [, at, id] = decoded as unknown[];
  if (typeof at !== "string" || typeof id !== "string") throw refusal;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) throw refusal;
  return { at: date, id };
}

function pageSizeOf(first: number | null | undefined): number {
  const size = first ?? CONNECTION_DEFAULTS.defaultPageSize;
  if (!Number.isInteger(size) || size < 0 || size > CONNECTION_DEFAULTS.maxPageSize) {
    throw new ApiError("BAD_USER_INPUT", `first must be between 0 and ${CONNECTION_DEFAULTS.maxPageSize}.`);
  }
  return size;
}

/**
 * The Prisma where fragment for rows after `key` in (`field` descending, id ascending) order, the
 * order of every list here; empty without a key.
 */
export function afterNewestFirst(field: string, key: NewestFirstKey | undefined): Record<string, unknown> {
  if (!key) return {};
  return { OR: [{ [field]: { lt: key.at } }, { [field]: key.at, id: { gt: key.id } }] };
}

/**
 * One page, newest first: `fetch` reads up to `take` rows after the key in
 * `orderBy: [{ [field]: "desc" }, { id: "asc" }]` order (one more than the page, to learn whether a
 * next page exists).
 */
export async function newestFirstPage<Row extends { id: string }>(options: {
  list: string;
  args: { first?: number | null; after?: string | null };
  timeOf: (row: Row) => Date;
  fetch: (after: NewestFirstKey | undefined, take: number) => Promise<Row[]>;
}): Promise<Connection<Row>> {
  const first = pageSizeOf(options.args.first);
  const after = options.args.after ? decodeCursor(options.list, options.args.after) : undefined;
  const rows = first === 0 ? [] : await options.fetch(after, first + 1);
  const edges = rows
    .slice(0, first)
    .map((node) => ({ cursor: encodeCursor(options.list, { at: options.timeOf(node), id: node.id }), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
