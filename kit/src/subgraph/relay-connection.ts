// Relay connections for every paged list of every subgraph: one shareable PageInfo type, a connection
// and edge type per node type, opaque cursors, and two ways to page. Stored rows page by keyset
// (sort key, then id), so a page never skips or repeats a row when rows are inserted between two
// requests, as offsets would; computed rows (reporting's analytics) page after a unique sort key.
import type { ObjectRef, OutputRef, SchemaTypes } from "@pothos/core";
import { ApiError } from "./api-errors.ts";
import type { SubgraphSchemaTypes } from "./subgraph-builder.ts";

/** How many nodes a page holds. */
export interface PageSizes {
  /** Nodes in a page when `first` is not given. */
  defaultPageSize: number;
  /** The most nodes one page may ask for. */
  maxPageSize: number;
}

/** Page sizes of a connection that names none. */
export const CONNECTION_DEFAULTS: Readonly<PageSizes> = Object.freeze({
  /** @default 20 nodes when `first` is not given. */
  defaultPageSize: 20,
  /** @default 100: the most nodes one page may ask for. */
  maxPageSize: 100,
});

/**
 * The `@listSize` of a connection field: `first` sizes its edges, the default page when it is absent.
 * The gateway prices operations by it (gateway/src/list-pricing.ts).
 */
export function connectionListSize(sizes: PageSizes = CONNECTION_DEFAULTS) {
  return {
    slicingArguments: ["first"],
    sizedFields: ["edges"],
    assumedSize: sizes.defaultPageSize,
    requireOneSlicingArgument: false,
  };
}

/** `connectionListSize()` with the default page sizes. */
export const CONNECTION_LIST_SIZE = connectionListSize();

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Edge<Node> {
  cursor: string;
  node: Node;
}

export interface Connection<Node> {
  edges: Edge<Node>[];
  pageInfo: PageInfo;
}

/** The builder's types as the kit declares them: what the connection types are implemented against. */
type KitBuilder = PothosSchemaTypes.SchemaBuilder<PothosSchemaTypes.ExtendDefaultTypes<SubgraphSchemaTypes>>;

/**
 * The connection types of one subgraph's builder: call once per builder (it registers PageInfo,
 * shareable so every subgraph declares the same type) and use `connectionRef` for each node type.
 */
export function relayConnections<Types extends SchemaTypes>(builder: PothosSchemaTypes.SchemaBuilder<Types>) {
  // Implemented against the kit's own types, which every subgraph's builder extends (its Context only
  // adds to the kit's): Pothos cannot check field options against a builder type it does not know.
  const kitBuilder = builder as unknown as KitBuilder;
  const PageInfoRef = kitBuilder.objectRef<PageInfo>("PageInfo").implement({
    shareable: true,
    fields: (t) => ({
      hasNextPage: t.exposeBoolean("hasNextPage"),
      hasPreviousPage: t.exposeBoolean("hasPreviousPage"),
      startCursor: t.exposeString("startCursor", { nullable: true }),
      endCursor: t.exposeString("endCursor", { nullable: true }),
    }),
  });

  /** `<Name>Connection` and `<Name>Edge` over `nodeRef`; the node type's own authScopes guard the nodes. */
  function connectionRef<Node>(name: string, nodeRef: OutputRef<Node>): ObjectRef<Types, Connection<Node>> {
    const edgeRef = kitBuilder.objectRef<Edge<Node>>(`${name}Edge`).implement({
      fields: (t) => ({
        cursor: t.exposeString("cursor"),
        node: t.field({ type: nodeRef as never, resolve: (edge) => edge.node as never }),
      }),
    });
    const ref = kitBuilder.objectRef<Connection<Node>>(`${name}Connection`).implement({
      fields: (t) => ({
        edges: t.field({ type: [edgeRef], resolve: (connection) => connection.edges }),
        pageInfo: t.field({ type: PageInfoRef, resolve: (connection) => connection.pageInfo }),
      }),
    });
    return ref as unknown as ObjectRef<Types, Connection<Node>>;
  }

  return { PageInfoRef: PageInfoRef as unknown as ObjectRef<Types, PageInfo>, connectionRef };
}

export type SortValue = string | number | Date;

/** Where a page starts: after the row with this sort value and id. */
export interface Keyset {
  sort: SortValue;
  id: string;
}

export interface PageArguments {
  first?: number | null;
  after?: string | null;
}

/** Cursors are opaque to clients: the list's name, the row's sort value and its id, base64url JSON. */
export function encodeCursor(list: string, key: Keyset): string {
  const sort = key.sort instanceof Date ? { d: key.sort.toISOString() } : key.sort;
  return Buffer.from(JSON.stringify([list, sort, key.id])).toString("base64url");
}

/** The keyset a cursor of `list` names; BAD_USER_INPUT for a cursor of another list, a forged one or garbage. */
export function decodeCursor(list: string, cursor: string): Keyset {
  const refuse = () => new ApiError("BAD_USER_INPUT", `after "${cursor}" is not a cursor of this list.`);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(decoded) || decoded.length !== 3 || decoded[0] !== list || typeof decoded[2] !== "string") {
    throw refuse();
  }
  const [, sort, id] = decoded as [string, unknown, string];
  if (typeof sort === "string" || typeof sort === "number") return { sort, id };
  if (typeof sort === "object" && sort !== null && typeof (sort as { d?: unknown }).d === "string") {
    const date = new Date((sort as { d: string }).d);
    if (!Number.isNaN(date.getTime())) return { sort: date, id };
  }
  throw refuse();
}

/** The page size asked for, within bounds, or BAD_USER_INPUT. */
export function pageSizeOf(first: number | null | undefined, sizes: PageSizes = CONNECTION_DEFAULTS): number {
  const size = first ?? sizes.defaultPageSize;
  if (!Number.isInteger(size) || size < 0 || size > sizes.maxPageSize) {
    throw new ApiError("BAD_USER_INPUT", `first must be between 0 and ${sizes.maxPageSize}.`);
  }
  return size;
}

/**
 * The Prisma where fragment for rows after `key` in (`field` ascending, id ascending) order; empty
 * without a key. Pair it with `orderBy: [{ [field]: "asc" }, { id: "asc" }]`.
 */
export function afterKeyset(field: string, key: Keyset | undefined): Record<string, unknown> {
  if (!key) return {};
  return { OR: [{ [field]: { gt: key.sort } }, { [field]: key.sort, id: { gt: key.id } }] };
}

/**
 * One page of stored rows in keyset order: `fetch` reads up to `take` rows after the keyset (it asks
 * for one more than the page to learn whether a next page exists).
 */
export async function keysetPage<Row extends { id: string }>(options: {
  list: string;
  args: PageArguments;
  sortOf: (row: Row) => SortValue;
  fetch: (after: Keyset | undefined, take: number) => Promise<Row[]>;
  sizes?: PageSizes;
}): Promise<Connection<Row>> {
  const first = pageSizeOf(options.args.first, options.sizes);
  const after = options.args.after ? decodeCursor(options.list, options.args.after) : undefined;
  const rows = await options.fetch(after, first + 1);
  const edges = rows
    .slice(0, first)
    .map((node) => ({ cursor: encodeCursor(options.list, { sort: options.sortOf(node), id: node.id }), node }));
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

/**
 * The sort key a cursor of a computed list names (sortedPage's cursors carry no id: the key is unique).
 * BAD_USER_INPUT for anything else.
 */
export function sortKeyAfter(list: string, cursor: string): string {
  const key = decodeCursor(list, cursor);
  if (typeof key.sort !== "string" || key.id !== "") {
    throw new ApiError("BAD_USER_INPUT", `after "${cursor}" is not a cursor of this list.`);
  }
  return key.sort;
}

/**
 * One page of computed rows already in order of a unique text sort key: the page's rows, and the
 * connection over the nodes made from them (one node per row, in order).
 */
export function sortedPage<Row>(options: {
  list: string;
  rows: readonly Row[];
  sortKeyOf: (row: Row) => string;
  args: PageArguments;
  sizes?: PageSizes;
}): {
  page: Row[];
  connection: <Node>(nodes: readonly Node[]) => Connection<Node>;
  /** The page's place in the list without a cursor per row: for shapes other than edges. */
  pageInfo: () => PageInfo;
} {
  const { list, rows, sortKeyOf } = options;
  const first = pageSizeOf(options.args.first, options.sizes);
  const after = options.args.after ? sortKeyAfter(list, options.args.after) : undefined;
  const start = after === undefined ? 0 : rows.findIndex((row) => sortKeyOf(row) > after);
  const from = start < 0 ? rows.length : start;
  const page = rows.slice(from, from + first);
  const cursorOf = (row: Row | undefined) =>
    row === undefined ? null : encodeCursor(list, { sort: sortKeyOf(row), id: "" });
  return {
    page,
    pageInfo: () => ({
      hasNextPage: from + first < rows.length,
      hasPreviousPage: after !== undefined,
      startCursor: cursorOf(page[0]),
      endCursor: cursorOf(page.at(-1)),
    }),
    connection: (nodes) => {
      const edges = nodes.map((node, i) => ({
        cursor: encodeCursor(list, { sort: sortKeyOf(page[i]!), id: "" }),
        node,
      }));
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
