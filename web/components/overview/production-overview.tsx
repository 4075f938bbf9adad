"use client";
// Managers' production overview: every line live, with its stops of the last hours and their reasons.
import Link from "next/link";
import { useMemo } from "react";
import { useQuery } from "urql";
import { formatDuration, LiveStateBadge } from "@/components/live-state-badge";
import { type PlantLine, useLivePlant } from "@/components/plant-live";
import { DowntimeEventsQuery, DowntimeStartedSubscription, DowntimeUpdatedSubscription } from "@/lib/graphql/downtime";
import { useLiveEvents, useRefetchOnReconnect } from "@/lib/react/use-live";

function LineStops({ line }: { line: PlantLine }) {
  const variables = useMemo(() => {
    const now = Date.now();
    return {
      lineId: line.id!,
      from: new Date(now - 8 * 3_600_000).toISOString(),
      to: new Date(now + 86_400_000).toISOString(),
    };
  }, [line.id]);
  const [result, refetch] = useQuery({ query: DowntimeEventsQuery, variables, requestPolicy: "cache-and-network" });
  const live = useMemo(() => ({ lineId: line.id! }), [line.id]);
  const again = () => refetch({ requestPolicy: "network-only" });
  useLiveEvents(DowntimeStartedSubscription, live, again);
  useLiveEvents(DowntimeUpdatedSubscription, live, again);
  useRefetchOnReconnect(again);
  const stops = [...(result.data?.downtimeEvents ?? [])]
    .filter((stop) => !stop.isMicroStop)
    .reverse()
    .slice(0, 4);
  return (
    <ul style={{ listStyle: "none", padding: 0 }} aria-label={`Recent stops of ${line.name}`}>
      {stops.length === 0 ? <li className="muted">No stops in the last 8 hours.</li> : null}
      {stops.map((stop) => (
        <li key={stop.id} data-testid="overview-stop" style={{ padding: "4px 0" }}>
          {stop.endedAt ? "" : "● now: "}
          {stop.equipment?.name} · {formatDuration(stop.durationSeconds ?? 0)} ·{" "}
          {stop.reason ? (
            <strong>
              {stop.reason.name} ✓{stop.confirmedBy?.name ? ` by ${stop.confirmedBy.name}` : ""}
            </strong>
          ) : (
            <span className="muted">suggested: {stop.suggestedReason?.name ?? "none"}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

export function Overview() {
  const { lines, feeds, fetching, error } = useLivePlant();
  return (
    <>
      {feeds}
      <h1>Production overview</h1>
      {fetching ? <p aria-busy="true">Loading lines…</p> : null}
      {error ? (
        <p className="error" role="alert">
          {error.graphQLErrors[0]?.message ?? "Could not load the lines."}
        </p>
      ) : null}
      <div className="grid two">
        {lines.map((line) => (
          <section key={line.id} className="panel" data-testid="overview-line">
            <div className="row spread">
              <h2>
                <Link href={`/lines/${line.id}`}>{line.name}</Link>
              </h2>
              <LiveStateBadge state={line.liveState?.state} label={line.name ?? "Line"} />
            </div>
            <p className="muted">
              {(line.equipment ?? []).filter((item) => item.liveState?.state === "RUNNING").length} of{" "}
              {(line.equipment ?? []).length} machines running
            </p>
            <LineStops line={line} />
          </section>
        ))}
      </div>
    </>
  );
}
