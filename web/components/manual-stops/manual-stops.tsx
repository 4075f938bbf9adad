"use client";
// Stops of machines without a PLC, entered by hand: the machine, when it stopped, when it ran again
// (or "still stopped", ended later from the list), and why. The server refuses a stop overlapping
// another of the same machine and says which; entered stops count in the machine's OEE.
import { type FormEvent, useCallback, useMemo, useState } from "react";
import { useMutation, useQuery } from "urql";
import { DataTable } from "@/components/data/data-table";
import { LineSelect } from "@/components/line-select";
import { QueryError } from "@/components/query-error";
import { EndManualStopMutation, ManualStopsQuery, RecordManualStopMutation } from "@/lib/graphql/downtime";
import { refusalOf } from "@/lib/graphql/mutation-outcome";
import { ReasonCodesQuery } from "@/lib/graphql/plant";

const DAY_MS = 86_400_000;

type ReasonNode = { id?: string | null; name?: string | null; children?: ReasonNode[] | null };

/** The reasons a stop can be given: the leaves of the tree, named with their parents. */
function leavesOf(nodes: readonly ReasonNode[], path: string[] = []): { id: string; name: string }[] {
  return nodes.flatMap((node) => {
    const names = [...path, node.name ?? ""];
    return node.children?.length
      ? leavesOf(node.children, names)
      : node.id
        ? [{ id: node.id, name: names.join(" › ") }]
        : [];
  });
}

/** A datetime-local value (the tablet's own time zone) as an instant. */
function instantOf(local: string): string | null {
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

const when = (iso?: string | null) => (iso ? new Date(iso).toLocaleString() : "");

export function ManualStops() {
  const [lineId, setLineId] = useState<string | null>(null);
  const [askedAt, setAskedAt] = useState(() => Date.now());
  const variables = useMemo(
    () => ({
      lineId: lineId ?? "",
      from: new Date(askedAt - DAY_MS).toISOString(),
      to: new Date(askedAt + DAY_MS).toISOString(),
    }),
    [lineId, askedAt],
  );
  const [result] = useQuery({ query: ManualStopsQuery, variables, pause: !lineId, requestPolicy: "network-only" });
  const [reasons] = useQuery({ query: ReasonCodesQuery });
  const [, record] = useMutation(RecordManualStopMutation);
  const [, end] = useMutation(EndManualStopMutation);
  const again = useCallback(() => setAskedAt(Date.now()), []);
  const [values, setValues] = useState({ equipmentId: "", startedAt: "", endedAt: "", reasonCodeId: "", note: "" });
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const manual = (result.data?.line?.equipment ?? []).filter((machine) => machine.readFromPlc === false);
  const manualIds = new Set(manual.flatMap((machine) => (machine.id ? [machine.id] : [])));
  const stops = (result.data?.downtimeEvents ?? [])
    .filter((stop) => manualIds.has(stop.equipment?.id ?? ""))
    .sort((a, b) => (b.startedAt ?? "").localeCompare(a.startedAt ?? ""));
  const leaves = leavesOf(reasons.data?.reasonCodes ?? []);
  const set = (key: keyof typeof values) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [key]: event.target.value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(null);
    const startedAt = instantOf(values.startedAt);
    const endedAt = values.endedAt ? instantOf(values.endedAt) : null;
    if (!startedAt) return setError("Enter when the machine stopped.");
    if (values.endedAt && !endedAt) return setError("Enter when it ran again, or leave it empty while it is stopped.");
    setBusy(true);
    const answer = await record({
      input: {
        equipmentId: values.equipmentId,
        startedAt,
        endedAt,
        reasonCodeId: values.reasonCodeId,
        note: values.note.trim() || null,
      },
    }).finally(() => setBusy(false));
    const payload = answer.data?.recordManualStop;
    if (payload?.__typename === "ManualStopOverlaps") {
      const until = payload.overlappingEndedAt ? `to ${when(payload.overlappingEndedAt)}` : "still open";
      return setError(
        `Not recorded: it overlaps the stop of this machine from ${when(payload.overlappingStartedAt)} ${until}. Change the times.`,
      );
    }
    const refusal = refusalOf(payload, answer.error);
    if (refusal) return setError(refusal.message);
    setSaved(endedAt ? "Stop recorded." : "Stop recorded: end it below when the machine runs again.");
    setValues((current) => ({ ...current, startedAt: "", endedAt: "", note: "" }));
    again();
  };

  return (
    <div className="grid">
      <h1>Stops entered by hand</h1>
      <p className="muted">For machines without a PLC. Stops of machines read from a PLC are recorded by it.</p>
      <LineSelect value={lineId} onChange={setLineId} />
      <QueryError error={result.error ?? reasons.error} />
      {result.data && manual.length === 0 ? (
        <p data-testid="no-manual-equipment">Every machine on this line is read from a PLC.</p>
      ) : null}
      {manual.length > 0 ? (
        <form className="panel grid" onSubmit={submit} data-testid="manual-stop-form">
          <h2>New stop</h2>
          <div>
            <label htmlFor="stop-equipment">Machine</label>
            <select id="stop-equipment" required value={values.equipmentId} onChange={set("equipmentId")}>
              <option value="">Choose…</option>
              {manual.map((machine) => (
                <option key={machine.id} value={machine.id ?? ""}>
                  {machine.name}
                </option>
              ))}
            </select>
          </div>
          <div className="row" style={{ flexWrap: "wrap" }}>
            <div>
              <label htmlFor="stop-start">Stopped at</label>
              <input
                id="stop-start"
                type="datetime-local"
                required
                value={values.startedAt}
                onChange={set("startedAt")}
              />
            </div>
            <div>
              <label htmlFor="stop-end">Ran again at (empty while stopped)</label>
              <input id="stop-end" type="datetime-local" value={values.endedAt} onChange={set("endedAt")} />
            </div>
          </div>
          <div>
            <label htmlFor="stop-reason">Reason</label>
            <select id="stop-reason" required value={values.reasonCodeId} onChange={set("reasonCodeId")}>
              <option value="">Choose…</option>
              {leaves.map((reason) => (
                <option key={reason.id} value={reason.id}>
                  {reason.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="stop-note">Note (optional)</label>
            <input id="stop-note" value={values.note} onChange={set("note")} />
          </div>
          {error ? (
            <p className="error" role="alert" data-testid="manual-stop-refusal">
              {error}
            </p>
          ) : null}
          {saved ? (
            <p role="status" data-testid="manual-stop-saved">
              {saved}
            </p>
          ) : null}
          <div className="row">
            <button type="submit" className="primary" disabled={busy}>
              Record stop
            </button>
          </div>
        </form>
      ) : null}
      <section className="panel" aria-labelledby="manual-stops-heading">
        <h2 id="manual-stops-heading">Stops of these machines, last 24 hours</h2>
        <DataTable
          testId="manual-stops"
          rows={stops}
          rowKey={(stop) => stop.id!}
          rowProps={(stop) => ({
            "data-testid": "manual-stop",
            "data-open": stop.endedAt ? "false" : "true",
          })}
          loading={result.fetching}
          empty="No stops."
          columns={[
            { header: "Machine", cell: (stop) => stop.equipment?.name },
            { header: "Stopped", cell: (stop) => when(stop.startedAt) },
            { header: "Ran again", cell: (stop) => (stop.endedAt ? when(stop.endedAt) : "still stopped") },
            {
              header: "Reason",
              cell: (stop) => (
                <>
                  {stop.reason?.name}
                  {stop.note ? <div className="muted">{stop.note}</div> : null}
                </>
              ),
            },
            {
              header: <span className="visually-hidden">Actions</span>,
              cell: (stop) =>
                !stop.endedAt && stop.source !== "PLC" ? (
                  <button
                    type="button"
                    onClick={async () => {
                      setError(null);
                      const answer = await end({ downtimeEventId: stop.id!, endedAt: new Date().toISOString() });
                      const refusal = refusalOf(answer.data?.endManualStop, answer.error);
                      if (refusal) setError(refusal.message);
                      again();
                    }}
                  >
                    Ended now<span className="visually-hidden">: {stop.equipment?.name}</span>
                  </button>
                ) : null,
            },
          ]}
        />
      </section>
    </div>
  );
}
