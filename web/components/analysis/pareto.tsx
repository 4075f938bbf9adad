"use client";
// Downtime Pareto by reason over the last 7 days, chart and table.
import { useMemo } from "react";
import type uPlot from "uplot";
import { useQuery } from "urql";
import { formatDuration, percent } from "@/components/live-state-badge";
import { UPlotChart } from "@/components/uplot-chart";
import { DowntimeEventsQuery } from "@/lib/graphql/downtime";

export const AXIS = { stroke: "#9da7b3", grid: { stroke: "#30363d" }, ticks: { stroke: "#30363d" } };

export function Pareto({ lineId }: { lineId: string }) {
  const variables = useMemo(() => {
    const now = Date.now();
    return { lineId, from: new Date(now - 7 * 86_400_000).toISOString(), to: new Date(now).toISOString() };
  }, [lineId]);
  const [result] = useQuery({ query: DowntimeEventsQuery, variables });
  const rows = useMemo(() => {
    const byReason = new Map<string, number>();
    for (const stop of result.data?.downtimeEvents ?? []) {
      const name =
        stop.reason?.name ?? (stop.suggestedReason?.name ? `${stop.suggestedReason.name} (suggested)` : "No reason");
      byReason.set(name, (byReason.get(name) ?? 0) + (stop.durationSeconds ?? 0));
    }
    const sorted = [...byReason.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
    const total = sorted.reduce((sum, [, seconds]) => sum + seconds, 0) || 1;
    let running = 0;
    return sorted.map(([name, seconds]) => {
      running += seconds;
      return { name, minutes: seconds / 60, cumulative: running / total };
    });
  }, [result.data]);
  const { options, data } = useMemo(() => {
    const options = (UPlot: typeof uPlot): Omit<uPlot.Options, "width" | "height"> => ({
      legend: { show: true },
      scales: { x: { time: false }, pct: { range: [0, 100] } },
      axes: [
        { ...AXIS, values: (_u, ticks) => ticks.map((tick) => rows[tick]?.name.slice(0, 14) ?? "") },
        { ...AXIS, label: "minutes" },
        { ...AXIS, side: 1, scale: "pct", label: "cumulative %", grid: { show: false } },
      ],
      series: [
        {},
        {
          label: "Downtime (min)",
          fill: "#f8514999",
          stroke: "#f85149",
          paths: UPlot.paths.bars?.({ size: [0.6, 80] }),
          points: { show: false },
        },
        { label: "Cumulative %", scale: "pct", stroke: "#d29922", width: 2 },
      ],
    });
    const data: uPlot.AlignedData = [
      rows.map((_, index) => index),
      rows.map((row) => row.minutes),
      rows.map((row) => row.cumulative * 100),
    ];
    return { options, data };
  }, [rows]);
  return (
    <section className="panel" aria-labelledby="pareto-heading">
      <h2 id="pareto-heading">Downtime by reason, last 7 days (Pareto)</h2>
      {rows.length === 0 ? <p className="muted">{result.fetching ? "Loading…" : "No downtime recorded."}</p> : null}
      {rows.length > 0 ? (
        <UPlotChart options={options} data={data} label="Pareto chart of downtime minutes by reason" />
      ) : null}
      <table>
        <thead>
          <tr>
            <th scope="col">Reason</th>
            <th scope="col">Downtime</th>
            <th scope="col">Cumulative</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.name}>
              <td>{row.name}</td>
              <td>{formatDuration(row.minutes * 60)}</td>
              <td>{percent(row.cumulative)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
