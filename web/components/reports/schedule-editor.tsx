"use client";
// Report schedules: each with its cron in the site's zone and its next five fire times; the editor
// previews the next five fire times of what is typed (daylight-saving changes included) before saving.
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import type { ReportSchedulesQuery as ReportSchedulesData } from "@/lib/graphql/generated/graphql";
import { refusalOf } from "@/lib/graphql/mutation-outcome";
import {
  CreateReportScheduleMutation,
  ReportCronFireTimesQuery,
  ReportSchedulesQuery,
  UpdateReportScheduleMutation,
} from "@/lib/graphql/reports";

type Schedule = NonNullable<NonNullable<ReportSchedulesData["reportSchedules"]>[number]>;

// Intl refuses `weekday` beside `dateStyle`: the fields are spelled out.
const fireTime = (value: string, timeZone: string) =>
  new Date(value).toLocaleString([], {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });

interface Draft {
  id: string | null;
  name: string;
  templateKey: string;
  cron: string;
  timezone: string;
  recipients: string;
  shiftName: string;
  days: string;
  active: boolean;
}

function draftOf(schedule: Schedule | null, templateKey: string): Draft {
  const parameters = JSON.parse(schedule?.parameters ?? "{}") as { shiftName?: string; days?: number };
  return {
    id: schedule?.id ?? null,
    name: schedule?.name ?? "",
    templateKey: schedule?.template?.key ?? templateKey,
    cron: schedule?.cron ?? "0 6 * * *",
    timezone: schedule?.timezone ?? "Africa/Johannesburg",
    recipients: schedule?.recipients?.join(", ") ?? "",
    shiftName: parameters.shiftName ?? "",
    days: parameters.days ? String(parameters.days) : "1",
    active: schedule?.active ?? true,
  };
}

function FireTimesPreview({ cron, timezone }: { cron: string; timezone: string }) {
  const [result] = useQuery({
    query: ReportCronFireTimesQuery,
    variables: { cron, timezone },
    pause: !cron.trim() || !timezone.trim(),
  });
  const problem = result.error?.graphQLErrors[0]?.message;
  return (
    <div data-testid="fire-times-preview">
      <strong>Next five fire times ({timezone})</strong>
      {problem ? (
        <p className="error" role="alert">
          {problem}
        </p>
      ) : (
        <ol>
          {(result.data?.reportCronFireTimes ?? []).map((time) => (
            <li key={time}>{fireTime(time, timezone)}</li>
          ))}
        </ol>
      )}
    </div>
  );
}

function ScheduleForm({
  draft: initial,
  templates,
  onSaved,
  onCancel,
}: {
  draft: Draft;
  templates: readonly { key?: string | null; name?: string | null }[];
  onSaved: () => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [, create] = useMutation(CreateReportScheduleMutation);
  const [, update] = useMutation(UpdateReportScheduleMutation);
  const set = (patch: Partial<Draft>) => setDraft((current) => ({ ...current, ...patch }));

  async function save(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    const input = {
      name: draft.name,
      templateKey: draft.templateKey,
      cron: draft.cron,
      timezone: draft.timezone,
      recipients: draft.recipients
        .split(",")
        .map((recipient) => recipient.trim())
        .filter(Boolean),
      shiftName: draft.shiftName.trim() || null,
      days: draft.shiftName.trim() ? null : Number(draft.days) || 1,
    };
    const result = draft.id
      ? await update({ id: draft.id, input: { ...input, active: draft.active } })
      : await create({ input });
    const saved = draft.id ? result.data && "updateReportSchedule" in result.data : result.data;
    const refusal = refusalOf(null, result.error);
    if (saved && !result.error) onSaved();
    else setError(refusal?.message ?? "Not saved.");
  }

  return (
    <form className="panel" onSubmit={(event) => void save(event)} aria-labelledby="schedule-form-heading">
      <h3 id="schedule-form-heading">{draft.id ? `Edit “${initial.name}”` : "New schedule"}</h3>
      <label htmlFor="schedule-name">Name</label>
      <input id="schedule-name" value={draft.name} onChange={(event) => set({ name: event.target.value })} required />
      <label htmlFor="schedule-template">Template</label>
      <select
        id="schedule-template"
        value={draft.templateKey}
        onChange={(event) => set({ templateKey: event.target.value })}
      >
        {templates.map((template) => (
          <option key={template.key} value={template.key ?? ""}>
            {template.name}
          </option>
        ))}
      </select>
      <div className="row">
        <div>
          <label htmlFor="schedule-cron">Cron (minute hour day month weekday)</label>
          <input id="schedule-cron" value={draft.cron} onChange={(event) => set({ cron: event.target.value })} />
        </div>
        <div>
          <label htmlFor="schedule-timezone">Time zone</label>
          <input
            id="schedule-timezone"
            value={draft.timezone}
            onChange={(event) => set({ timezone: event.target.value })}
          />
        </div>
      </div>
      <FireTimesPreview cron={draft.cron} timezone={draft.timezone} />
      <label htmlFor="schedule-recipients">
        Recipients (e-mail addresses, user:name or role:ROLE, comma-separated)
      </label>
      <input
        id="schedule-recipients"
        value={draft.recipients}
        onChange={(event) => set({ recipients: event.target.value })}
      />
      <div className="row">
        <div>
          <label htmlFor="schedule-shift">Shift (its last occurrence)</label>
          <input
            id="schedule-shift"
            value={draft.shiftName}
            onChange={(event) => set({ shiftName: event.target.value })}
          />
        </div>
        <div>
          <label htmlFor="schedule-days">Or whole days before</label>
          <input
            id="schedule-days"
            type="number"
            min={1}
            max={31}
            value={draft.days}
            disabled={Boolean(draft.shiftName.trim())}
            onChange={(event) => set({ days: event.target.value })}
          />
        </div>
      </div>
      {draft.id ? (
        <label>
          <input type="checkbox" checked={draft.active} onChange={(event) => set({ active: event.target.checked })} />{" "}
          Active
        </label>
      ) : null}
      <div className="row">
        <button type="submit">Save schedule</button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}

export function ScheduleEditor({
  templates,
  canEdit,
}: {
  templates: readonly { key?: string | null; name?: string | null }[];
  canEdit: boolean;
}) {
  const [result, refetch] = useQuery({ query: ReportSchedulesQuery, requestPolicy: "cache-and-network" });
  const [editing, setEditing] = useState<Draft | null>(null);
  const schedules = (result.data?.reportSchedules ?? []).filter((schedule): schedule is Schedule => Boolean(schedule));
  return (
    <section className="panel" aria-labelledby="schedules-heading">
      <div className="row spread">
        <h2 id="schedules-heading">Schedules</h2>
        {canEdit && !editing ? (
          <button type="button" onClick={() => setEditing(draftOf(null, templates[0]?.key ?? ""))}>
            New schedule
          </button>
        ) : null}
      </div>
      {editing ? (
        <ScheduleForm
          key={editing.id ?? "new"}
          draft={editing}
          templates={templates}
          onCancel={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            refetch({ requestPolicy: "network-only" });
          }}
        />
      ) : null}
      {schedules.length === 0 ? <p className="muted">{result.fetching ? "Loading…" : "No schedules."}</p> : null}
      <ul className="stack" data-testid="report-schedules">
        {schedules.map((schedule) => (
          <li key={schedule.id} className="panel">
            <div className="row spread">
              <div>
                <strong>{schedule.name}</strong> · {schedule.template?.name} · <code>{schedule.cron}</code> (
                {schedule.timezone}){schedule.active ? "" : " · paused"}
              </div>
              {canEdit ? (
                <button type="button" onClick={() => setEditing(draftOf(schedule, templates[0]?.key ?? ""))}>
                  Edit
                </button>
              ) : null}
            </div>
            <div className="muted">To: {schedule.recipients?.join(", ")}</div>
            <ol aria-label={`Next fire times of ${schedule.name}`}>
              {(schedule.nextFireTimes ?? []).map((time) => (
                <li key={time}>{fireTime(time, schedule.timezone ?? "UTC")}</li>
              ))}
            </ol>
          </li>
        ))}
      </ul>
    </section>
  );
}
