"use client";
// Run a report now: a template, a line and a time range; the run is queued at once and followed
// live below the form.
import { useState } from "react";
import { useMutation } from "urql";
import { LineSelect } from "@/components/line-select";
import type { ReportRunFieldsFragment } from "@/lib/graphql/generated/graphql";
import { refusalOf } from "@/lib/graphql/mutation-outcome";
import { GenerateReportMutation } from "@/lib/graphql/reports";

/** `YYYY-MM-DDTHH:mm` of the browser's local time, what a datetime-local input holds. */
function localInputValue(date: Date): string {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

export function RunReportForm({
  templates,
  onQueued,
}: {
  templates: readonly { key?: string | null; name?: string | null }[];
  onQueued: (run: ReportRunFieldsFragment) => void;
}) {
  const [templateKey, setTemplateKey] = useState("");
  const [lineId, setLineId] = useState<string | null>(null);
  const [from, setFrom] = useState(() => localInputValue(new Date(Date.now() - 24 * 3_600_000)));
  const [to, setTo] = useState(() => localInputValue(new Date()));
  const [error, setError] = useState<string | null>(null);
  const [state, generate] = useMutation(GenerateReportMutation);
  const chosen = templateKey || templates[0]?.key || "";

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    const result = await generate({
      input: {
        templateKey: chosen,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        lineIds: lineId ? [lineId] : null,
      },
    });
    const refusal = refusalOf(null, result.error);
    if (result.data?.generateReport) onQueued(result.data.generateReport);
    else setError(refusal?.message ?? "The report was not queued.");
  }

  return (
    <form className="panel" onSubmit={(event) => void submit(event)} aria-labelledby="run-report-heading">
      <h2 id="run-report-heading">Run a report</h2>
      <label htmlFor="report-template">Template</label>
      <select id="report-template" value={chosen} onChange={(event) => setTemplateKey(event.target.value)}>
        {templates.map((template) => (
          <option key={template.key} value={template.key ?? ""}>
            {template.name}
          </option>
        ))}
      </select>
      <LineSelect value={lineId} onChange={setLineId} />
      <div className="row">
        <div>
          <label htmlFor="report-from">From</label>
          <input
            id="report-from"
            type="datetime-local"
            value={from}
            onChange={(event) => setFrom(event.target.value)}
          />
        </div>
        <div>
          <label htmlFor="report-to">To</label>
          <input id="report-to" type="datetime-local" value={to} onChange={(event) => setTo(event.target.value)} />
        </div>
      </div>
      <button type="submit" disabled={state.fetching || !chosen}>
        Run report
      </button>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
