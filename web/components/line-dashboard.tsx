"use client";
// The line dashboard: live state, the current stop with its suggested reason, OEE with A/P/Q for
// the current hour, production by hour against the ideal, and the job in progress. First load is one
// query; after that every figure moves with subscription events, and the query is re-run after a
// reconnection because events sent while the link was down are gone.
import dynamic from "next/dynamic";
import { useEffect, useMemo, useReducer, useState } from "react";
import { useQuery } from "urql";
import { AndonList, RaiseAndon } from "@/components/andon-panel";
import { HourlyProduction } from "@/components/line/hourly-production";
import { formatDuration, LiveStateBadge, percent } from "@/components/live-state-badge";
import { ReasonPicker } from "@/components/reason-picker";
import { DowntimeStartedSubscription, DowntimeUpdatedSubscription } from "@/lib/graphql/downtime";
import type {
  DowntimeFieldsFragment,
  LineDashboardQuery as LineDashboardResult,
  OeeFieldsFragment,
} from "@/lib/graphql/generated/graphql";
import { LineDashboardQuery } from "@/lib/graphql/line-dashboard";
import { OeeUpdatedSubscription, ProductionCountUpdatedSubscription } from "@/lib/graphql/oee";
import { EquipmentStatusChangedSubscription, LineStatusChangedSubscription } from "@/lib/graphql/plant";
import { actionQueue } from "@/lib/offline/action-queue";
import { useConnectionStatus, useSession } from "@/lib/react/stores";
import { useLiveEvents, useRefetchOnReconnect } from "@/lib/react/use-live";
import { bindTabletLine } from "@/lib/tablet-line";

// Only operators and inspectors record scrap, now and then: the form's code loads when it is opened.
const ScrapForm = dynamic(() => import("@/components/quality/scrap-form").then((module) => module.ScrapForm), {
  ssr: false,
  loading: () => <p className="muted">Loading…</p>,
});

type Line = NonNullable<LineDashboardResult["line"]>;
type Equipment = NonNullable<Line["equipment"]>[number];
type LiveState = Equipment["liveState"];

interface DashboardState {
  line: Line | null;
  stops: Map<string, DowntimeFieldsFragment>;
  hours: Map<string, OeeFieldsFragment>;
  /** Constraint units counted since the latest OEE record arrived. */
  goodSinceRecord: number;
  rejectSinceRecord: number;
  job: NonNullable<LineDashboardResult["jobs"]>[number] | null;
  /** Whether any live event has been applied yet. */
  events: number;
}

type Action =
  | { type: "load"; data: LineDashboardResult }
  | { type: "line"; state: Line["liveState"] }
  | { type: "equipment"; id: string; state: LiveState }
  | { type: "stop"; stop: DowntimeFieldsFragment }
  | { type: "oee"; record: OeeFieldsFragment }
  | { type: "count"; equipmentId: string; good: number; reject: number };

function reduce(state: DashboardState, action: Action): DashboardState {
  switch (action.type) {
    case "load":
      return {
        line: action.data.line,
        stops: new Map((action.data.downtimeEvents ?? []).map((stop) => [stop.id!, stop])),
        hours: new Map((action.data.oeeTrend ?? []).map((record) => [record.bucketStart!, record])),
        goodSinceRecord: 0,
        rejectSinceRecord: 0,
        job: action.data.jobs?.[0] ?? null,
        events: state.events,
      };
    case "line":
      return state.line
        ? { ...state, line: { ...state.line, liveState: action.state }, events: state.events + 1 }
        : state;
    case "equipment":
      return state.line
        ? {
            ...state,
            events: state.events + 1,
            line: {
              ...state.line,
              equipment: (state.line.equipment ?? []).map((item) =>
                item.id === action.id ? { ...item, liveState: action.state } : item,
              ),
            },
          }
        : state;
    case "stop": {
      const stops = new Map(state.stops);
      stops.set(action.stop.id!, { ...stops.get(action.stop.id!), ...action.stop });
      return { ...state, stops, events: state.events + 1 };
    }
    case "oee": {
      const hours = new Map(state.hours);
      hours.set(action.record.bucketStart!, action.record);
      return { ...state, hours, goodSinceRecord: 0, rejectSinceRecord: 0, events: state.events + 1 };
    }
    case "count": {
      const constraint = state.line?.equipment?.find((item) => item.isConstraint);
      if (constraint && constraint.id !== action.equipmentId) return state;
      return {
        ...state,
        goodSinceRecord: state.goodSinceRecord + action.good,
        rejectSinceRecord: state.rejectSinceRecord + action.reject,
        events: state.events + 1,
      };
    }
  }
}

const EMPTY: DashboardState = {
  line: null,
  stops: new Map(),
  hours: new Map(),
  goodSinceRecord: 0,
  rejectSinceRecord: 0,
  job: null,
  events: 0,
};

function windowOf(now: number) {
  const hour = 3_600_000;
  return {
    from: new Date(now - 12 * hour).toISOString(),
    to: new Date(now + 24 * hour).toISOString(),
    hoursFrom: new Date(Math.floor(now / hour) * hour - 11 * hour).toISOString(),
  };
}

export function LineDashboard({ lineId }: { lineId: string }) {
  const session = useSession();
  const { link } = useConnectionStatus();
  const permissions = session.status === "signed-in" ? session.session.permissions : new Set<string>();
  const [loadedAt, setLoadedAt] = useState(() => Date.now());
  const variables = useMemo(() => ({ lineId, ...windowOf(loadedAt) }), [lineId, loadedAt]);
  const [result] = useQuery({ query: LineDashboardQuery, variables, requestPolicy: "network-only" });
  const [state, dispatch] = useReducer(reduce, EMPTY);

  useEffect(() => {
    if (result.data) dispatch({ type: "load", data: result.data });
  }, [result.data]);
  useRefetchOnReconnect(() => setLoadedAt(Date.now()));

  const live = { lineId };
  useLiveEvents(LineStatusChangedSubscription, live, (data) => {
    if (data.lineStatusChanged) dispatch({ type: "line", state: data.lineStatusChanged.liveState });
  });
  useLiveEvents(EquipmentStatusChangedSubscription, live, (data) => {
    const item = data.equipmentStatusChanged;
    if (item?.id) dispatch({ type: "equipment", id: item.id, state: item.liveState });
  });
  useLiveEvents(DowntimeStartedSubscription, live, (data) => {
    if (data.downtimeStarted?.id) dispatch({ type: "stop", stop: data.downtimeStarted });
  });
  useLiveEvents(DowntimeUpdatedSubscription, live, (data) => {
    if (data.downtimeUpdated?.id) dispatch({ type: "stop", stop: data.downtimeUpdated });
  });
  useLiveEvents(OeeUpdatedSubscription, live, (data) => {
    if (data.oeeUpdated?.bucketStart) dispatch({ type: "oee", record: data.oeeUpdated });
  });
  useLiveEvents(ProductionCountUpdatedSubscription, live, (data) => {
    const count = data.productionCountUpdated;
    if (count?.equipmentId)
      dispatch({ type: "count", equipmentId: count.equipmentId, good: count.good ?? 0, reject: count.reject ?? 0 });
  });

  // A confirmed reason comes back in the mutation's answer (also after an offline replay).
  const [refusal, setRefusal] = useState<string | null>(null);
  useEffect(
    () =>
      actionQueue.onOutcome((outcome) => {
        if (outcome.action.kind !== "confirmDowntimeReason") return;
        if (outcome.status === "done" && outcome.data)
          dispatch({ type: "stop", stop: outcome.data as DowntimeFieldsFragment });
        if (outcome.status === "refused") setRefusal(`Not saved: ${outcome.message ?? outcome.code}`);
      }),
    [],
  );

  // Durations of open stops tick on screen.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  if (result.error && !state.line) {
    return (
      <p className="error" role="alert">
        Could not load the line: {result.error.graphQLErrors[0]?.message ?? "the server cannot be reached"}.
      </p>
    );
  }
  if (!state.line) {
    if (result.data && !result.data.line) return <p role="alert">No such line.</p>;
    return (
      <p className="muted" aria-busy="true">
        Loading line…
      </p>
    );
  }

  const line = state.line;
  const stops = [...state.stops.values()].sort((a, b) => (b.startedAt ?? "").localeCompare(a.startedAt ?? ""));
  const openStops = stops.filter((stop) => !stop.endedAt);
  const awaiting = stops.filter((stop) => stop.endedAt && !stop.confirmedAt && !stop.isMicroStop).slice(0, 5);
  const hours = [...state.hours.values()].sort((a, b) => (a.bucketStart ?? "").localeCompare(b.bucketStart ?? ""));
  const current = hours.at(-1) ?? null;
  const canConfirm = permissions.has("downtime:confirm-reason");

  return (
    <div className="grid" data-testid="line-dashboard" data-live={link === "live" ? "true" : "false"}>
      <section className="panel row spread" aria-labelledby="line-name">
        <div>
          <h1 id="line-name">{line.name}</h1>
          <div className="row">
            <span className="huge" data-testid="line-state">
              <LiveStateBadge state={line.liveState?.state} label="Line state" />
            </span>
            {line.liveState?.since ? (
              <span className="muted">for {formatDuration((now - Date.parse(line.liveState.since)) / 1000)}</span>
            ) : null}
          </div>
        </div>
        <button type="button" onClick={() => bindTabletLine({ id: line.id!, name: line.name ?? line.code ?? "" })}>
          Use this tablet for this line
        </button>
      </section>

      {refusal ? (
        <p className="error" role="alert">
          {refusal}
        </p>
      ) : null}

      <section className="panel" aria-labelledby="stops-heading" data-testid="current-stop">
        <h2 id="stops-heading">Current stop</h2>
        {openStops.length === 0 ? <p className="muted">No stop now.</p> : null}
        {openStops.map((stop) => (
          <StopCard key={stop.id} stop={stop} now={now} canConfirm={canConfirm} />
        ))}
        {awaiting.length > 0 ? (
          <>
            <h2 style={{ marginTop: 16 }}>Recent stops without a confirmed reason</h2>
            {awaiting.map((stop) => (
              <StopCard key={stop.id} stop={stop} now={now} canConfirm={canConfirm} />
            ))}
          </>
        ) : null}
      </section>

      <div className="grid two">
        <section className="panel" aria-labelledby="oee-heading">
          <h2 id="oee-heading">OEE this hour</h2>
          <div className="big" data-testid="oee">
            {percent(current?.oee)}
          </div>
          <div className="row" style={{ gap: 24 }}>
            <Figure label="Availability" value={percent(current?.availability)} />
            <Figure label="Performance" value={percent(current?.performance)} />
            <Figure label="Quality" value={percent(current?.quality)} />
          </div>
          <p className="muted">Target {percent(line.oeeTarget)}</p>
          <div className="row" style={{ gap: 24 }}>
            <Figure
              label="Good units this hour"
              value={String((current?.goodCount ?? 0) + state.goodSinceRecord)}
              testId="good-count"
            />
            <Figure label="Rejects" value={String((current?.rejectCount ?? 0) + state.rejectSinceRecord)} />
          </div>
        </section>
        <section className="panel" aria-labelledby="job-heading">
          <h2 id="job-heading">Current job</h2>
          {state.job ? (
            <div data-testid="current-job">
              <div className="figure">{state.job.title}</div>
              <p>
                {state.job.actualGoodQuantity ?? 0} of {state.job.plannedQuantity ?? "–"} planned
                {state.job.startedAt ? ` · started ${new Date(state.job.startedAt).toLocaleTimeString()}` : ""}
              </p>
            </div>
          ) : (
            <p className="muted">No job in progress on this line.</p>
          )}
          <h2 style={{ marginTop: 16 }}>Equipment</h2>
          <ul style={{ listStyle: "none", padding: 0, margin: 0 }}>
            {(line.equipment ?? []).map((item) => (
              <li key={item.id} className="row spread" style={{ padding: "6px 0" }}>
                <span>
                  {item.name}
                  {item.isConstraint ? <span className="pill"> constraint</span> : null}
                </span>
                <span className="row">
                  {item.liveState?.speedPerMinute !== null && item.liveState?.speedPerMinute !== undefined ? (
                    <span className="muted">{Math.round(item.liveState.speedPerMinute)}/min</span>
                  ) : null}
                  <LiveStateBadge state={item.liveState?.state} label={item.name ?? "Equipment"} />
                </span>
              </li>
            ))}
          </ul>
        </section>
      </div>

      <section className="panel" aria-labelledby="andon-heading" data-testid="line-andons">
        <h2 id="andon-heading">Andon</h2>
        <RaiseAndon lineId={line.id!} lineName={line.name ?? "this line"} />
        <div style={{ marginTop: 12 }}>
          <AndonList lineId={line.id!} />
        </div>
      </section>

      {permissions.has("scrap:record") ? (
        <section className="panel" aria-labelledby="scrap-heading" data-testid="line-scrap">
          <h2 id="scrap-heading">Scrap and rework</h2>
          <ScrapEntry lineId={line.id!} />
        </section>
      ) : null}

      <section className="panel" aria-labelledby="hours-heading">
        <h2 id="hours-heading">Production by hour</h2>
        <HourlyProduction
          lineId={line.id!}
          siteId={line.site?.id ?? null}
          hours={hours}
          extraGood={state.goodSinceRecord}
          now={now}
        />
      </section>
    </div>
  );
}

function ScrapEntry({ lineId }: { lineId: string }) {
  const [open, setOpen] = useState(false);
  return open ? (
    <ScrapForm lineId={lineId} onClose={() => setOpen(false)} />
  ) : (
    <button type="button" onClick={() => setOpen(true)}>
      Record scrap or rework
    </button>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <div className="muted">{label}</div>
      <div className="figure" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

function StopCard({ stop, now, canConfirm }: { stop: DowntimeFieldsFragment; now: number; canConfirm: boolean }) {
  const seconds = stop.endedAt
    ? (stop.durationSeconds ?? 0)
    : (now - Date.parse(stop.startedAt ?? new Date(now).toISOString())) / 1000;
  return (
    <article className="panel stop" style={{ marginBottom: 8 }} data-testid="stop" data-stop-id={stop.id}>
      <div className="row spread">
        <strong>
          {stop.equipment?.name} {stop.endedAt ? "stopped" : "is stopped"} · {formatDuration(seconds)}
        </strong>
        {stop.firstOutFaultCode ? <span className="pill">Fault {stop.firstOutFaultCode}</span> : null}
      </div>
      {stop.reason ? (
        <p data-testid="confirmed-reason">
          ✓ Reason: <strong>{stop.reason.name}</strong>
          {stop.confirmedBy?.name ? ` (confirmed by ${stop.confirmedBy.name})` : ""}
        </p>
      ) : (
        <p data-testid="suggested-reason">
          Suggested reason: <strong>{stop.suggestedReason?.name ?? "none: choose one"}</strong>
        </p>
      )}
      <ReasonPicker stop={stop} canConfirm={canConfirm} />
    </article>
  );
}
