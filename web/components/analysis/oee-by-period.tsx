"use client";
// The analysis screen's OEE of one line by shift or by day over a chosen number of days, from the
// persisted SHIFT and DAY buckets (oeeAnalytics), a page at a time, and the same query as a CSV
// download (the gateway's export runs it as the signed-in user).
import { useMemo, useState } from "react";
import { useQuery } from "urql";
import { percent } from "@/components/live-state-badge";
import { Pager } from "@/components/pager";
import { sessionStore } from "@/lib/auth/session-store";
import { OeeByPeriodQuery } from "@/lib/graphql/reports";

type Grouping = "DAY" | "SHIFT";

export function OeeByPeriod({ lineId }: { lineId: string }) {
  const [grouping, setGrouping] = useState<Grouping>("DAY");
  const [days, setDays] = useState(7);
  const [after, setAfter] = useState<string | null>(null);
  const [csvError, setCsvError] = useState<string | null>(null);
  const range = useMemo(() => {
    const now = new Date();
    const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
    return { from: new Date(to.getTime() - (days + 1) * 86_400_000).toISOString(), to: to.toISOString() };
  }, [days]);
  const groupBy = ["LINE", grouping] as ("LINE" | Grouping)[];
  const [result] = useQuery({
    query: OeeByPeriodQuery,
    variables: { ...range, groupBy, lineIds: [lineId], after },
  });
  const connection = result.data?.oeeAnalytics;
  const rows = connection?.edges?.flatMap((edge) => (edge?.node ? [edge.node] : [])) ?? [];

  async function downloadCsv() {
    setCsvError(null);
    const token = await sessionStore.accessToken();
    const search = new URLSearchParams({ ...range, groupBy: groupBy.join(","), lineIds: lineId });
    const response = await fetch(`/api/exports/oeeAnalytics.csv?${search}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    if (!response.ok) {
      setCsvError(`The export was refused (${response.status}): ${(await response.text()).slice(0, 200)}`);
      return;
    }
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement("a");
    link.href = url;
    link.download = `oee-by-${grouping.toLowerCase()}.csv`;
    link.click();
    URL.revokeObjectURL(url);
  }

  return (
    <section className="panel" aria-labelledby="oee-period-heading">
      <h2 id="oee-period-heading">OEE by {grouping === "DAY" ? "day" : "shift"}</h2>
      <div className="row">
        <label htmlFor="oee-grouping" style={{ margin: 0 }}>
          Group by
        </label>
        <select
          id="oee-grouping"
          value={grouping}
          onChange={(event) => {
            setGrouping(event.target.value as Grouping);
            setAfter(null);
          }}
        >
          <option value="DAY">Day</option>
          <option value="SHIFT">Shift</option>
        </select>
        <label htmlFor="oee-days" style={{ margin: 0 }}>
          Days
        </label>
        <select
          id="oee-days"
          value={days}
          onChange={(event) => {
            setDays(Number(event.target.value));
            setAfter(null);
          }}
        >
          {[7, 31, 92, 365].map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void downloadCsv()}>
          Download CSV
        </button>
      </div>
      {csvError ? (
        <p className="error" role="alert">
          {csvError}
        </p>
      ) : null}
      <div style={{ overflowX: "auto" }}>
        <table data-testid="oee-by-period">
          <thead>
            <tr>
              <th scope="col">{grouping === "DAY" ? "Day" : "Shift"}</th>
              <th scope="col">OEE</th>
              <th scope="col">A</th>
              <th scope="col">P</th>
              <th scope="col">Q</th>
              <th scope="col">Good</th>
              <th scope="col">Reject</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={7} className="muted">
                  {result.fetching ? "Loading…" : "No OEE rolled up in this range."}
                </td>
              </tr>
            ) : null}
            {rows.map((row) => (
              <tr key={`${row.day}|${row.shiftInstanceId}`}>
                <td>{grouping === "DAY" ? row.day : row.shiftName}</td>
                <td>{percent(row.figures?.oee)}</td>
                <td>{percent(row.figures?.availability)}</td>
                <td>{percent(row.figures?.performance)}</td>
                <td>{percent(row.figures?.quality)}</td>
                <td>{row.figures?.goodCount}</td>
                <td>{row.figures?.rejectCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager after={after} pageInfo={connection?.pageInfo} onPage={setAfter} />
    </section>
  );
}
