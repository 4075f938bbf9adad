"use client";
// Choosing a line: every line with its live state; a tablet bound to a line opens it directly.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { AppShell } from "@/components/app-shell";
import { LiveStateBadge } from "@/components/live-state-badge";
import { useLivePlant } from "@/components/plant-live";
import { readTabletLine } from "@/lib/tablet-line";

function LinePicker() {
  const router = useRouter();
  const { lines, feeds, fetching, error } = useLivePlant();
  useEffect(() => {
    const bound = readTabletLine();
    if (bound) router.replace(`/lines/${bound.id}`);
  }, [router]);
  return (
    <>
      {feeds}
      <h1>Lines</h1>
      {fetching ? <p aria-busy="true">Loading lines…</p> : null}
      {error ? (
        <p className="error" role="alert">
          Could not load the lines.
        </p>
      ) : null}
      <div className="grid cards">
        {lines.map((line) => (
          <Link
            key={line.id}
            href={`/lines/${line.id}`}
            className="panel"
            style={{ textDecoration: "none", color: "inherit" }}
          >
            <h2>{line.name}</h2>
            <LiveStateBadge state={line.liveState?.state} label={line.name ?? "Line"} />
          </Link>
        ))}
      </div>
    </>
  );
}

export default function LinesPage() {
  return (
    <AppShell screen="lines">
      <LinePicker />
    </AppShell>
  );
}
