"use client";
// Admin > System: is every service up, is any consumer falling behind, is anything set aside? Read
// again every few seconds while the screen is open, so it is live without a survey running for nobody.
import { useEffect, useState } from "react";
import { useQuery } from "urql";
import { AdminTabs } from "@/components/admin/admin-tabs";
import { DataTable } from "@/components/data/data-table";
import { QueryError } from "@/components/query-error";
import type { ServiceStatus } from "@/lib/graphql/generated/graphql";
import { SystemHealthQuery } from "@/lib/graphql/system";

/** How often the overview asks again. */
const REFRESH_MS = 5_000;

const STATUS_WORDS: Record<ServiceStatus, string> = {
  OK: "OK",
  DEGRADED: "Degraded",
  UNREACHABLE: "Unreachable",
};
const STATUS_COLOURS: Record<ServiceStatus, string> = {
  OK: "var(--running)",
  DEGRADED: "var(--idle)",
  UNREACHABLE: "var(--down)",
};

function StatusPill({ status }: { status: ServiceStatus }) {
  return (
    <span className="pill" style={{ borderLeft: `6px solid ${STATUS_COLOURS[status]}` }} data-status={status}>
      {STATUS_WORDS[status]}
    </span>
  );
}

function bytes(value: number): string {
  if (value >= 1024 ** 3) return `${(value / 1024 ** 3).toFixed(1)} GiB`;
  if (value >= 1024 ** 2) return `${(value / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.round(value / 1024)} KiB`;
}

function duration(seconds: number | null | undefined): string {
  if (seconds == null) return "";
  if (seconds >= 86_400) return `${Math.floor(seconds / 86_400)} d ${Math.floor((seconds % 86_400) / 3_600)} h`;
  if (seconds >= 3_600) return `${Math.floor(seconds / 3_600)} h ${Math.floor((seconds % 3_600) / 60)} min`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export function SystemOverview() {
  const [result, reexecute] = useQuery({ query: SystemHealthQuery, requestPolicy: "network-only" });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      reexecute({ requestPolicy: "network-only" });
      setNow(Date.now());
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reexecute]);
  const health = result.data?.systemHealth;
  const groups = (health?.streams ?? []).flatMap((stream) =>
    stream.groups.map((group) => ({ ...group, stream: stream.stream, length: stream.length })),
  );
  const ageSeconds = health ? Math.max(0, Math.round((now - new Date(health.checkedAt).getTime()) / 1000)) : null;
  return (
    <>
      <AdminTabs />
      <div className="row spread">
        <h1>System</h1>
        {health ? (
          <p className="row" aria-live="polite" data-testid="system-status">
            <StatusPill status={health.status} />
            <span className="muted">checked {ageSeconds === 0 ? "just now" : `${ageSeconds} s ago`}</span>
          </p>
        ) : null}
      </div>
      <QueryError error={result.error} />
      <h2>Services</h2>
      <DataTable
        panel
        testId="system-services"
        rows={health?.services ?? []}
        rowKey={(service) => service.name}
        rowProps={(service) => ({ "data-testid": "system-service", "data-service": service.name })}
        loading={!health && result.fetching}
        empty="No services are configured (SERVICE_HEALTH_URLS)."
        columns={[
          { header: "Service", cell: (service) => service.name },
          { header: "Status", cell: (service) => <StatusPill status={service.status} /> },
          { header: "Up for", cell: (service) => duration(service.uptimeSeconds) },
          {
            header: "Checks",
            cell: (service) =>
              service.error ? (
                <span>{service.error}</span>
              ) : (
                <ul className="plain">
                  {service.checks.map((check) => (
                    <li key={check.name}>
                      {check.ok ? "✓" : "✗"} {check.name}
                      {check.error ? `: ${check.error}` : ""}
                      {check.warning ? <span className="muted"> ({check.warning})</span> : null}
                    </li>
                  ))}
                </ul>
              ),
          },
          {
            header: "Subscribers",
            cell: (service) =>
              service.subscriptions == null
                ? ""
                : `${service.subscriptions} on ${service.webSocketConnections ?? 0} connections`,
          },
          { header: "Answer", cell: (service) => (service.responseMs == null ? "" : `${service.responseMs} ms`) },
        ]}
      />
      <h2>Streams</h2>
      <DataTable
        panel
        testId="system-streams"
        rows={groups}
        rowKey={(group) => `${group.stream} ${group.group}`}
        rowProps={(group) => ({ "data-testid": "system-stream-group", "data-behind": String(group.lag ?? "") })}
        loading={!health && result.fetching}
        empty="No consumer groups yet."
        columns={[
          { header: "Stream", cell: (group) => <code>{group.stream}</code> },
          { header: "Group", cell: (group) => group.group },
          { header: "Consumers", cell: (group) => group.consumers },
          { header: "Behind", cell: (group) => (group.lag == null ? "unknown" : group.lag) },
          { header: "Read, not acknowledged", cell: (group) => group.pending },
          { header: "Entries kept", cell: (group) => group.length },
        ]}
      />
      <h2>Dead letters</h2>
      <DataTable
        panel
        testId="system-dead-letters"
        rows={health?.deadLetters ?? []}
        rowKey={(letters) => letters.stream}
        loading={!health && result.fetching}
        empty="None: no entry was set aside."
        columns={[
          { header: "Stream", cell: (letters) => <code>{letters.stream}</code> },
          { header: "Entries waiting", cell: (letters) => letters.entries },
          { header: "What to do", cell: () => <code>pnpm streams:dead-letters</code> },
        ]}
      />
      {health ? (
        <section className="panel" aria-label="Storage and versions" data-testid="system-storage">
          <h2>Storage and versions</h2>
          <dl className="facts">
            <dt>Database</dt>
            <dd>
              {bytes(health.database.sizeBytes)} (PostgreSQL {health.database.version})
            </dd>
            <dt>Redis</dt>
            <dd>
              {bytes(health.redis.usedMemoryBytes)} used, peak {bytes(health.redis.peakMemoryBytes)},{" "}
              {health.redis.connectedClients} clients (Redis {health.redis.version})
            </dd>
            <dt>MS5.0 Floor</dt>
            <dd>
              {health.versions.application} on Node {health.versions.node}
            </dd>
          </dl>
        </section>
      ) : null}
    </>
  );
}
