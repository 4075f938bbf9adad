"use client";
// The line's hourly OEE trend with availability, performance and quality, chart and table.
import { useMemo } from "react";
import type uPlot from "uplot";
import { useQuery } from "urql";
import { AXIS } from "@/components/analysis/pareto";
import { percent } from "@/components/live-state-badge";
import { UPlotChart } from "@/components/uplot-chart";
import { OeeTrendQuery } from "@/lib/graphql/oee";

export function OeeTrend({ lineId }: { lineId: string }) {
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
    // The axis spans the asked 24 hours, not the data: uPlot's own range around a single point runs
    // years wide (a fresh plant's first hour showed 2027 to 2029).
    const span: uPlot.Range.MinMax = [Date.parse(variables.from) / 1000, Date.parse(variables.to) / 1000];
    const options = (): Omit<uPlot.Options, "width" | "height"> => ({
      scales: { x: { time: true, range: span }, y: { range: [0, 100] } },
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
  }, [records, variables]);
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
