"use client";
// Admin > Audit log: administrative and supervisory changes, newest first, a page at a time.
import { useState } from "react";
import { useQuery } from "urql";
import { AdminTabs } from "@/components/admin/admin-tabs";
import { AppShell } from "@/components/app-shell";
import { QueryError } from "@/components/query-error";
import { AuditLogQuery } from "@/lib/graphql/admin";

const ENTITY_TYPES = ["User", "ApiKey", "ServiceAccount", "JobAssignment", "DowntimeEvent"];

function AuditLog() {
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
      <div className="panel" style={{ overflowX: "auto" }}>
        <table data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">On</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {entries.length === 0 ? (
              <tr>
                <td colSpan={4} className="muted">
                  {result.fetching ? "Loading…" : "No entries."}
                </td>
              </tr>
            ) : null}
            {entries.map((entry) => (
              <tr key={entry.id} data-testid="audit-entry">
                <td>{entry.at ? new Date(entry.at).toLocaleString() : ""}</td>
                <td>{entry.action}</td>
                <td>
                  {entry.entityType} <code className="muted">{entry.entityId?.slice(0, 8)}</code>
                </td>
                <td>
                  <code className="muted">
                    {entry.actorUserId?.slice(0, 8) ?? (entry.actorServiceAccountId ? "service account" : "system")}
                  </code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
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

export default function AuditPage() {
  return (
    <AppShell screen="audit">
      <AuditLog />
    </AppShell>
  );
}
