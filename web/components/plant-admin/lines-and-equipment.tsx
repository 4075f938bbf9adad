"use client";
// Admin > Lines and equipment: the plant's lines by site and area and the chosen line's equipment.
// A refusal (duplicate code, work still in progress...) is shown beside the control and the lists
// are read again from the server.
import { useState } from "react";
import { useQuery } from "urql";
import { AdminTabs } from "@/components/admin/admin-tabs";
import { DataTable } from "@/components/data/data-table";
import { Pager } from "@/components/pager";
import { LineEquipment } from "@/components/plant-admin/line-equipment";
import { LineRow } from "@/components/plant-admin/line-row";
import { NewLine } from "@/components/plant-admin/new-line";
import type { Area } from "@/components/plant-admin/plant-form-parts";
import { QueryError } from "@/components/query-error";
import { PlantAdminLinesQuery } from "@/lib/graphql/plant-admin";

export function LinesAndEquipment() {
  const [after, setAfter] = useState<string | null>(null);
  const [result, refetch] = useQuery({
    query: PlantAdminLinesQuery,
    variables: { after },
    requestPolicy: "cache-and-network",
  });
  const again = () => refetch({ requestPolicy: "network-only" });
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const sites = (result.data?.sites?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  const areas: Area[] = sites.flatMap((site) =>
    (site.areas ?? []).map((area) => ({ id: area.id!, label: `${site.name} › ${area.name}` })),
  );
  const lines = (result.data?.lines?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  const pageInfo = result.data?.lines?.pageInfo;
  const selected = lines.find((line) => line.id === selectedId) ?? lines[0];
  return (
    <>
      <AdminTabs />
      <h1>Lines and equipment</h1>
      <QueryError error={result.error} />
      <section className="panel" aria-labelledby="lines-heading">
        <h2 id="lines-heading">Lines</h2>
        <DataTable
          testId="plant-lines"
          rows={lines}
          rowKey={(line) => line.id!}
          loading={result.fetching}
          empty="No lines yet."
          columns={[
            { header: "Line" },
            { header: "Settings" },
            { header: "Status" },
            { header: <span className="visually-hidden">Actions</span> },
          ]}
          renderRow={(line) => (
            <LineRow
              key={`${line.id}-${line.active}-${line.name}-${line.area?.id}`}
              line={line}
              areas={areas}
              selected={line.id === selected?.id}
              onSelect={() => setSelectedId(line.id ?? null)}
              onChanged={again}
            />
          )}
        />
        <Pager after={after} pageInfo={pageInfo} onPage={setAfter} />
      </section>
      {selected ? <LineEquipment key={selected.id} line={selected} /> : null}
      <NewLine areas={areas} onCreated={again} />
    </>
  );
}
