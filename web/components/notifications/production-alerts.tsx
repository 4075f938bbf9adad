"use client";
// Production alerts (a threshold crossed: OEE, speed, scrap...): the active and acknowledged ones, or
// all; a responder acknowledges one (the server checks andon:respond) and the list is read again.
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { DataTable } from "@/components/data/data-table";
import { QueryError } from "@/components/query-error";
import type { AlertStatus } from "@/lib/graphql/generated/graphql";
import { refusalMessageOf } from "@/lib/graphql/mutation-outcome";
import { AcknowledgeProductionAlertMutation, ProductionAlertsQuery } from "@/lib/graphql/notifications";
import { useSession } from "@/lib/react/stores";
import { useRefetchOnReconnect } from "@/lib/react/use-live";

const OPEN: AlertStatus[] = ["ACTIVE", "ACKNOWLEDGED"];

export function ProductionAlerts() {
  const session = useSession();
  const canAcknowledge = session.status === "signed-in" && session.session.permissions.has("andon:respond");
  const [showCleared, setShowCleared] = useState(false);
  const [result, refetch] = useQuery({
    query: ProductionAlertsQuery,
    variables: { status: showCleared ? null : OPEN },
    requestPolicy: "cache-and-network",
  });
  const again = () => refetch({ requestPolicy: "network-only" });
  useRefetchOnReconnect(again);
  const [, acknowledge] = useMutation(AcknowledgeProductionAlertMutation);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const alerts = result.data?.productionAlerts ?? [];
  return (
    <>
      <h1>Production alerts</h1>
      <label className="row" style={{ fontWeight: 400 }}>
        <input type="checkbox" checked={showCleared} onChange={(event) => setShowCleared(event.target.checked)} />
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
    </>
  );
}
