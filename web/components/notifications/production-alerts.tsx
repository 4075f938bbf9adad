"use client";
// Production alerts (a threshold crossed: OEE, speed, scrap...): the active and acknowledged ones, or
// all, newest first a page at a time (the Relay connection); a responder acknowledges one (the server
// checks andon:respond) and the page is read again.
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { DataTable } from "@/components/data/data-table";
import { Pager } from "@/components/pager";
import { QueryError } from "@/components/query-error";
import type { AlertStatus } from "@/lib/graphql/generated/graphql";
import { refusalMessageOf } from "@/lib/graphql/mutation-outcome";
import { AcknowledgeProductionAlertMutation, ProductionAlertsQuery } from "@/lib/graphql/notifications";
import { useSession } from "@/lib/react/stores";
import { useRefetchOnReconnect } from "@/lib/react/use-live";

const OPEN: AlertStatus[] = ["ACTIVE", "ACKNOWLEDGED"];
// Named, not null: the connection reads no status as the uncleared ones only.
const ALL: AlertStatus[] = ["ACTIVE", "ACKNOWLEDGED", "CLEARED"];
const PAGE_SIZE = 50;

export function ProductionAlerts() {
  const session = useSession();
  const canAcknowledge = session.status === "signed-in" && session.session.permissions.has("andon:respond");
  const [showCleared, setShowCleared] = useState(false);
  const [after, setAfter] = useState<string | null>(null);
  const [result, refetch] = useQuery({
    query: ProductionAlertsQuery,
    variables: { status: showCleared ? ALL : OPEN, first: PAGE_SIZE, after },
    requestPolicy: "cache-and-network",
  });
  const again = () => refetch({ requestPolicy: "network-only" });
  useRefetchOnReconnect(again);
  const [, acknowledge] = useMutation(AcknowledgeProductionAlertMutation);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const connection = result.data?.productionAlertsConnection;
  const alerts = connection?.edges?.flatMap((edge) => (edge?.node ? [edge.node] : [])) ?? [];
  return (
    <>
      <h1>Production alerts</h1>
      <label className="row" style={{ fontWeight: 400 }}>
        <input
          type="checkbox"
          checked={showCleared}
          onChange={(event) => {
            setShowCleared(event.target.checked);
            setAfter(null);
          }}
        />
        Include cleared alerts
      </label>
      {error ? (
        <p className="error" role="alert" data-testid="alert-refusal">
          {error}
        </p>
      ) : null}
      <QueryError error={result.error} />
      <DataTable
        panel
        testId="production-alerts"
        rows={alerts}
        rowKey={(alert) => alert.id ?? ""}
        rowProps={(alert) => ({ "data-testid": "production-alert", "data-status": alert.status ?? undefined })}
        loading={result.fetching}
        empty="No production alerts."
        columns={[
          {
            header: "Alert",
            cell: (alert) => (
              <>
                <strong>{alert.message ?? alert.kind}</strong>
                <div className="muted">
                  {alert.line?.name}
                  {alert.equipment ? ` · ${alert.equipment.name}` : ""} · observed {alert.observedValue ?? "–"} against{" "}
                  {alert.threshold ?? "–"}
                </div>
              </>
            ),
          },
          { header: "Raised", cell: (alert) => (alert.raisedAt ? new Date(alert.raisedAt).toLocaleString() : "") },
          { header: "Status", cell: (alert) => alert.status },
          {
            header: <span className="visually-hidden">Actions</span>,
            cell: (alert) =>
              canAcknowledge && alert.status === "ACTIVE" ? (
                <button
                  type="button"
                  className="primary"
                  disabled={busy === alert.id}
                  onClick={async () => {
                    setBusy(alert.id ?? null);
                    setError(null);
                    const refusal = await refusalMessageOf(
                      () => acknowledge({ alertId: alert.id! }),
                      "acknowledgeProductionAlert",
                    );
                    setBusy(null);
                    if (refusal) setError(refusal);
                    again();
                  }}
                >
                  Acknowledge
                </button>
              ) : null,
          },
        ]}
      />
      <Pager after={after} pageInfo={connection?.pageInfo} onPage={setAfter} />
    </>
  );
}
