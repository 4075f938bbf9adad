"use client";
// Admin > Escalation rules: which andons escalate, how fast and to which levels; switched on and off.
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { AdminTabs } from "@/components/admin/admin-tabs";
import { AppShell } from "@/components/app-shell";
import { formatDuration } from "@/components/live-state-badge";
import { QueryError } from "@/components/query-error";
import { EscalationRulesQuery, SetEscalationRuleActiveMutation } from "@/lib/graphql/maintenance";
import { refusalOf } from "@/lib/graphql/mutation-outcome";

function EscalationRules() {
  const [result, refetch] = useQuery({ query: EscalationRulesQuery, requestPolicy: "cache-and-network" });
  const [state, setActive] = useMutation(SetEscalationRuleActiveMutation);
  const [error, setError] = useState<string | null>(null);
  const rules = result.data?.escalationRules ?? [];
  return (
    <>
      <AdminTabs />
      <h1>Escalation rules</h1>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      <QueryError error={result.error} />
      <div className="panel" style={{ overflowX: "auto" }}>
        <table data-testid="escalation-rules">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Applies to</th>
              <th scope="col">Acknowledge within</th>
              <th scope="col">Levels</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {rules.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  {result.fetching ? "Loading…" : "No escalation rules."}
                </td>
              </tr>
            ) : null}
            {rules.map((rule) => (
              <tr key={rule.id} data-testid="escalation-rule">
                <td>{rule.name}</td>
                <td>
                  {rule.priority ?? "any priority"} · {rule.andonType ?? "any type"} · {rule.line?.name ?? "every line"}
                </td>
                <td>{formatDuration(rule.acknowledgeTimeoutSeconds ?? 0)}</td>
                <td>
                  {(rule.levels ?? [])
                    .map((level) => `${level.level}: ${level.kind} after ${formatDuration(level.delaySeconds ?? 0)}`)
                    .join("; ")}
                </td>
                <td>
                  <span>{rule.active ? "● Active" : "○ Off"}</span>{" "}
                  <button
                    type="button"
                    disabled={state.fetching}
                    aria-label={`${rule.active ? "Deactivate" : "Activate"} ${rule.name}`}
                    onClick={async () => {
                      setError(null);
                      const answer = await setActive({ id: rule.id!, active: !rule.active });
                      const refusal = refusalOf(answer.data?.setEscalationRuleActive, answer.error);
                      if (refusal) setError(refusal.message);
                      refetch({ requestPolicy: "network-only" });
                    }}
                  >
                    {rule.active ? "Deactivate" : "Activate"}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export default function EscalationPage() {
  return (
    <AppShell screen="escalation">
      <EscalationRules />
    </AppShell>
  );
}
