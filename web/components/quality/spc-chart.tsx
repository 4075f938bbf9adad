"use client";
// A control chart drawn with uPlot: the plotted statistic (X̄, X, p...), its centre line and control
// limits per point, the zone boundaries at 1σ and 2σ, and the points that completed a rule marked;
// the dispersion chart (R, S or MR) below it; the last subgroups in a table for screen readers.
import { useMemo } from "react";
import type uPlot from "uplot";
import { UPlotChart } from "@/components/uplot-chart";
import type { SpcChartQuery } from "@/lib/graphql/generated/graphql";

type Chart = NonNullable<SpcChartQuery["spcChart"]>;

const AXIS = { stroke: "#9da7b3", grid: { stroke: "#30363d" }, ticks: { stroke: "#30363d" } };
const LIMIT = "#f85149";
const ZONE = "#d29922";

const DISPERSION_NAMES: Record<string, string> = { XBAR_R: "R", XBAR_S: "S", I_MR: "MR" };
const LOCATION_NAMES: Record<string, string> = {
  XBAR_R: "X̄",
  XBAR_S: "X̄",
  I_MR: "X",
  P: "p",
  NP: "np",
  C: "c",
  U: "u",
};

function nullable(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : value;
}

export function SpcChartView({ chart }: { chart: Chart }) {
  const points = chart.points ?? [];
  const decimals = chart.characteristic?.decimals ?? 3;
  const location = LOCATION_NAMES[chart.chartType ?? ""] ?? "value";
  const dispersion = DISPERSION_NAMES[chart.chartType ?? ""];
  const marked = useMemo(
    () => new Set((chart.violations ?? []).flatMap((violation) => violation.pointSequences ?? [])),
    [chart.violations],
  );

  const { options, data } = useMemo(() => {
    const sigma = (point: (typeof points)[number]) => {
      const cl = point.centerLine;
      const ucl = point.upperControlLimit;
      return cl === null || cl === undefined || ucl === null || ucl === undefined ? null : (ucl - cl) / 3;
    };
    const at = (k: number) =>
      points.map((point) => {
        const s = sigma(point);
        return s === null ? null : (point.centerLine ?? 0) + k * s;
      });
    const options = (): Omit<uPlot.Options, "width" | "height"> => ({
      scales: { x: { time: false } },
      axes: [
        { ...AXIS, label: "subgroup" },
        {
          ...AXIS,
          label: `${location}${chart.characteristic?.unit ? ` (${chart.characteristic.unit})` : ""}`,
          size: 70,
          values: (_u, ticks) => ticks.map((tick) => tick.toFixed(decimals)),
        },
      ],
      series: [
        {},
        { label: location, stroke: "#58a6ff", width: 2, points: { show: true, size: 6, fill: "#58a6ff" } },
        { label: "CL", stroke: "#2ea043", width: 2, points: { show: false } },
        { label: "UCL", stroke: LIMIT, width: 2, points: { show: false } },
        { label: "LCL", stroke: LIMIT, width: 2, points: { show: false } },
        { label: "+2σ (A|B)", stroke: ZONE, dash: [6, 4], width: 1, points: { show: false } },
        { label: "−2σ", stroke: ZONE, dash: [6, 4], width: 1, points: { show: false } },
        { label: "+1σ (B|C)", stroke: "#8b949e", dash: [2, 4], width: 1, points: { show: false } },
        { label: "−1σ", stroke: "#8b949e", dash: [2, 4], width: 1, points: { show: false } },
        {
          label: "Rule broken",
          stroke: LIMIT,
          width: 0,
          paths: () => null,
          points: { show: true, size: 14, fill: LIMIT, stroke: "#ffffff", width: 2 },
        },
      ],
    });
    const data: uPlot.AlignedData = [
      points.map((point) => point.sequence ?? 0),
      points.map((point) => nullable(point.value)),
      points.map((point) => nullable(point.centerLine)),
      points.map((point) => nullable(point.upperControlLimit)),
      points.map((point) => nullable(point.lowerControlLimit)),
      at(2),
      at(-2),
      at(1),
      at(-1),
      points.map((point) =>
        (point.rules ?? []).length > 0 || marked.has(point.sequence ?? -1) ? nullable(point.value) : null,
      ),
    ];
    return { options, data };
  }, [points, location, decimals, chart.characteristic?.unit, marked]);

  const dispersionChart = useMemo(() => {
    if (!dispersion) return null;
    const limits = chart.limits;
    const flat = (value: number | null | undefined) => points.map(() => nullable(value));
    const options = (): Omit<uPlot.Options, "width" | "height"> => ({
      scales: { x: { time: false } },
      axes: [
        { ...AXIS, label: "subgroup" },
        { ...AXIS, label: dispersion, size: 70, values: (_u, ticks) => ticks.map((tick) => tick.toFixed(decimals)) },
      ],
      series: [
        {},
        { label: dispersion, stroke: "#a371f7", width: 2, points: { show: true, size: 5, fill: "#a371f7" } },
        { label: `${dispersion}̄`, stroke: "#2ea043", width: 2, points: { show: false } },
        { label: "UCL", stroke: LIMIT, width: 2, points: { show: false } },
        { label: "LCL", stroke: LIMIT, width: 2, points: { show: false } },
      ],
    });
    const data: uPlot.AlignedData = [
      points.map((point) => point.sequence ?? 0),
      points.map((point) => nullable(point.dispersionValue)),
      flat(limits?.dispersionCenter),
      flat(limits?.dispersionUpper),
      flat(limits?.dispersionLower),
    ];
    return { options, data };
  }, [dispersion, chart.limits, points, decimals]);

  if (points.length === 0) return <p className="muted">No subgroups charted yet.</p>;
  const limits = chart.limits;
  return (
    <div data-testid="spc-chart" data-points={points.length}>
      <p className="row" style={{ gap: 16 }} data-testid="control-limits">
        <span>
          CL <strong>{limits?.centerLine?.toFixed(decimals) ?? "–"}</strong>
        </span>
        <span>
          UCL <strong>{limits?.upperControlLimit?.toFixed(decimals) ?? "–"}</strong>
        </span>
        <span>
          LCL <strong>{limits?.lowerControlLimit?.toFixed(decimals) ?? "–"}</strong>
        </span>
        <span className="muted">
          {limits?.frozenAt
            ? `limits frozen from subgroups ${limits.baselineFirst}–${limits.baselineLast}`
            : "limits not frozen yet (they freeze from the first 25 subgroups)"}
        </span>
      </p>
      <UPlotChart
        options={options}
        data={data}
        label={`${location} chart of ${chart.characteristic?.name}: points, centre line, control limits, zones at 1 and 2 sigma, and points that broke a rule`}
        height={300}
      />
      {dispersionChart ? (
        <UPlotChart
          options={dispersionChart.options}
          data={dispersionChart.data}
          label={`${dispersion} chart of ${chart.characteristic?.name}`}
          height={160}
        />
      ) : null}
      <details>
        <summary style={{ minHeight: 44, display: "flex", alignItems: "center" }}>Last subgroups</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Subgroup</th>
              <th scope="col">{location}</th>
              {dispersion ? <th scope="col">{dispersion}</th> : null}
              <th scope="col">Zone</th>
              <th scope="col">Rules</th>
            </tr>
          </thead>
          <tbody>
            {points.slice(-10).map((point) => (
              <tr key={point.sequence}>
                <td>{point.sequence}</td>
                <td>{point.value?.toFixed(decimals)}</td>
                {dispersion ? <td>{point.dispersionValue?.toFixed(decimals)}</td> : null}
                <td>{point.zone}</td>
                <td>{(point.rules ?? []).join(", ") || "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

function capabilityVerdict(index: number | null | undefined) {
  if (index === null || index === undefined) return { word: "not computed", symbol: "–", tone: "muted" };
  if (index >= 1.33) return { word: "capable", symbol: "✓", tone: "good" };
  if (index >= 1) return { word: "marginal", symbol: "◐", tone: "warn" };
  return { word: "not capable", symbol: "✖", tone: "bad" };
}

export function CapabilityCard({ chart }: { chart: Chart }) {
  const capability = chart.capability;
  const indices = [
    { name: "Cp", value: capability?.cp, about: "spread against the tolerance, σ within" },
    { name: "Cpk", value: capability?.cpk, about: "nearest spec limit, σ within" },
    { name: "Pp", value: capability?.pp, about: "spread against the tolerance, overall σ" },
    { name: "Ppk", value: capability?.ppk, about: "nearest spec limit, overall σ" },
  ];
  const decimals = chart.characteristic?.decimals ?? 3;
  return (
    <section className="panel" aria-labelledby="capability-heading" data-testid="capability">
      <h2 id="capability-heading">Capability</h2>
      {capability ? (
        <>
          <div className="capability-grid">
            {indices.map((index) => {
              const verdict = capabilityVerdict(index.value);
              return (
                <div key={index.name} className={`capability ${verdict.tone}`} data-testid={`capability-${index.name}`}>
                  <div className="muted">{index.name}</div>
                  <div className="figure">{index.value?.toFixed(2) ?? "–"}</div>
                  <div>
                    {verdict.symbol} {verdict.word}
                  </div>
                  <div className="muted small">{index.about}</div>
                </div>
              );
            })}
          </div>
          <p data-testid="capability-basis">
            σ within <strong>{capability.sigmaWithin?.toFixed(decimals + 1) ?? "–"}</strong> (
            {capability.sigmaWithinMethod ?? "–"}) · σ overall{" "}
            <strong>{capability.sigmaOverall?.toFixed(decimals + 1) ?? "–"}</strong> · mean{" "}
            <strong>{capability.mean?.toFixed(decimals) ?? "–"}</strong> · <strong>{capability.sampleCount}</strong>{" "}
            values · spec {chart.characteristic?.lowerSpec ?? "–"}–{chart.characteristic?.upperSpec ?? "–"}{" "}
            {chart.characteristic?.unit}
          </p>
        </>
      ) : (
        <p className="muted">No capability yet: it needs spec limits and charted values.</p>
      )}
    </section>
  );
}
