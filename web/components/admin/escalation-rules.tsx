"use client";
// Admin > Escalation rules: which andons escalate, how fast and to which levels; switched on and off.
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { AdminTabs } from "@/components/admin/admin-tabs";
import { DataTable } from "@/components/data/data-table";
import { formatDuration } from "@/components/live-state-badge";
import { QueryError } from "@/components/query-error";
import { EscalationRulesQuery, SetEscalationRuleActiveMutation } from "@/lib/graphql/maintenance";
import { refusalOf } from "@/lib/graphql/mutation-outcome";

export function EscalationRules() {
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
      <DataTable
        panel
        testId="escalation-rules"
        rows={rules}
        rowKey={(rule) => rule.id!}
        rowProps={() => ({ "data-testid": "escalation-rule" })}
        loading={result.fetching}
        empty="No escalation rules."
        columns={[
          { header: "Rule", cell: (rule) => rule.name },
          {
            header: "Applies to",
            cell: (rule) => (
              <>
                {rule.priority ?? "any priority"} · {rule.andonType ?? "any type"} · {rule.line?.name ?? "every line"}
              </>
            ),
          },
          { header: "Acknowledge within", cell: (rule) => formatDuration(rule.acknowledgeTimeoutSeconds ?? 0) },
          {
            header: "Levels",
            cell: (rule) =>
              (rule.levels ?? [])
                .map((level) => `${level.level}: ${level.kind} after ${formatDuration(level.delaySeconds ?? 0)}`)
                .join("; "),
          },
          {
            header: "State",
            cell: (rule) => (
              <>
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
              </>
            ),
          },
        ]}
      />
    </>
  );
}
