"use client";
// Quality › SPC charts: a characteristic's control chart with its limits, zones and violations, and
// its capability. New subgroups from the check weigher (spcSubgroupsAdded) read the chart again; a
// violation published live (from the check weigher or a check) is also announced at once.
import { useMemo, useState } from "react";
import { useQuery } from "urql";
import { LineSelect } from "@/components/line-select";
import { QualityTabs } from "@/components/quality/quality-tabs";
import { CapabilityCard, SpcChartView } from "@/components/quality/spc-chart";
import type { SpcViolationSubscription as SpcViolationEvent } from "@/lib/graphql/generated/graphql";
import { refusalOf } from "@/lib/graphql/mutation-outcome";
import {
  LineInspectionPlansQuery,
  SpcChartQuery,
  SpcSubgroupsAddedSubscription,
  SpcViolationSubscription,
} from "@/lib/graphql/quality";
import { useLiveEvents, useRefetchOnReconnect } from "@/lib/react/use-live";

type LiveViolation = NonNullable<SpcViolationEvent["spcViolation"]>;

function Chart({ characteristicId }: { characteristicId: string }) {
  const [result, refetch] = useQuery({
    query: SpcChartQuery,
    variables: { characteristicId, last: 100 },
    requestPolicy: "cache-and-network",
  });
  const again = () => refetch({ requestPolicy: "network-only" });
  const [live, setLive] = useState<LiveViolation[]>([]);
  useLiveEvents(SpcViolationSubscription, { characteristicId }, (data) => {
    const violation = data.spcViolation;
    if (!violation?.id) return;
    setLive((list) => [violation, ...list.filter((item) => item.id !== violation.id)].slice(0, 5));
    again();
  });
  // New subgroups from the check weigher: the chart moves with no one typing.
  useLiveEvents(SpcSubgroupsAddedSubscription, { characteristicId }, again);
  useRefetchOnReconnect(again);
  const chart = result.data?.spcChart;
  return (
    <>
      {live.length > 0 ? (
        <section className="panel violation-alert" role="alert" data-testid="live-violations">
          <h2>Rule broken just now</h2>
          <ul>
            {live.map((violation) => (
              <li key={violation.id}>
                <strong>{violation.rule}</strong> at subgroup {violation.sequence}: {violation.description} (
                {new Date(violation.detectedAt ?? "").toLocaleTimeString()})
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {result.error ? (
        <p className="error" role="alert">
          {refusalOf(null, result.error)?.message}
        </p>
      ) : null}
      {!chart ? (
        <p className="muted">{result.fetching ? "Loading…" : "This characteristic has no chart."}</p>
      ) : (
        <div className="grid">
          <section className="panel" aria-labelledby="chart-heading">
            <div className="row spread">
              <h2 id="chart-heading">
                {chart.characteristic?.name} · {chart.chartType?.replace("_", "-")}
              </h2>
              <button type="button" onClick={again}>
                Read again
              </button>
            </div>
            <SpcChartView chart={chart} />
          </section>
          <CapabilityCard chart={chart} />
          <section className="panel" aria-labelledby="violations-heading">
            <h2 id="violations-heading">Rule violations</h2>
            <p className="muted">Rules checked: {(chart.characteristic?.spcRules ?? []).join(", ") || "none"}</p>
            {(chart.violations ?? []).length === 0 ? <p className="muted">No rule broken in these subgroups.</p> : null}
            <table data-testid="violations">
              <tbody>
                {(chart.violations ?? []).map((violation) => (
                  <tr key={violation.id}>
                    <td>
                      <strong>{violation.rule}</strong>
                    </td>
                    <td>{violation.description}</td>
                    <td>
                      {violation.chart} · subgroups {(violation.pointSequences ?? []).join(", ")}
                    </td>
                    <td>{new Date(violation.detectedAt ?? "").toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      )}
    </>
  );
}

export function SpcScreen() {
  const [lineId, setLineId] = useState<string | null>(null);
  const [plansResult] = useQuery({
    query: LineInspectionPlansQuery,
    variables: { lineId: lineId ?? "" },
    pause: !lineId,
  });
  const characteristics = useMemo(
    () =>
      (plansResult.data?.inspectionPlans ?? []).flatMap((plan) =>
        (plan.characteristics ?? [])
          .filter((item) => item.chartType && item.active !== false)
          .map((item) => ({ ...item, planName: plan.name })),
      ),
    [plansResult.data],
  );
  const [chosen, setChosen] = useState("");
  // The live check-weigher chart first: it moves with no one typing.
  const characteristicId =
    (characteristics.some((item) => item.id === chosen) ? chosen : "") ||
    characteristics.find((item) => item.liveSignal)?.id ||
    characteristics[0]?.id ||
    "";
  return (
    <>
      <QualityTabs />
      <div className="row spread">
        <h1>SPC charts</h1>
        <div className="row">
          <LineSelect value={lineId} onChange={setLineId} />
          <label htmlFor="characteristic-select" style={{ margin: 0 }}>
            Characteristic
          </label>
          <select
            id="characteristic-select"
            value={characteristicId}
            onChange={(event) => setChosen(event.target.value)}
          >
            {characteristics.map((item) => (
              <option key={item.id} value={item.id!}>
                {item.name} · {item.planName}
                {item.liveSignal ? " (live)" : ""}
              </option>
            ))}
          </select>
        </div>
      </div>
      {characteristicId ? (
        <Chart key={characteristicId} characteristicId={characteristicId} />
      ) : (
        <p className="muted">{plansResult.fetching ? "Loading…" : "No charted characteristic on this line."}</p>
      )}
    </>
  );
}
