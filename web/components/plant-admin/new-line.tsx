"use client";
// Admin > Lines and equipment: the form adding a line to an area.
import { useMutation } from "urql";
import { type Area, AreaSelect, numberOr, Refusal } from "@/components/plant-admin/plant-form-parts";
import { CreateLineMutation } from "@/lib/graphql/plant-admin";
import { useMutationForm } from "@/lib/react/use-mutation-form";

export function NewLine({ areas, onCreated }: { areas: Area[]; onCreated: () => void }) {
  const [, create] = useMutation(CreateLineMutation);
  const form = useMutationForm(
    { areaId: "", code: "", name: "", microStop: "", oeeTarget: "" },
    (values) =>
      create({
        input: {
          areaId: values.areaId,
          code: values.code.trim(),
          name: values.name.trim(),
          microStopThresholdSeconds: numberOr(values.microStop),
          oeeTarget: numberOr(values.oeeTarget),
        },
      }),
    { field: "createLine", resetOnApplied: true, onApplied: onCreated },
  );
  return (
    <form className="panel" aria-labelledby="new-line-heading" onSubmit={form.submit}>
      <h2 id="new-line-heading">New line</h2>
      <div className="grid two">
        <div>
          <label htmlFor="new-line-area">Area</label>
          <AreaSelect
            id="new-line-area"
            areas={areas}
            value={form.values.areaId}
            onChange={(areaId) => form.set("areaId", areaId)}
          />
        </div>
        <div>
          <label htmlFor="new-line-code">Line code</label>
          <input
            id="new-line-code"
            required
            pattern="[a-z0-9-]+"
            title="Lower case letters, digits and '-'"
            {...form.bind("code")}
          />
        </div>
        <div>
          <label htmlFor="new-line-name">Line name</label>
          <input id="new-line-name" required {...form.bind("name")} />
        </div>
        <div>
          <label htmlFor="new-line-micro">Micro-stop threshold, seconds (120 if empty)</label>
          <input id="new-line-micro" type="number" min={1} step={1} {...form.bind("microStop")} />
        </div>
        <div>
          <label htmlFor="new-line-oee">OEE target, 0–1 (0.85 if empty)</label>
          <input id="new-line-oee" type="number" min={0} max={1} step={0.01} {...form.bind("oeeTarget")} />
        </div>
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={form.busy}>
          Add line
        </button>
      </div>
      <Refusal text={form.error} testId="new-line-refusal" />
    </form>
  );
}
