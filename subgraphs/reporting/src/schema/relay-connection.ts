// The reporting subgraph's connection types: the kit's Relay connections over its builder, with the
// analytics page sizes. Rows of an analytics list are computed, not stored, so a page starts after a
// unique sort key (time first, then ids): whatever was added meanwhile, it neither repeats nor skips.
import {
  connectionListSize,
  pageSizeOf as kitPageSizeOf,
  type PageArguments,
  relayConnections,
  sortedPage,
  sortKeyAfter,
} from "@ms5/kit/subgraph";
import { builder } from "../builder.ts";
import { ANALYTICS_DEFAULTS } from "../reporting-defaults.ts";

export const { connectionRef, PageInfoRef } = relayConnections(builder);

/** The gateway prices an analytics connection by `first` (gateway/src/list-pricing.ts). */
export const CONNECTION_LIST_SIZE = connectionListSize(ANALYTICS_DEFAULTS);

/** The page size asked for, within the analytics bounds, or BAD_USER_INPUT. */
export function pageSizeOf(first: number | null | undefined): number {
  return kitPageSizeOf(first, ANALYTICS_DEFAULTS);
}

/** The sort key an analytics cursor of `list` names, or BAD_USER_INPUT. */
export const decodeCursor = sortKeyAfter;

/** One page of rows already in sort-key order. */
export function pageOf<Row>(list: string, rows: readonly Row[], sortKeyOf: (row: Row) => string, args: PageArguments) {
  return sortedPage({ list, rows, sortKeyOf, args, sizes: ANALYTICS_DEFAULTS });
}
