"use client";
// Giving an operator a job on a line and machine, one idempotency key per attempt. When the job
// breaks a job rule (certification, shift, conflicts) the manager sees each broken rule and may
// assign anyway with a reason, which the server audits.
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { AssignJobMutation, OperatorsQuery } from "@/lib/graphql/manager";
import { refusalOf } from "@/lib/graphql/mutation-outcome";
import { LineEquipmentQuery } from "@/lib/graphql/plant";

export function AssignJob({ lineId, onAssigned }: { lineId: string; onAssigned: () => void }) {
  const [operators] = useQuery({ query: OperatorsQuery });
  const [equipment] = useQuery({ query: LineEquipmentQuery, variables: { lineId } });
  const [state, assign] = useMutation(AssignJobMutation);
  const [title, setTitle] = useState("");
  const [assigneeId, setAssigneeId] = useState("");
  const [equipmentId, setEquipmentId] = useState("");
  const [planned, setPlanned] = useState("");
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [brokenRules, setBrokenRules] = useState<string[]>([]);
  const [overrideReason, setOverrideReason] = useState("");
  // One key per attempt the server has not answered yet: a double tap or a resend after a lost
  // answer makes one job; any answer from the server starts a fresh key.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const people = (operators.data?.users?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  return (
    <form
      className="panel"
      aria-labelledby="assign-heading"
      onSubmit={async (event) => {
        event.preventDefault();
        setMessage(null);
        const quantity = planned === "" ? null : Number(planned);
        if (quantity !== null && (!Number.isInteger(quantity) || quantity <= 0))
          return setMessage({ error: true, text: "Planned quantity must be a whole number above 0." });
        const result = await assign({
          input: {
            title,
            lineId,
            assigneeId,
            equipmentId: equipmentId || null,
            plannedQuantity: quantity,
            idempotencyKey,
            overrideReason: brokenRules.length > 0 && overrideReason.trim() ? overrideReason : null,
          },
        });
        const payload = result.data?.assignJob;
        const refusal = refusalOf(payload, result.error);
        if (refusal?.code !== "NETWORK") setIdempotencyKey(crypto.randomUUID());
        if (payload?.__typename === "JobRuleBroken") {
          setBrokenRules((payload.breaches ?? []).map((breach) => breach.message ?? ""));
          return setMessage({
            error: true,
            text: "The job breaks the rules below; assign anyway with a reason, or change it.",
          });
        }
        setBrokenRules([]);
        setOverrideReason("");
        if (refusal) return setMessage({ error: true, text: refusal.message });
        const who = people.find((person) => person.id === assigneeId)?.name ?? "the operator";
        setMessage({ error: false, text: `Assigned to ${who}.` });
        setTitle("");
        setPlanned("");
        onAssigned();
      }}
    >
      <h2 id="assign-heading">Assign a job</h2>
      <div className="grid two">
        <div>
          <label htmlFor="job-title">Job</label>
          <input
            id="job-title"
            required
            maxLength={200}
            value={title}
            onChange={(event) => setTitle(event.target.value)}
          />
        </div>
        <div>
          <label htmlFor="job-operator">Operator</label>
          <select
            id="job-operator"
            required
            value={assigneeId}
            onChange={(event) => {
              // An override answers the rules one job broke, not the next one's.
              setBrokenRules([]);
              setAssigneeId(event.target.value);
            }}
          >
            <option value="" disabled>
              {operators.fetching ? "Loading…" : "Choose an operator…"}
            </option>
            {people.map((person) => (
              <option key={person.id} value={person.id!}>
                {person.name} ({person.employeeId})
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="job-equipment">Equipment</label>
          <select
            id="job-equipment"
            value={equipmentId}
            onChange={(event) => {
              setBrokenRules([]);
              setEquipmentId(event.target.value);
            }}
          >
            <option value="">The whole line</option>
            {(equipment.data?.line?.equipment ?? []).map((item) => (
              <option key={item.id} value={item.id!}>
                {item.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="job-planned">Planned quantity</label>
          <input
            id="job-planned"
            inputMode="numeric"
            value={planned}
            onChange={(event) => setPlanned(event.target.value)}
          />
        </div>
      </div>
      {brokenRules.length > 0 ? (
        <div data-testid="job-rule-breaches">
          <ul>
            {brokenRules.map((text) => (
              <li key={text}>{text}</li>
            ))}
          </ul>
          <label htmlFor="job-override">Reason to assign anyway (audited)</label>
          <input
            id="job-override"
            maxLength={500}
            value={overrideReason}
            onChange={(event) => setOverrideReason(event.target.value)}
          />
        </div>
      ) : null}
      <div className="row">
        <button type="submit" className="primary" disabled={state.fetching}>
          {brokenRules.length > 0 && overrideReason.trim() ? "Assign anyway" : "Assign job"}
        </button>
        {message ? (
          <span
            className={message.error ? "error" : undefined}
            role={message.error ? "alert" : "status"}
            data-testid="assign-outcome"
          >
            {message.text}
          </span>
        ) : null}
      </div>
    </form>
  );
}
