"use client";
// A machine seen from its PLC, for engineers chasing a fault or a wiring change: every bound tag with
// its live value, the fault words bit by bit with the catalog's texts, the bridge's connection to the
// controller and a trend of the stored samples. Asked again every 2 s while open: live without a
// subscription keeping the bridge's snapshot read for nobody.
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import type uPlot from "uplot";
import { useQuery } from "urql";
import { QueryError } from "@/components/query-error";
import { UPlotChart } from "@/components/uplot-chart";
import { EquipmentDiagnosticsQuery } from "@/lib/graphql/diagnostics";
import type {
  DiagnosticsSnapshotStatus,
  EquipmentDiagnosticsQuery as EquipmentDiagnosticsResult,
  TagQuality,
} from "@/lib/graphql/generated/graphql";

/** How often the screen asks again: the bridge writes its snapshot every 2 s. */
const REFRESH_MS = 2_000;

const AXIS = { stroke: "#9da7b3", grid: { stroke: "#30363d" }, ticks: { stroke: "#30363d" } };
const SERIES_COLOURS = ["#58a6ff", "#2ea043", "#d29922", "#a371f7", "#f85149", "#39c5cf"];

const SNAPSHOT_WORDS: Record<DiagnosticsSnapshotStatus, string> = {
  LIVE: "Live",
  STALE: "Stale: the PLC bridge has not reported for over 10 s",
  ABSENT: "No data: the PLC bridge is not running or cannot reach Redis",
  NOT_BOUND: "Not bound: this machine has no PLC or tag map",
};
const QUALITY_COLOURS: Record<TagQuality, string> = {
  GOOD: "var(--running)",
  BAD: "var(--down)",
  STALE: "var(--idle)",
  UNKNOWN: "var(--muted, #6e7681)",
};

type Diagnostics = NonNullable<EquipmentDiagnosticsResult["equipmentDiagnostics"]>;

/**
 * A REAL arrives widened to a double (0.06876388937234879): seven significant digits are all a
 * 32-bit float holds, so more would show noise as if it were measured.
 */
function displayValue(json: string | null | undefined): string {
  if (json == null) return "–";
  const value: unknown = JSON.parse(json);
  return typeof value === "number" && !Number.isInteger(value) ? String(Number(value.toPrecision(7))) : json;
}

function time(value: string | null | undefined): string {
  return value ? new Date(value).toLocaleTimeString() : "–";
}

function ago(value: string | null | undefined, now: number): string {
  if (!value) return "";
  const seconds = Math.max(0, Math.round((now - new Date(value).getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3_600) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3_600)} h ago`;
}

function Connection({ diagnostics }: { diagnostics: Diagnostics }) {
  const c = diagnostics.connection;
  const plc = diagnostics.plc;
  return (
    <section className="panel" aria-labelledby="diag-connection" data-testid="diagnostics-connection">
      <h2 id="diag-connection">PLC connection</h2>
      {plc ? (
        <p>
          <strong>{plc.name}</strong>{" "}
          <span className="muted">
            {plc.driver} at {plc.host}:{plc.port}
          </span>
        </p>
      ) : null}
      {c ? (
        <dl className="row" style={{ flexWrap: "wrap", gap: 24 }}>
          <div>
            <dt className="muted">State</dt>
            <dd data-testid="connection-state">
              {c.connected ? "✓ Connected" : `✗ ${c.state === "CONNECTING" ? "Connecting" : "Disconnected"}`}
              {c.commsLost ? " · comms lost" : ""}
            </dd>
          </div>
          <div>
            <dt className="muted">Good reads</dt>
            <dd data-testid="good-reads">{c.goodReads.toLocaleString()}</dd>
          </div>
          <div>
            <dt className="muted">Failed reads</dt>
            <dd>{c.failedReads.toLocaleString()}</dd>
          </div>
          <div>
            <dt className="muted">Round trip</dt>
            <dd>{c.lastRoundTripMs != null ? `${c.lastRoundTripMs.toFixed(1)} ms` : "–"}</dd>
          </div>
          <div>
            <dt className="muted">Reconnects</dt>
            <dd>
              {c.reconnects} <span className="muted">({c.failedConnects} failed attempts)</span>
            </dd>
          </div>
          <div>
            <dt className="muted">Last good read</dt>
            <dd>{time(c.lastGoodReadAt)}</dd>
          </div>
          {c.lastError ? (
            <div>
              <dt className="muted">Last error</dt>
              <dd>{c.lastError}</dd>
            </div>
          ) : null}
        </dl>
      ) : (
        <p className="muted">No report from the PLC bridge.</p>
      )}
    </section>
  );
}

function Tags({ diagnostics, now }: { diagnostics: Diagnostics; now: number }) {
  return (
    <section aria-labelledby="diag-tags">
      <h2 id="diag-tags">Tags</h2>
      {/* Wider than a portrait tablet: a keyboard user scrolls it once it has focus */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1) */}
      <section className="panel table-box" aria-label="Tags, scrollable" tabIndex={0}>
        <table data-testid="diagnostics-tags">
          <thead>
            <tr>
              <th scope="col">Signal</th>
              <th scope="col">PLC tag</th>
              <th scope="col">Value</th>
              <th scope="col">Quality</th>
              <th scope="col">Last change</th>
              <th scope="col">Read</th>
            </tr>
          </thead>
          <tbody>
            {diagnostics.tags.map((tag) => (
              <tr key={tag.signal} data-testid="diagnostics-tag" data-signal={tag.signal}>
                <th scope="row">{tag.signal}</th>
                <td>
                  <code>{tag.address}</code> <span className="muted">{tag.type}</span>
                </td>
                <td data-testid="tag-value">
                  <code>{displayValue(tag.value)}</code>
                </td>
                <td>
                  <span className="pill" style={{ borderLeft: `6px solid ${QUALITY_COLOURS[tag.quality]}` }}>
                    {tag.quality.toLowerCase()}
                  </span>
                  {tag.error ? <span className="muted"> {tag.error}</span> : null}
                </td>
                <td>
                  {time(tag.changedAt)} <span className="muted">{ago(tag.changedAt, now)}</span>
                </td>
                <td>
                  {time(tag.readAt)} <span className="muted">every {tag.scanMs} ms</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}

function FaultBits({ diagnostics }: { diagnostics: Diagnostics }) {
  if (diagnostics.faultBits.length === 0) return null;
  const set = diagnostics.faultBits.filter((bit) => bit.set).length;
  return (
    <section aria-labelledby="diag-faults">
      <h2 id="diag-faults">
        Fault bits <span className="muted">({set} set)</span>
      </h2>
      <ul
        data-testid="diagnostics-fault-bits"
        style={{
          listStyle: "none",
          padding: 0,
          display: "grid",
          gap: 6,
          gridTemplateColumns: "repeat(auto-fill, minmax(260px, 1fr))",
        }}
      >
        {diagnostics.faultBits.map((bit) => (
          <li
            key={bit.bitIndex}
            data-testid="fault-bit"
            data-bit={bit.bitIndex}
            data-set={bit.set === true ? "true" : "false"}
            className="panel"
            style={{
              margin: 0,
              padding: "6px 10px",
              borderLeft: `6px solid ${bit.set ? "var(--down)" : "transparent"}`,
              fontWeight: bit.set ? 700 : 400,
            }}
          >
            <span>
              Bit {bit.bitIndex}: {bit.set === null ? "unknown" : bit.set ? "SET" : "clear"}
            </span>{" "}
            <span className={bit.set ? undefined : "muted"}>
              {bit.faultCode ?? "not in the catalog"}
              {bit.text ? ` · ${bit.text}` : ""}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Trend({ diagnostics }: { diagnostics: Diagnostics }) {
  const series = diagnostics.trend;
  const chart = useMemo(() => {
    if (series.length === 0) return null;
    // One time axis for every signal: the buckets are the same date_bin grid for all of them
    const times = [...new Set(series.flatMap((s) => s.points.map((p) => new Date(p.at).getTime() / 1000)))].sort(
      (a, b) => a - b,
    );
    const data: uPlot.AlignedData = [
      times,
      ...series.map((s) => {
        const byTime = new Map(s.points.map((p) => [new Date(p.at).getTime() / 1000, p.average]));
        return times.map((t) => byTime.get(t) ?? null);
      }),
    ];
    const options = (): Omit<uPlot.Options, "width" | "height"> => ({
      axes: [AXIS, { ...AXIS, size: 60 }],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.signal,
          stroke: SERIES_COLOURS[i % SERIES_COLOURS.length],
          width: 2,
          spanGaps: false,
        })),
      ],
    });
    return { data, options };
  }, [series]);
  return (
    <section aria-labelledby="diag-trend" data-testid="diagnostics-trend">
      <h2 id="diag-trend">
        Trend <span className="muted">(last 15 min, {diagnostics.trendBucketSeconds} s per point)</span>
      </h2>
      {chart ? (
        <UPlotChart
          options={chart.options}
          data={chart.data}
          label={`Trend of ${series.map((s) => s.signal).join(", ")} over the last 15 minutes`}
          height={200}
        />
      ) : (
        <p className="muted">No samples stored in the last 15 minutes.</p>
      )}
    </section>
  );
}

export function EquipmentDiagnostics({ equipmentId }: { equipmentId: string }) {
  const [result, reexecute] = useQuery({
    query: EquipmentDiagnosticsQuery,
    variables: { equipmentId },
    requestPolicy: "network-only",
  });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      reexecute({ requestPolicy: "network-only" });
      setNow(Date.now());
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reexecute]);
  const diagnostics = result.data?.equipmentDiagnostics;
  return (
    <>
      <p>
        <Link className="button" href="/equipment">
          ← Equipment
        </Link>
      </p>
      <div className="row spread">
        <h1>
          Diagnostics{diagnostics ? `: ${diagnostics.equipment.name}` : ""}{" "}
          {diagnostics ? <span className="muted">{diagnostics.equipment.code}</span> : null}
        </h1>
        {diagnostics ? (
          <p aria-live="polite" data-testid="diagnostics-status" data-status={diagnostics.snapshotStatus}>
            {SNAPSHOT_WORDS[diagnostics.snapshotStatus]}
            {diagnostics.snapshotAt ? <span className="muted"> · {ago(diagnostics.snapshotAt, now)}</span> : null}
          </p>
        ) : null}
      </div>
      {result.fetching && !diagnostics ? <p aria-busy="true">Loading…</p> : null}
      <QueryError error={result.error} />
      {diagnostics ? (
        <>
          <Connection diagnostics={diagnostics} />
          <FaultBits diagnostics={diagnostics} />
          <Tags diagnostics={diagnostics} now={now} />
          <Trend diagnostics={diagnostics} />
        </>
      ) : null}
    </>
  );
}
