"use client";
import { useMutation, useQuery } from "urql";
// A line's equipment: its machines and the form adding one.
import { DataTable } from "@/components/data/data-table";
import { EquipmentFields, type EquipmentForm } from "@/components/plant-admin/equipment-fields";
import { EquipmentRow } from "@/components/plant-admin/equipment-row";
import { numberOr, type PlantLine, Refusal } from "@/components/plant-admin/plant-form-parts";
import { QueryError } from "@/components/query-error";
import { CreateEquipmentMutation, PlantAdminEquipmentQuery } from "@/lib/graphql/plant-admin";
import { useMutationForm } from "@/lib/react/use-mutation-form";

export function LineEquipment({ line }: { line: PlantLine }) {
  const [result, refetch] = useQuery({
    query: PlantAdminEquipmentQuery,
    variables: { lineId: line.id! },
    requestPolicy: "cache-and-network",
  });
  const again = () => refetch({ requestPolicy: "network-only" });
  const [, create] = useMutation(CreateEquipmentMutation);
  const empty: EquipmentForm = {
    code: "",
    name: "",
    kind: "",
    speed: "",
    sequence: "",
    criticality: "MEDIUM",
    isConstraint: false,
  };
  const form = useMutationForm(
    empty,
    (values) =>
      create({
        input: {
          lineId: line.id!,
          code: values.code.trim(),
          name: values.name.trim(),
          kind: values.kind.trim(),
          targetSpeedPerMinute: Number(values.speed),
          sequence: numberOr(values.sequence),
          criticality: values.criticality,
          isConstraint: values.isConstraint,
        },
      }),
    { field: "createEquipment", resetOnApplied: true, onApplied: again },
  );
  const equipment = (result.data?.allEquipment?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  return (
    <section className="panel" aria-labelledby="equipment-heading">
      <h2 id="equipment-heading">Equipment of {line.name}</h2>
      <QueryError error={result.error} />
      <DataTable
        testId="plant-equipment-table"
        rows={equipment}
        rowKey={(item) => item.id!}
        loading={result.fetching}
        empty="No equipment on this line yet."
        columns={[
          { header: "Equipment" },
          { header: "Settings" },
          { header: "Status" },
          { header: <span className="visually-hidden">Actions</span> },
        ]}
        renderRow={(item) => (
          <EquipmentRow
            key={`${item.id}-${item.active}-${item.name}-${item.isConstraint}`}
            item={item}
            onChanged={again}
          />
        )}
      />
      <form aria-labelledby="new-equipment-heading" onSubmit={form.submit}>
        <h3 id="new-equipment-heading">New equipment on {line.name}</h3>
        <EquipmentFields prefix="new-equipment" form={form.values} onChange={form.setValues} withCode />
        <div className="row">
          <button type="submit" className="primary" disabled={form.busy}>
            Add equipment
          </button>
        </div>
        <Refusal text={form.error} testId="new-equipment-refusal" />
      </form>
    </section>
  );
}
