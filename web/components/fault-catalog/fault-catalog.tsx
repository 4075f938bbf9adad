"use client";
// Admin > Fault catalog: what each PLC fault bit of a machine means, the andon it raises and the
// reason it suggests to the operator. Everyone on site may read it; engineers and administrators
// (reason-code:manage) add, change and switch entries on and off. Refusals are shown beside the control.
import { useMemo, useState } from "react";
import { useQuery } from "urql";
import { AdminTabs } from "@/components/admin/admin-tabs";
import { DataTable } from "@/components/data/data-table";
import { EntryRow } from "@/components/fault-catalog/entry-row";
import { NewEntry } from "@/components/fault-catalog/new-entry";
import { leavesOf } from "@/components/reason-picker";
import { FaultCatalogEquipmentQuery, FaultCatalogQuery } from "@/lib/graphql/fault-catalog";
import { refusalOf } from "@/lib/graphql/mutation-outcome";
import { ReasonCodesQuery } from "@/lib/graphql/plant";
import { useSession } from "@/lib/react/stores";

export function FaultCatalog() {
  const session = useSession();
  const canEdit = session.status === "signed-in" && session.session.permissions.has("reason-code:manage");
  const [equipmentResult] = useQuery({ query: FaultCatalogEquipmentQuery });
  const equipment = (equipmentResult.data?.allEquipment?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  const [chosen, setChosen] = useState<string>("");
  const equipmentId = chosen || equipment[0]?.id || "";
  const [result, refetch] = useQuery({
    query: FaultCatalogQuery,
    variables: { equipmentId },
    pause: !equipmentId,
    requestPolicy: "cache-and-network",
  });
  const again = () => refetch({ requestPolicy: "network-only" });
  const [reasonResult] = useQuery({ query: ReasonCodesQuery, pause: !canEdit });
  const reasons = useMemo(() => leavesOf(reasonResult.data?.reasonCodes ?? []), [reasonResult.data]);
  const entries = [...(result.data?.faultCatalog ?? [])].sort((a, b) => (a.bitIndex ?? 0) - (b.bitIndex ?? 0));
  const error = equipmentResult.error ?? result.error;
  return (
    <>
      <AdminTabs />
      <h1>Fault catalog</h1>
      {error ? (
        <p className="error" role="alert">
          {refusalOf(null, error)?.message}
        </p>
      ) : null}
      <section className="panel" aria-labelledby="faults-heading">
        <div className="row spread" style={{ flexWrap: "wrap" }}>
          <h2 id="faults-heading">Faults</h2>
          <div>
            <label htmlFor="fault-equipment">Equipment</label>
            <select id="fault-equipment" value={equipmentId} onChange={(event) => setChosen(event.target.value)}>
              {equipment.map((item) => (
                <option key={item.id} value={item.id!}>
                  {item.name} ({item.code}) · {item.line?.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <DataTable
          testId="fault-catalog"
          rows={entries}
          rowKey={(entry) => entry.id!}
          loading={result.fetching || equipmentResult.fetching}
          empty="No faults catalogued for this machine."
          columns={[
            { header: "Bit" },
            { header: "Fault" },
            { header: "Andon" },
            { header: "Suggested reason" },
            { header: "State" },
            ...(canEdit ? [{ header: <span className="visually-hidden">Actions</span> }] : []),
          ]}
          renderRow={(entry) => (
            <EntryRow
              key={`${entry.id}-${entry.active}-${entry.andonPriority}-${entry.suggestedReason?.id}-${entry.faultCode}`}
              entry={entry}
              reasons={reasons}
              canEdit={canEdit}
              onChanged={again}
            />
          )}
        />
      </section>
      {canEdit && equipmentId ? (
        <NewEntry key={equipmentId} equipmentId={equipmentId} reasons={reasons} onCreated={again} />
      ) : null}
    </>
  );
}
