"use client";
// One's own notification preferences: each channel on or off, from which priority, its place in the
// fallback order, and quiet hours for the channels that ring (e-mail, SMS; CRITICAL still comes
// through). Saved as a whole, as the API replaces them; a refusal (no e-mail address, a bad time
// zone) is shown beside the form and nothing changes.
import { useMutation, useQuery } from "urql";
import { DataTable } from "@/components/data/data-table";
import { QueryError } from "@/components/query-error";
import type { AndonPriority, NotificationChannel } from "@/lib/graphql/generated/graphql";
import { MyNotificationPreferencesQuery, SetNotificationPreferencesMutation } from "@/lib/graphql/profile";
import { useMutationForm } from "@/lib/react/use-mutation-form";

const CHANNELS: { channel: NotificationChannel; label: string; rings: boolean }[] = [
  { channel: "IN_APP", label: "In the app (the bell)", rings: false },
  { channel: "EMAIL", label: "E-mail", rings: true },
  { channel: "SMS", label: "SMS", rings: true },
];
const PRIORITIES: AndonPriority[] = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];

type ChannelForm = { enabled: boolean; minPriority: AndonPriority; rank: string };
type PreferencesForm = {
  channels: Record<NotificationChannel, ChannelForm>;
  quietFrom: string;
  quietTo: string;
  timeZone: string;
};

function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

function PreferencesEditor({ initial, onSaved }: { initial: PreferencesForm; onSaved: () => void }) {
  const [, save] = useMutation(SetNotificationPreferencesMutation);
  const form = useMutationForm(
    initial,
    (values) => {
      const quiet = values.quietFrom && values.quietTo;
      return save({
        preferences: CHANNELS.map(({ channel, rings }) => ({
          channel,
          enabled: values.channels[channel].enabled,
          minPriority: values.channels[channel].minPriority,
          rank: Number(values.channels[channel].rank),
          quietFrom: rings && quiet ? values.quietFrom : null,
          quietTo: rings && quiet ? values.quietTo : null,
          timeZone: values.timeZone.trim() || "UTC",
        })),
      });
    },
    { field: "setNotificationPreferences", onApplied: onSaved },
  );
  const setChannel = (channel: NotificationChannel, change: Partial<ChannelForm>) =>
    form.set("channels", { ...form.values.channels, [channel]: { ...form.values.channels[channel], ...change } });
  return (
    <form onSubmit={form.submit} aria-labelledby="notifications-heading" data-testid="notification-preferences">
      <DataTable
        label="Channels"
        rows={CHANNELS}
        rowKey={(row) => row.channel}
        rowProps={(row) => ({ "data-testid": "notification-channel", "data-channel": row.channel })}
        empty=""
        columns={[
          { header: "Channel", cell: (row) => row.label },
          {
            header: "On",
            cell: (row) => (
              <input
                type="checkbox"
                aria-label={`${row.label}: on`}
                checked={form.values.channels[row.channel].enabled}
                onChange={(event) => setChannel(row.channel, { enabled: event.target.checked })}
              />
            ),
          },
          {
            header: "From priority",
            cell: (row) => (
              <select
                aria-label={`${row.label}: from priority`}
                value={form.values.channels[row.channel].minPriority}
                onChange={(event) => setChannel(row.channel, { minPriority: event.target.value as AndonPriority })}
              >
                {PRIORITIES.map((priority) => (
                  <option key={priority} value={priority}>
                    {priority}
                  </option>
                ))}
              </select>
            ),
          },
          {
            header: "Order (lower first)",
            cell: (row) => (
              <input
                type="number"
                min={0}
                max={100}
                step={1}
                required
                aria-label={`${row.label}: order`}
                value={form.values.channels[row.channel].rank}
                onChange={(event) => setChannel(row.channel, { rank: event.target.value })}
              />
            ),
          },
        ]}
      />
      <fieldset>
        <legend>Quiet hours for e-mail and SMS (critical calls still come through)</legend>
        <div className="grid two">
          <div>
            <label htmlFor="quiet-from">From</label>
            <input id="quiet-from" type="time" {...form.bind("quietFrom")} />
          </div>
          <div>
            <label htmlFor="quiet-to">To</label>
            <input id="quiet-to" type="time" {...form.bind("quietTo")} />
          </div>
          <div>
            <label htmlFor="quiet-zone">Time zone</label>
            <input id="quiet-zone" autoCapitalize="none" {...form.bind("timeZone")} />
          </div>
        </div>
      </fieldset>
      {form.error ? (
        <p className="error" role="alert" data-testid="notification-preferences-refusal">
          {form.error}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="primary" disabled={form.busy}>
          Save notification settings
        </button>
      </div>
    </form>
  );
}

export function NotificationPreferences() {
  const [result, refetch] = useQuery({ query: MyNotificationPreferencesQuery, requestPolicy: "cache-and-network" });
  const saved = result.data?.myNotificationPreferences ?? [];
  const ofChannel = (channel: NotificationChannel, fallback: ChannelForm): ChannelForm => {
    const row = saved.find((preference) => preference.channel === channel);
    return row
      ? { enabled: row.enabled ?? false, minPriority: row.minPriority ?? "LOW", rank: String(row.rank ?? 0) }
      : fallback;
  };
  const quiet = saved.find((preference) => preference.quietFrom && preference.quietTo);
  const initial: PreferencesForm = {
    channels: {
      IN_APP: ofChannel("IN_APP", { enabled: true, minPriority: "LOW", rank: "0" }),
      EMAIL: ofChannel("EMAIL", { enabled: false, minPriority: "MEDIUM", rank: "1" }),
      SMS: ofChannel("SMS", { enabled: false, minPriority: "HIGH", rank: "2" }),
    },
    quietFrom: quiet?.quietFrom ?? "",
    quietTo: quiet?.quietTo ?? "",
    timeZone: saved[0]?.timeZone ?? browserTimeZone(),
  };
  return (
    <section className="panel" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">Notifications</h2>
      <QueryError error={result.error} />
      {result.data ? (
        <PreferencesEditor
          // A fresh editor per saved state, so the form shows what the server kept.
          key={JSON.stringify(saved)}
          initial={initial}
          onSaved={() => refetch({ requestPolicy: "network-only" })}
        />
      ) : (
        <p className="muted">Loading…</p>
      )}
    </section>
  );
}
