"use client";
// A work order made by hand (maintenance andons get theirs when raised): the equipment, what kind of
// work, its priority, title and tasks, and optionally the technician it goes to straight away.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useClient, useMutation, useQuery } from "urql";
import { QueryError } from "@/components/query-error";
import type { AndonPriority, MaintenanceType } from "@/lib/graphql/generated/graphql";
import {
  AssignMaintenanceWorkOrderMutation,
  CreateMaintenanceWorkOrderMutation,
  MaintenanceEquipmentQuery,
  TechniciansQuery,
} from "@/lib/graphql/maintenance";
import { refusalOf } from "@/lib/graphql/mutation-outcome";

const TYPES: MaintenanceType[] = ["CORRECTIVE", "PREVENTIVE", "PREDICTIVE", "INSPECTION"];
const PRIORITIES: AndonPriority[] = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];

export function NewWorkOrder() {
  const router = useRouter();
  const client = useClient();
  const [equipment] = useQuery({ query: MaintenanceEquipmentQuery });
  const [technicians] = useQuery({ query: TechniciansQuery });
  const [, create] = useMutation(CreateMaintenanceWorkOrderMutation);
  const [values, setValues] = useState({
    lineId: "",
    equipmentId: "",
    type: "CORRECTIVE" as MaintenanceType,
    priority: "MEDIUM" as AndonPriority,
    title: "",
    description: "",
    tasks: "",
    assigneeId: "",
  });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof values) => (event: { target: { value: string } }) =>
    setValues((current) => ({
      ...current,
      [key]: event.target.value,
      ...(key === "lineId" ? { equipmentId: "" } : {}),
    }));
  const lines = (equipment.data?.lines?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  const machines = lines.find((line) => line.id === values.lineId)?.equipment ?? [];
  const people = (technicians.data?.users?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));

  return (
    <form
      className="panel grid"
      data-testid="new-work-order"
      onSubmit={async (event) => {
        event.preventDefault();
        if (busy) return;
        setBusy(true);
        setError(null);
        try {
          const created = await create({
            input: {
              equipmentId: values.equipmentId,
              type: values.type,
              priority: values.priority,
              title: values.title,
              description: values.description || null,
              tasks: values.tasks
                .split("\n")
                .map((line) => line.trim())
                .filter(Boolean),
            },
          });
          const payload = created.data?.createMaintenanceWorkOrder;
          const refusal = refusalOf(payload, created.error);
          if (refusal || payload?.__typename !== "MutationCreateMaintenanceWorkOrderSuccess") {
            return setError(refusal?.message ?? "Not saved.");
          }
          const workOrderId = payload.data.id!;
          if (values.assigneeId) {
            // Made either way: a refused assignment is said on the order's own screen, where it can be retried.
            const assigned = await client
              .mutation(AssignMaintenanceWorkOrderMutation, { workOrderId, assigneeId: values.assigneeId })
              .toPromise();
            const assignRefusal = refusalOf(assigned.data?.assignMaintenanceWorkOrder, assigned.error);
            if (assignRefusal) {
              setError(`Created ${payload.data.number}, but not assigned: ${assignRefusal.message}`);
              return;
            }
          }
          router.push(`/maintenance/${workOrderId}`);
        } finally {
          setBusy(false);
        }
      }}
    >
      <h1>New maintenance work order</h1>
      <QueryError error={equipment.error} />
      <div>
        <label htmlFor="mwo-line">Line</label>
        <select id="mwo-line" required value={values.lineId} onChange={set("lineId")}>
          <option value="">Choose…</option>
          {lines.map((line) => (
            <option key={line.id} value={line.id ?? ""}>
              {line.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="mwo-equipment">Equipment</label>
        <select id="mwo-equipment" required value={values.equipmentId} onChange={set("equipmentId")}>
          <option value="">Choose…</option>
          {machines.map((machine) => (
            <option key={machine.id} value={machine.id ?? ""}>
              {machine.name}
            </option>
          ))}
        </select>
      </div>
      <div className="row" style={{ flexWrap: "wrap" }}>
        <div>
          <label htmlFor="mwo-type">Type</label>
          <select id="mwo-type" value={values.type} onChange={set("type")}>
            {TYPES.map((type) => (
              <option key={type} value={type}>
                {type.toLowerCase()}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="mwo-priority">Priority</label>
          <select id="mwo-priority" value={values.priority} onChange={set("priority")}>
            {PRIORITIES.map((priority) => (
              <option key={priority} value={priority}>
                {priority.toLowerCase()}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div>
        <label htmlFor="mwo-title">Title</label>
        <input id="mwo-title" required value={values.title} onChange={set("title")} />
      </div>
      <div>
        <label htmlFor="mwo-description">Description (optional)</label>
        <textarea
          id="mwo-description"
          rows={2}
          style={{ width: "100%" }}
          value={values.description}
          onChange={set("description")}
        />
      </div>
      <div>
        <label htmlFor="mwo-tasks">Tasks, one a line (optional)</label>
        <textarea id="mwo-tasks" rows={4} style={{ width: "100%" }} value={values.tasks} onChange={set("tasks")} />
      </div>
      {technicians.error ? (
        <p className="muted">Your role cannot list people: assign the order to a technician later.</p>
      ) : (
        <div>
          <label htmlFor="mwo-new-assignee">Technician (optional)</label>
          <select id="mwo-new-assignee" value={values.assigneeId} onChange={set("assigneeId")}>
            <option value="">Assign later</option>
            {people.map((person) => (
              <option key={person.id} value={person.id ?? ""}>
                {person.name} ({person.employeeId})
              </option>
            ))}
          </select>
        </div>
      )}
      {error ? (
        <p className="error" role="alert" data-testid="new-work-order-refusal">
          {error}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          Create work order
        </button>
      </div>
    </form>
  );
}
