"use client";
// Admin > PLCs and tag maps: the controllers the bridge polls (driver, address, slot, timeouts, scan
// groups and whether the bridge reaches them), one PLC's tag maps with the values the bridge reads
// now, and the forms changing them. Only plant:manage opens it: the API hides PLC addresses from others.
import { useState } from "react";
import { useQuery } from "urql";
import { AdminTabs } from "@/components/admin/admin-tabs";
import { DataTable } from "@/components/data/data-table";
import { NewPlc } from "@/components/plc-admin/new-plc";
import { PlcDetail } from "@/components/plc-admin/plc-detail";
import { PlcRow } from "@/components/plc-admin/plc-row";
import { QueryError } from "@/components/query-error";
import { PlcAdminQuery } from "@/lib/graphql/plc-admin";

export function PlcAdmin() {
  const [result, refetch] = useQuery({ query: PlcAdminQuery, requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  const plcs = result.data?.plcs ?? [];
  const tagMaps = result.data?.tagMaps ?? [];
  const sites = (result.data?.sites?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  const [chosen, setChosen] = useState("");
  const selected = plcs.find((plc) => plc.id === chosen) ?? null;
  return (
    <>
      <AdminTabs />
      <h1>PLCs and tag maps</h1>
      <QueryError error={result.error} />
      <section className="panel" aria-labelledby="plcs-heading">
        <h2 id="plcs-heading">PLCs</h2>
        <DataTable
          testId="plc-table"
          rows={plcs}
          rowKey={(plc) => plc.id!}
          loading={result.fetching}
          empty="No PLCs yet."
          columns={[
            { header: "PLC" },
            { header: "Address" },
            { header: "Scan groups" },
            { header: "Link" },
            { header: <span className="visually-hidden">Actions</span> },
          ]}
          renderRow={(plc) => (
            <PlcRow
              key={`${plc.id}-${plc.name}-${plc.host}-${plc.port}-${plc.slot}-${plc.timeoutMs}-${plc.driver}`}
              plc={plc}
              selected={plc.id === chosen}
              onSelect={() => setChosen(plc.id === chosen ? "" : plc.id!)}
              onChanged={again}
            />
          )}
        />
      </section>
      {selected ? (
        <PlcDetail
          key={selected.id}
          plc={selected}
          tagMaps={tagMaps.filter((map) => selected.equipment?.some((item) => item.tagMap?.id === map.id))}
          onChanged={again}
        />
      ) : null}
      <NewPlc sites={sites} onCreated={again} />
    </>
  );
}
