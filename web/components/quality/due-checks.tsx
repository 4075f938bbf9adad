"use client";
// Quality › Due checks: a line's checks due or in progress, the most overdue first, kept live by
// qualityCheckDue; an inspector opens one (or a plan's check by hand) and records it in the check form.
import { useMemo, useState } from "react";
import { useMutation, useQuery } from "urql";
import { LineSelect } from "@/components/line-select";
import { CheckForm } from "@/components/quality/check-form";
import { QualityTabs } from "@/components/quality/quality-tabs";
import type { QualityCheckFieldsFragment } from "@/lib/graphql/generated/graphql";
import { refusalOf } from "@/lib/graphql/mutation-outcome";
import {
  DueQualityChecksQuery,
  LineInspectionPlansQuery,
  OpenQualityCheckMutation,
  QualityCheckDueSubscription,
} from "@/lib/graphql/quality";
import { useSession } from "@/lib/react/stores";
import { useLiveEvents, useRefetchOnReconnect } from "@/lib/react/use-live";

const TRIGGERS: Record<string, string> = {
  GOOD_UNITS: "good units",
  RUN_TIME: "run time",
  FIRST_OFF: "first-off at job start",
  SHIFT: "once per shift",
  MANUAL: "opened by hand",
};

function DueCheckRow({
  check,
  selected,
  onOpen,
}: {
  check: QualityCheckFieldsFragment;
  selected: boolean;
  onOpen: () => void;
}) {
  return (
    <li
      className={`due-check${check.overdue ? " overdue" : ""}`}
      data-testid="due-check"
      data-overdue={check.overdue ? "true" : "false"}
    >
      <div>
        <strong>{check.plan?.name}</strong>
        <div className="muted">
          {TRIGGERS[check.trigger ?? ""] ?? check.trigger} · due {new Date(check.dueAt ?? "").toLocaleTimeString()}
        </div>
        <div>
          {check.overdue ? (
            <span className="pill overdue-pill">
              ⚠ Overdue since {new Date(check.overdueAt ?? "").toLocaleTimeString()}
            </span>
          ) : (
            <span className="pill">◷ {check.status === "IN_PROGRESS" ? "In progress" : "Due"}</span>
          )}
        </div>
      </div>
      <button
        type="button"
        className={selected ? "primary" : undefined}
        aria-pressed={selected}
        aria-label={`Open ${check.plan?.name}`}
        onClick={onOpen}
      >
        Open
      </button>
    </li>
  );
}

function OpenByHand({ lineId, onOpened }: { lineId: string; onOpened: (id: string) => void }) {
  const [result] = useQuery({ query: LineInspectionPlansQuery, variables: { lineId } });
  const plans = result.data?.inspectionPlans ?? [];
  const [planId, setPlanId] = useState("");
  const [refusal, setRefusal] = useState<string | null>(null);
  const [state, open] = useMutation(OpenQualityCheckMutation);
  const chosen = planId || plans[0]?.id || "";
  return (
    <form
      className="row"
      style={{ alignItems: "flex-end" }}
      onSubmit={async (event) => {
        event.preventDefault();
        setRefusal(null);
        const answer = await open({ planId: chosen, lineId });
        const outcome = refusalOf(answer.data?.openQualityCheck, answer.error);
        if (outcome) return setRefusal(outcome.message);
        const opened = answer.data?.openQualityCheck;
        if (opened?.__typename === "MutationOpenQualityCheckSuccess" && opened.data.id) onOpened(opened.data.id);
      }}
    >
      <div>
        <label htmlFor="plan-select">Open a check by hand</label>
        <select id="plan-select" value={chosen} onChange={(event) => setPlanId(event.target.value)}>
          {plans.map((plan) => (
            <option key={plan.id} value={plan.id!}>
              {plan.name}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" disabled={!chosen || state.fetching}>
        Open check
      </button>
      {refusal ? (
        <p className="error" role="alert">
          {refusal}
        </p>
      ) : null}
    </form>
  );
}

function DueChecks({ lineId }: { lineId: string }) {
  const session = useSession();
  const canPerform = session.status === "signed-in" && session.session.permissions.has("quality:perform");
  const [result, refetch] = useQuery({
    query: DueQualityChecksQuery,
    variables: { lineId },
    requestPolicy: "cache-and-network",
  });
  const again = () => refetch({ requestPolicy: "network-only" });
  const [selectedId, setSelectedId] = useState<string | null>(null);
  // A check falling due arrives whole; it joins the list without a round trip.
  const [arrived, setArrived] = useState<QualityCheckFieldsFragment[]>([]);
  // The check as the inspector's own recording left it: it stays on screen, judged, after it closed.
  const [recorded, setRecorded] = useState<QualityCheckFieldsFragment | null>(null);
  useLiveEvents(QualityCheckDueSubscription, { lineId }, (data) => {
    const check = data.qualityCheckDue;
    if (check?.id) setArrived((list) => [check, ...list.filter((item) => item.id !== check.id)]);
  });
  useRefetchOnReconnect(again);
  const checks = useMemo(() => {
    const byId = new Map<string, QualityCheckFieldsFragment>();
    for (const check of arrived) if (check.id) byId.set(check.id, check);
    // The query's answer is newer than an event it already includes.
    for (const check of result.data?.qualityChecks ?? []) if (check.id) byId.set(check.id, check);
    if (recorded?.id) byId.set(recorded.id, recorded);
    return [...byId.values()]
      .filter((check) => check.status === "DUE" || check.status === "IN_PROGRESS" || check.id === selectedId)
      .sort(
        (a, b) =>
          Number(b.overdue) - Number(a.overdue) ||
          (a.overdueAt ?? a.dueAt ?? "").localeCompare(b.overdueAt ?? b.dueAt ?? ""),
      );
  }, [arrived, result.data, recorded, selectedId]);
  const selected = checks.find((check) => check.id === selectedId) ?? null;
  return (
    <div className="grid two">
      <section className="panel" aria-labelledby="due-heading">
        <h2 id="due-heading">Due checks</h2>
        {result.error ? (
          <p className="error" role="alert">
            {refusalOf(null, result.error)?.message}
          </p>
        ) : null}
        {checks.length === 0 ? (
          <p className="muted">{result.fetching ? "Loading…" : "No check is due on this line."}</p>
        ) : null}
        <ul className="due-checks" data-testid="due-checks">
          {checks.map((check) => (
            <DueCheckRow
              key={check.id}
              check={check}
              selected={check.id === selectedId}
              onOpen={() => {
                setRecorded(null);
                setSelectedId(check.id ?? null);
              }}
            />
          ))}
        </ul>
        {canPerform ? (
          <OpenByHand
            lineId={lineId}
            onOpened={(id) => {
              setSelectedId(id);
              again();
            }}
          />
        ) : null}
      </section>
      {selected ? (
        <CheckForm
          key={selected.id}
          check={selected}
          canPerform={canPerform}
          onRecorded={(check) => {
            if (check) setRecorded(check);
            again();
          }}
        />
      ) : (
        <section className="panel">
          <p className="muted">Open a check to record it.</p>
        </section>
      )}
    </div>
  );
}

export function QualityChecks() {
  const [lineId, setLineId] = useState<string | null>(null);
  return (
    <>
      <QualityTabs />
      <div className="row spread">
        <h1>Due checks</h1>
        <LineSelect value={lineId} onChange={setLineId} />
      </div>
      {lineId ? <DueChecks key={lineId} lineId={lineId} /> : null}
    </>
  );
}
