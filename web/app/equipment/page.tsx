"use client";
// Equipment status for engineers: every machine live, with PLC communication, speed and active faults,
// and for those who may read them, each machine's diagnostics one tap away.
import Link from "next/link";
import { AppShell } from "@/components/app-shell";
import { LiveStateBadge } from "@/components/live-state-badge";
import { useLivePlant } from "@/components/plant-live";
import { useSession } from "@/lib/react/stores";

function EquipmentStatus() {
  const { lines, feeds, fetching, error } = useLivePlant();
  const session = useSession();
  const diagnostics = session.status === "signed-in" && session.session.permissions.has("system:read");
  return (
    <>
      {feeds}
      <h1>Equipment status</h1>
      {fetching ? <p aria-busy="true">Loading…</p> : null}
      {error ? (
        <p className="error" role="alert">
          Could not load the equipment.
        </p>
      ) : null}
      {lines.map((line) => (
        <section key={line.id} className="panel" style={{ marginBottom: 12, overflowX: "auto" }}>
          <h2>{line.name}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Equipment</th>
                <th scope="col">State</th>
                <th scope="col">PLC comms</th>
                <th scope="col">Speed /min</th>
                <th scope="col">Active faults</th>
                <th scope="col">Last data</th>
                {diagnostics ? (
                  <th scope="col">
                    <span className="visually-hidden">Diagnostics</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {(line.equipment ?? []).map((item) => (
                <tr key={item.id} data-testid="equipment-row">
                  <td>
                    {item.name} <span className="muted">{item.code}</span>
                  </td>
                  <td>
                    <LiveStateBadge state={item.liveState?.state} />
                  </td>
                  <td>{item.liveState ? (item.liveState.commsOk ? "✓ OK" : "✗ Lost") : "– no data yet"}</td>
                  <td>
                    {item.liveState?.speedPerMinute !== null && item.liveState?.speedPerMinute !== undefined
                      ? Math.round(item.liveState.speedPerMinute)
                      : "–"}{" "}
                    <span className="muted">/ {item.targetSpeedPerMinute ?? "–"}</span>
                  </td>
                  <td>{item.liveState?.activeFaultCodes?.join(", ") || "none"}</td>
                  <td>
                    {item.liveState?.lastSampleAt ? new Date(item.liveState.lastSampleAt).toLocaleTimeString() : "–"}
                  </td>
                  {diagnostics ? (
                    <td>
                      <Link
                        className="button"
                        href={`/equipment/${item.id}/diagnostics`}
                        data-testid="diagnostics-link"
                      >
                        Diagnostics<span className="visually-hidden"> of {item.name}</span>
                      </Link>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </>
  );
}

export default function EquipmentPage() {
  return (
    <AppShell screen="equipment">
      <EquipmentStatus />
    </AppShell>
  );
}
