// The one table markup of the app: column headers with scope, a row per item, and one row saying
// "Loading…" or why the table is empty, in a scrolling box so a wide table never widens a tablet's
// page. Rows with state of their own (an inline edit form) are rendered by `renderRow` instead of
// per-column cells.
import type { HTMLAttributes, ReactNode } from "react";

export type DataColumn<Row> = {
  /** The column's header text (a `th scope="col"`). */
  header: ReactNode;
  /** The cell of `row` in this column; unused when the table has `renderRow`. */
  cell?: (row: Row) => ReactNode;
};

type RowAttributes = HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string | undefined>;

export function DataTable<Row>({
  columns,
  rows,
  rowKey,
  rowProps,
  renderRow,
  loading = false,
  empty,
  testId,
  label,
  panel = false,
}: {
  columns: DataColumn<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  /** Attributes of a row's `tr` (test ids, aria-selected). */
  rowProps?: (row: Row) => RowAttributes;
  /** Renders a whole `tr` for `row`, for rows that keep state of their own. */
  renderRow?: (row: Row) => ReactNode;
  loading?: boolean;
  /** What the empty table says once loaded. */
  empty: ReactNode;
  testId?: string;
  /** The table's accessible name, when no heading names it. */
  label?: string;
  /** Wraps the table in a panel. */
  panel?: boolean;
}) {
  return (
    <div className={panel ? "panel table-box" : "table-box"}>
      <table data-testid={testId} aria-label={label}>
        <thead>
          <tr>
            {columns.map((column, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed for the table's life
              <th key={index} scope="col">
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="muted">
                {loading ? "Loading…" : empty}
              </td>
            </tr>
          ) : null}
          {rows.map((row) =>
            renderRow ? (
              renderRow(row)
            ) : (
              <tr key={rowKey(row)} {...rowProps?.(row)}>
                {columns.map((column, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed for the table's life
                  <td key={index}>{column.cell?.(row)}</td>
                ))}
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}
