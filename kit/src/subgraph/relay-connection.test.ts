// Keyset and sort-key paging and opaque cursors, on their own: what every connection of every subgraph relies on.

import { describe, expect, it } from "vitest";
import { ApiError } from "./api-errors.ts";
import {
  CONNECTION_DEFAULTS,
  type Connection,
  decodeCursor,
  encodeCursor,
  type Keyset,
  keysetPage,
  pageSizeOf,
  sortedPage,
  sortKeyAfter,
} from "./relay-connection.ts";

interface Row {
  id: string;
  at: Date;
}

/** An in-memory table read the way the resolvers read PostgreSQL: (at, id) ascending after the keyset. */
function tableOf(rows: Row[]) {
  return async (after: Keyset | undefined, take: number) =>
    [...rows]
      .sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id))
      .filter(
        (row) =>
          !after ||
          row.at.getTime() > (after.sort as Date).getTime() ||
          (row.at.getTime() === (after.sort as Date).getTime() && row.id > after.id),
      )
      .slice(0, take);
}

describe("relay connections", () => {
  it("round-trips a cursor's date, text or number sort value and id", () => {
    const at = new Date("2026-11-27T06:00:00.123Z");
    expect(decodeCursor("work-orders", encodeCursor("work-orders", { sort: at, id: "a" }))).toEqual({
      sort: at,
      id: "a",
    });
    expect(decodeCursor("lines", encodeCursor("lines", { sort: "bagging-1", id: "b" }))).toEqual({
      sort: "bagging-1",
      id: "b",
    });
    expect(decodeCursor("x", encodeCursor("x", { sort: 42, id: "c" }))).toEqual({ sort: 42, id: "c" });
  });

  it("refuses a cursor of another list, a forged one and garbage with BAD_USER_INPUT", () => {
    const cursor = encodeCursor("lines", { sort: "bagging-1", id: "b" });
    const forged = Buffer.from(JSON.stringify(["work-orders", { d: "not a date" }, "x"])).toString("base64url");
    for (const [list, value] of [
      ["work-orders", cursor],
      ["work-orders", forged],
      ["lines", "%%%"],
      ["lines", Buffer.from("[1,2]").toString("base64url")],
    ] as const) {
      const attempt = () => decodeCursor(list, value);
      expect(attempt).toThrow(ApiError);
      try {
        attempt();
      } catch (error) {
        expect((error as ApiError).code).toBe("BAD_USER_INPUT");
      }
    }
  });

  it("takes the default page size when none is asked and refuses sizes outside 0 to the maximum", () => {
    expect(pageSizeOf(undefined)).toBe(CONNECTION_DEFAULTS.defaultPageSize);
    expect(pageSizeOf(0)).toBe(0);
    expect(pageSizeOf(CONNECTION_DEFAULTS.maxPageSize)).toBe(CONNECTION_DEFAULTS.maxPageSize);
    expect(() => pageSizeOf(-1)).toThrow(ApiError);
    expect(() => pageSizeOf(CONNECTION_DEFAULTS.maxPageSize + 1)).toThrow(ApiError);
  });

  it("a row inserted before the cursor between two requests neither repeats a row nor skips one", async () => {
    const start = Date.parse("2026-11-27T00:00:00Z");
    const rows: Row[] = Array.from({ length: 6 }, (_, i) => ({ id: `r${i}`, at: new Date(start + i * 60_000) }));
    const fetch = tableOf(rows);
    const first = await keysetPage({ list: "rows", args: { first: 3 }, sortOf: (row: Row) => row.at, fetch });
    expect(first.edges.map((edge) => edge.node.id)).toEqual(["r0", "r1", "r2"]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    // An offset would now repeat r2 on the next page; the keyset does not.
    rows.push({ id: "early", at: new Date(start - 60_000) });
    const second = await keysetPage({
      list: "rows",
      args: { first: 3, after: first.pageInfo.endCursor },
      sortOf: (row: Row) => row.at,
      fetch,
    });
    expect(second.edges.map((edge) => edge.node.id)).toEqual(["r3", "r4", "r5"]);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it("orders rows with the same sort value by id, so ties split across pages lose none", async () => {
    const at = new Date("2026-11-27T06:00:00Z");
    const fetch = tableOf(["c", "a", "d", "b"].map((id) => ({ id, at })));
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: Connection<Row> = await keysetPage({
        list: "ties",
        args: { first: 1, after },
        sortOf: (row: Row) => row.at,
        fetch,
      });
      seen.push(...page.edges.map((edge) => edge.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(["a", "b", "c", "d"]);
  });

  it("pages computed rows after a unique sort key with the list's own page sizes, and refuses a keyset cursor there", () => {
    const sizes = { defaultPageSize: 2, maxPageSize: 3 };
    const rows = ["2026-11-01|a", "2026-11-01|b", "2026-11-02|a", "2026-11-03|a"];
    const paged = (after: string | null) =>
      sortedPage({ list: "days", rows, sortKeyOf: (row) => row, args: { after }, sizes });
    const first = paged(null);
    const firstConnection = first.connection(first.page.map((row) => row.toUpperCase()));
    expect(firstConnection.edges.map((edge) => edge.node)).toEqual(["2026-11-01|A", "2026-11-01|B"]);
    expect(firstConnection.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = paged(firstConnection.pageInfo.endCursor);
    expect(second.page).toEqual(["2026-11-02|a", "2026-11-03|a"]);
    expect(second.connection(second.page).pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(sortKeyAfter("days", firstConnection.pageInfo.endCursor!)).toBe("2026-11-01|b");
    expect(() => sortKeyAfter("days", encodeCursor("days", { sort: "2026-11-01|b", id: "row-id" }))).toThrow(ApiError);
    expect(() => sortedPage({ list: "days", rows, sortKeyOf: (row) => row, args: { first: 4 }, sizes })).toThrow(
      /first must be between 0 and 3/,
    );
  });
});
