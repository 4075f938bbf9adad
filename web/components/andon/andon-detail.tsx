"use client";
// One andon from raise to close: what it is and where, its status and escalation, the steps that
// finish it (by status and permission), its photos and its history, read again after every step and
// whenever the andon changes live.
import Link from "next/link";
import { useMemo } from "react";
import { useQuery } from "urql";
import { AndonActions } from "@/components/andon/andon-actions";
import { AndonPhotos } from "@/components/andon/andon-photos";
import { DataTable } from "@/components/data/data-table";
import { QueryError } from "@/components/query-error";
import { AndonUpdatedSubscription } from "@/lib/graphql/andon";
import { AndonDetailQuery } from "@/lib/graphql/andon-workflow";
import { useSession } from "@/lib/react/stores";
import { useLiveEvents, useRefetchOnReconnect } from "@/lib/react/use-live";

const STATUS_WORD: Record<string, string> = {
  OPEN: "Open",
  ACKNOWLEDGED: "Acknowledged",
  IN_PROGRESS: "Being worked on",
  RESOLVED: "Resolved",
  CLOSED: "Closed",
};

function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : "—";
}

export function AndonDetail({ andonId }: { andonId: string }) {
  const session = useSession();
  const permissions = session.status === "signed-in" ? session.session.permissions : new Set<string>();
  const [result, refetch] = useQuery({
    query: AndonDetailQuery,
    variables: { id: andonId },
    requestPolicy: "network-only",
  });
  const again = () => refetch({ requestPolicy: "network-only" });
  useRefetchOnReconnect(again);
  const lineVariables = useMemo(() => ({ lineId: result.data?.andonEvent?.line?.id ?? null }), [result.data]);
  useLiveEvents(AndonUpdatedSubscription, lineVariables, (data) => {
    if (data.andonUpdated?.id === andonId) again();
  });
  const andon = result.data?.andonEvent;
  if (!andon) {
    return (
      <>
        <QueryError error={result.error} />
        <p className="muted">{result.fetching ? "Loading…" : "No such andon."}</p>
      </>
    );
  }
  const escalation = andon.escalations?.find((item) => item.status === "ACTIVE");
  const status = andon.status ?? "OPEN";
  return (
    <div className="grid">
      <div className="row spread">
        <h1>
          {andon.type?.toLowerCase()} andon · {andon.line?.name}
          {andon.equipment ? ` · ${andon.equipment.name}` : ""}
        </h1>
        <Link className="button" href="/andon">
          Andon board
        </Link>
      </div>
      <QueryError error={result.error} />
      <section
        className="panel"
        aria-labelledby="andon-summary-heading"
        data-testid="andon-detail"
        data-andon-status={status}
      >
        <h2 id="andon-summary-heading">
          <span className="pill" data-testid="andon-status">
            {STATUS_WORD[status] ?? status}
          </span>{" "}
          {andon.priority?.toLowerCase()} priority
        </h2>
        <dl>
          <dt>Raised</dt>
          <dd>
            {when(andon.raisedAt)} · {andon.source === "PLC" ? `by PLC fault ${andon.faultCode ?? ""}` : "by hand"}
            {andon.note ? ` · “${andon.note}”` : ""}
          </dd>
          <dt>Acknowledged / started</dt>
          <dd>
            {when(andon.acknowledgedAt)} / {when(andon.startedAt)}
          </dd>
          {andon.rootCause ? (
            <>
              <dt>Root cause</dt>
              <dd data-testid="andon-root-cause">
                {andon.rootCause}
                {andon.resolutionNote ? ` · ${andon.resolutionNote}` : ""} ({when(andon.resolvedAt)})
              </dd>
            </>
          ) : null}
          {andon.closedAt ? (
            <>
              <dt>Closed</dt>
              <dd>{when(andon.closedAt)}</dd>
            </>
          ) : null}
          {andon.reopenCount ? (
            <>
              <dt>Reopened</dt>
              <dd>{andon.reopenCount}×</dd>
            </>
          ) : null}
          <dt>Escalation</dt>
          <dd data-testid="andon-detail-escalation">
            {escalation
              ? `${escalation.kind === "ACKNOWLEDGE" ? "until acknowledged" : "until resolved"}: level ${escalation.currentLevel ?? 0}${
                  escalation.nextDueAt ? `, next at ${new Date(escalation.nextDueAt).toLocaleTimeString()}` : ""
                }`
              : "none running"}
          </dd>
        </dl>
      </section>
      <AndonActions
        andonId={andonId}
        status={status}
        canRespond={permissions.has("andon:respond")}
        canEscalate={permissions.has("escalation:trigger")}
        onChanged={again}
      />
      <AndonPhotos
        andonId={andonId}
        photos={andon.photos ?? []}
        canAttach={permissions.has("andon:raise") && status !== "CLOSED"}
        onChanged={again}
      />
      <section className="panel" aria-labelledby="andon-history-heading">
        <h2 id="andon-history-heading">History</h2>
        <DataTable
          testId="andon-history"
          rows={andon.history ?? []}
          rowKey={(entry) => entry.id ?? ""}
          rowProps={(entry) => ({
            "data-testid": "andon-history-entry",
            "data-to-status": entry.toStatus ?? undefined,
          })}
          empty="No steps yet."
          columns={[
            { header: "When", cell: (entry) => when(entry.at) },
            {
              header: "Step",
              cell: (entry) =>
                `${entry.fromStatus ? `${STATUS_WORD[entry.fromStatus] ?? entry.fromStatus} → ` : ""}${
                  STATUS_WORD[entry.toStatus ?? ""] ?? entry.toStatus
                }`,
            },
            {
              header: "By",
              cell: (entry) => (entry.actorId ? <code>{entry.actorId.slice(0, 8)}</code> : "the system"),
            },
            { header: "Note", cell: (entry) => entry.note ?? "" },
          ]}
        />
      </section>
    </div>
  );
}
