"use client";
// Admin > Audit log: administrative and supervisory changes, newest first, a page at a time.
import { useState } from "react";
import { useQuery } from "urql";
import { AdminTabs } from "@/components/admin/admin-tabs";
import { DataTable } from "@/components/data/data-table";
import { QueryError } from "@/components/query-error";
import { AuditLogQuery } from "@/lib/graphql/admin";

const ENTITY_TYPES = ["User", "ApiKey", "ServiceAccount", "JobAssignment", "DowntimeEvent"];

export function AuditLog() {
  const [entityType, setEntityType] = useState("");
  const [cursors, setCursors] = useState<string[]>([]);
  const [result] = useQuery({
    query: AuditLogQuery,
    variables: { first: 50, after: cursors.at(-1) ?? null, entityType: entityType || null },
    requestPolicy: "network-only",
  });
  const entries = (result.data?.auditLog?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  const pageInfo = result.data?.auditLog?.pageInfo;
  return (
    <>
      <AdminTabs />
      <div className="row spread">
        <h1>Audit log</h1>
        <div className="row">
          <label htmlFor="audit-entity" style={{ margin: 0 }}>
            Kind
          </label>
          <select
            id="audit-entity"
            value={entityType}
            onChange={(event) => {
              setCursors([]);
              setEntityType(event.target.value);
            }}
          >
            <option value="">Everything</option>
            {ENTITY_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </div>
      </div>
      <QueryError error={result.error} />
      <DataTable
        panel
        testId="audit-table"
        rows={entries}
        rowKey={(entry) => entry.id!}
        rowProps={() => ({ "data-testid": "audit-entry" })}
        loading={result.fetching}
        empty="No entries."
        columns={[
          { header: "When", cell: (entry) => (entry.at ? new Date(entry.at).toLocaleString() : "") },
          { header: "What", cell: (entry) => entry.action },
          {
            header: "On",
            cell: (entry) => (
              <>
                {entry.entityType} <code className="muted">{entry.entityId?.slice(0, 8)}</code>
              </>
            ),
          },
          {
            header: "By",
            cell: (entry) => (
              <code className="muted">
                {entry.actorUserId?.slice(0, 8) ?? (entry.actorServiceAccountId ? "service account" : "system")}
              </code>
            ),
          },
        ]}
      />
      <div className="row">
        {cursors.length ? (
          <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
            Newer
          </button>
        ) : null}
        {pageInfo?.hasNextPage && pageInfo.endCursor ? (
          <button type="button" onClick={() => setCursors([...cursors, pageInfo.endCursor!])}>
            Older
          </button>
        ) : null}
      </div>
    </>
  );
}
