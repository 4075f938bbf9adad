"use client";
// The andon board: every open call of the plant with its escalation state, live; responders
// acknowledge from here, anyone who may raise one can do so for a chosen line.
import { useState } from "react";
import { AndonList, RaiseAndon } from "@/components/andon-panel";
import { AppShell } from "@/components/app-shell";
import { LineSelect } from "@/components/line-select";

function AndonBoard() {
  const [lineId, setLineId] = useState<string | null>(null);
  return (
    <div className="grid">
      <h1>Andon board</h1>
      <section className="panel" aria-labelledby="raise-heading">
        <div className="row spread">
          <h2 id="raise-heading">Raise an andon</h2>
          <LineSelect value={lineId} onChange={setLineId} />
        </div>
        {lineId ? <RaiseAndon lineId={lineId} lineName="the chosen line" /> : null}
      </section>
      <section aria-label="Open andons of the plant" data-testid="andon-board">
        <AndonList lineId={null} />
      </section>
    </div>
  );
}

export default function AndonPage() {
  return (
    <AppShell screen="andon">
      <AndonBoard />
    </AppShell>
  );
}
