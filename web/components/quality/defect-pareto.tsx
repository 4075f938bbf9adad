"use client";
// Quality › Defect Pareto: a line's defects by code over a range, largest first, with the running
// share; read again as each defect is recorded (defectRecorded).
import { useMemo, useState } from "react";
import type uPlot from "uplot";
import { useQuery } from "urql";
import { type DataColumn, DataTable } from "@/components/data/data-table";
import { LineSelect } from "@/components/line-select";
import { percent } from "@/components/live-state-badge";
import { QualityTabs } from "@/components/quality/quality-tabs";
import { UPlotChart } from "@/components/uplot-chart";
import type { LineDefectParetoQuery as LineDefectParetoResult } from "@/lib/graphql/generated/graphql";
import { refusalOf } from "@/lib/graphql/mutation-outcome";
import { DefectRecordedSubscription, LineDefectParetoQuery } from "@/lib/graphql/quality";
import { useLiveEvents, useRefetchOnReconnect } from "@/lib/react/use-live";

const AXIS = { stroke: "#9da7b3", grid: { stroke: "#30363d" }, ticks: { stroke: "#30363d" } };
const RANGES = [
  { days: 1, label: "24 hours" },
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
] as const;

type Bar = NonNullable<NonNullable<LineDefectParetoResult["line"]>["defectPareto"]>[number];

const PARETO_COLUMNS: DataColumn<Bar>[] = [
  {
    header: "Defect",
    cell: (bar) => (
      <>
        <strong>{bar.defectCode?.code}</strong> {bar.defectCode?.name}
        {bar.defectCode?.severity === "CRITICAL" ? <span className="pill"> ⚠ critical</span> : null}
      </>
    ),
  },
  { header: "Units", cell: (bar) => bar.quantity },
  { header: "Share", cell: (bar) => percent(bar.share) },
  { header: "Cumulative", cell: (bar) => percent(bar.cumulativeShare) },
];

function Pareto({ lineId, days }: { lineId: string; days: number }) {
  const [loadedAt, setLoadedAt] = useState(() => Date.now());
  const variables = useMemo(
    () => ({
      lineId,
      from: new Date(loadedAt - days * 86_400_000).toISOString(),
      to: new Date(loadedAt + 60_000).toISOString(),
    }),
    [lineId, days, loadedAt],
  );
  const [result] = useQuery({ query: LineDefectParetoQuery, variables, requestPolicy: "cache-and-network" });
  useLiveEvents(DefectRecordedSubscription, { lineId }, () => setLoadedAt(Date.now()));
  useRefetchOnReconnect(() => setLoadedAt(Date.now()));
  const bars = result.data?.line?.defectPareto ?? [];
  const { options, data } = useMemo(() => {
    const options = (UPlot: typeof uPlot): Omit<uPlot.Options, "width" | "height"> => ({
      legend: { show: true },
      scales: { x: { time: false }, pct: { range: [0, 100] } },
      axes: [
        { ...AXIS, values: (_u, ticks) => ticks.map((tick) => bars[tick]?.defectCode?.code?.slice(0, 12) ?? "") },
        { ...AXIS, label: "units" },
        { ...AXIS, side: 1, scale: "pct", label: "cumulative %", grid: { show: false } },
      ],
      series: [
        {},
        {
          label: "Defective units",
          fill: "#f8514999",
          stroke: "#f85149",
          paths: UPlot.paths.bars?.({ size: [0.6, 80] }),
          points: { show: false },
        },
        { label: "Cumulative %", scale: "pct", stroke: "#d29922", width: 2 },
      ],
    });
    const data: uPlot.AlignedData = [
      bars.map((_, index) => index),
      bars.map((bar) => bar.quantity ?? 0),
      bars.map((bar) => (bar.cumulativeShare ?? 0) * 100),
    ];
    return { options, data };
  }, [bars]);
  return (
    <section className="panel" aria-labelledby="defect-pareto-heading">
      <h2 id="defect-pareto-heading">Defects by code (Pareto)</h2>
      {result.error ? (
        <p className="error" role="alert">
          {refusalOf(null, result.error)?.message}
        </p>
      ) : null}
      {bars.length === 0 ? (
        <p className="muted">{result.fetching ? "Loading…" : "No defects recorded in this range."}</p>
      ) : (
        <UPlotChart options={options} data={data} label="Pareto chart of defective units by defect code" />
      )}
      <DataTable
        testId="defect-pareto"
        columns={PARETO_COLUMNS}
        rows={bars}
        rowKey={(bar) => bar.defectCode?.id ?? ""}
        rowProps={() => ({ "data-testid": "defect-bar" })}
        loading={result.fetching}
        empty="No defects recorded in this range."
      />
    </section>
  );
}

export function Defects() {
  const [lineId, setLineId] = useState<string | null>(null);
  const [days, setDays] = useState<number>(7);
  return (
    <>
      <QualityTabs />
      <div className="row spread">
        <h1>Defect Pareto</h1>
        <div className="row">
          <LineSelect value={lineId} onChange={setLineId} />
          <label htmlFor="range-select" style={{ margin: 0 }}>
            Last
          </label>
          <select id="range-select" value={days} onChange={(event) => setDays(Number(event.target.value))}>
            {RANGES.map((range) => (
              <option key={range.days} value={range.days}>
                {range.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {lineId ? <Pareto lineId={lineId} days={days} /> : null}
    </>
  );
}
