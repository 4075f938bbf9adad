"use client";
// Fault and downtime analysis: a Pareto of downtime by reason over the last 7 days and the line's
// hourly OEE trend with availability, performance and quality, each with its figures in a table; and
// OEE by shift or by day from the rolled-up buckets, with a CSV download.
import { useState } from "react";
import { OeeByPeriod } from "@/components/analysis/oee-by-period";
import { OeeTrend } from "@/components/analysis/oee-trend";
import { Pareto } from "@/components/analysis/pareto";
import { LineSelect } from "@/components/line-select";

export function Analysis() {
  const [lineId, setLineId] = useState<string | null>(null);
  return (
    <>
      <div className="row spread">
        <h1>Analysis</h1>
        <LineSelect value={lineId} onChange={setLineId} />
      </div>
      {lineId ? (
        <div className="grid">
          <Pareto lineId={lineId} />
          <OeeTrend lineId={lineId} />
          <OeeByPeriod lineId={lineId} />
        </div>
      ) : null}
    </>
  );
}
