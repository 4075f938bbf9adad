"use client";
// Fault and downtime analysis: a Pareto of downtime by reason over the last 7 days and the line's
// hourly OEE trend with availability, performance and quality, each with its figures in a table; and
// OEE by shift or by day from the rolled-up buckets, with a CSV download.
import { useMemo, useState } from "react";
import type uPlot from "uplot";
import { useQuery } from "urql";
import { AppShell } from "@/components/app-shell";
import { LineSelect } from "@/components/line-select";
import { formatDuration, percent } from "@/components/live-state-badge";
import { OeeByPeriod } from "@/components/oee-by-period";
import { UPlotChart } from "@/components/uplot-chart";
import { DowntimeEventsQuery } from "@/lib/graphql/downtime";
import { OeeTrendQuery } from "@/lib/graphql/oee";

const AXIS = { stroke: "#9da7b3", grid: { stroke: "#30363d" }, ticks: { stroke: "#30363d" } };

function Pareto({ lineId }: { lineId: string }) {
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

function OeeTrend({ lineId }: { lineId: string }) {
  const variables = useMemo(() => {
    const now = Date.now();
    return {
      lineId,
      bucket: "HOUR" as const,
      from: new Date(now - 24 * 3_600_000).toISOString(),
      to: new Date(now + 3_600_000).toISOString(),
    };
  }, [lineId]);
  const [result] = useQuery({ query: OeeTrendQuery, variables });
  const records = result.data?.oeeTrend ?? [];
  const { options, data } = useMemo(() => {
    const options = (): Omit<uPlot.Options, "width" | "height"> => ({
      scales: { y: { range: [0, 100] } },
      axes: [AXIS, { ...AXIS, label: "%" }],
      series: [
        {},
        { label: "OEE", stroke: "#58a6ff", width: 3 },
        { label: "Availability", stroke: "#2ea043", dash: [6, 4] },
        { label: "Performance", stroke: "#d29922", dash: [2, 4] },
        { label: "Quality", stroke: "#a371f7", dash: [10, 4, 2, 4] },
      ],
    });
    const pct = (value: number | null | undefined) => (value === null || value === undefined ? null : value * 100);
    const data: uPlot.AlignedData = [
      records.map((record) => Date.parse(record.bucketStart ?? "") / 1000),
      records.map((record) => pct(record.oee)),
      records.map((record) => pct(record.availability)),
      records.map((record) => pct(record.performance)),
      records.map((record) => pct(record.quality)),
    ];
    return { options, data };
  }, [records]);
  return (
    <section className="panel" aria-labelledby="trend-heading">
      <h2 id="trend-heading">OEE trend, last 24 hours</h2>
      {records.length === 0 ? <p className="muted">{result.fetching ? "Loading…" : "No OEE recorded yet."}</p> : null}
      {records.length > 0 ? (
        <UPlotChart options={options} data={data} label="OEE, availability, performance and quality by hour" />
      ) : null}
      <details>
        <summary style={{ minHeight: 44 }}>Figures</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Hour</th>
              <th scope="col">OEE</th>
              <th scope="col">A</th>
              <th scope="col">P</th>
              <th scope="col">Q</th>
            </tr>
          </thead>
          <tbody>
            {records.map((record) => (
              <tr key={record.bucketStart}>
                <td>
                  {new Date(record.bucketStart ?? "").toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
                </td>
                <td>{percent(record.oee)}</td>
                <td>{percent(record.availability)}</td>
                <td>{percent(record.performance)}</td>
                <td>{percent(record.quality)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}

function Analysis() {
  const [lineId, setLineId] = useState<string | null>(null);
  return (
    <>
      <div className="row spread">
        <h1>Analysis</h1>
        <LineSelect value={lineId} onChange={setLineId} />
      </div>
      {lineId ? (
        <div className="grid">
          <Pareto lineId={lineId} />
          <OeeTrend lineId={lineId} />
          <OeeByPeriod lineId={lineId} />
        </div>
      ) : null}
    </>
  );
}

export default function AnalysisPage() {
  return (
    <AppShell screen="analysis">
      <Analysis />
    </AppShell>
  );
}
