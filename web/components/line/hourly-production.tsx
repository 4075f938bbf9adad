"use client";
// The line dashboard's production by hour: one slot per hour of the shift on duty (or of the last
// eight hours between shifts), each with the units made and a dashed line at the hour's target, so
// a shift with one hour of data shows one narrow bar among empty hours, not one full-width block.
import { useMemo } from "react";
import { useQuery } from "urql";
import type { OeeFieldsFragment } from "@/lib/graphql/generated/graphql";
import { ShiftHourTargetsQuery } from "@/lib/graphql/line-dashboard";

const HOUR_MS = 3_600_000;
/** Hours shown when no shift is on duty. @default 8 */
const HOURS_BETWEEN_SHIFTS = 8;

export interface HourSlot {
  start: number;
  made: number | null;
  target: number | null;
  ideal: number | null;
}

/** The shift's hours (or the last few), each with what was made, its target and the ideal at rated speed. */
export function hourSlotsOf(
  records: readonly OeeFieldsFragment[],
  extraGood: number,
  targets: readonly { periodStart?: string | null; targetQuantity?: number | null }[],
  shift: { startsAt: number; endsAt: number } | null,
  now: number,
): HourSlot[] {
  const currentHour = Math.floor(now / HOUR_MS) * HOUR_MS;
  const first = shift
    ? Math.floor(shift.startsAt / HOUR_MS) * HOUR_MS
    : currentHour - (HOURS_BETWEEN_SHIFTS - 1) * HOUR_MS;
  const end = shift ? shift.endsAt : currentHour + HOUR_MS;
  const latest = records.reduce((max, record) => Math.max(max, Date.parse(record.bucketStart ?? "")), 0);
  const slots: HourSlot[] = [];
  for (let start = first; start < end; start += HOUR_MS) {
    const record = records.find((item) => Date.parse(item.bucketStart ?? "") === start);
    const target = targets.find((item) => {
      const at = Date.parse(item.periodStart ?? "");
      return at >= start && at < start + HOUR_MS;
    });
    slots.push({
      start,
      // Counts since the last hourly record belong to the newest hour.
      made: record
        ? (record.totalCount ?? 0) + (start === latest ? extraGood : 0)
        : start <= currentHour
          ? start === currentHour
            ? extraGood
            : 0
          : null,
      target: target?.targetQuantity ?? null,
      ideal:
        record?.idealCycleTimeSeconds && record.plannedProductionSeconds
          ? Math.round(record.plannedProductionSeconds / record.idealCycleTimeSeconds)
          : null,
    });
  }
  return slots;
}

const clock = (at: number) =>
  new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });

export function HourlyProduction({
  lineId,
  siteId,
  hours,
  extraGood,
  now,
}: {
  lineId: string;
  siteId: string | null;
  hours: readonly OeeFieldsFragment[];
  extraGood: number;
  now: number;
}) {
  // Read once per hour: the shift and its targets change no faster.
  const hourKey = Math.floor(now / HOUR_MS);
  const variables = useMemo(
    () => ({
      siteId: siteId ?? "",
      lineId,
      from: new Date((hourKey - 12) * HOUR_MS).toISOString(),
      to: new Date((hourKey + 13) * HOUR_MS).toISOString(),
    }),
    [siteId, lineId, hourKey],
  );
  const [result] = useQuery({ query: ShiftHourTargetsQuery, variables, pause: !siteId });
  const shiftInstance = result.data?.currentShiftInstance;
  const shift =
    shiftInstance?.startsAt && shiftInstance.endsAt
      ? { startsAt: Date.parse(shiftInstance.startsAt), endsAt: Date.parse(shiftInstance.endsAt) }
      : null;
  const targets = (result.data?.productionTargets?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  const slots = hourSlotsOf(hours, extraGood, targets, shift, now);
  const max = Math.max(1, ...slots.map((slot) => Math.max(slot.made ?? 0, slot.target ?? 0)));
  const currentHour = Math.floor(now / HOUR_MS) * HOUR_MS;
  const withTarget = slots.some((slot) => slot.target !== null);
  return (
    <>
      <p className="muted" style={{ marginTop: 0 }}>
        {shift
          ? `${shiftInstance?.shift?.name ?? "Shift"} ${clock(shift.startsAt)}–${clock(shift.endsAt)}`
          : "No shift on duty: the last 8 hours"}
        {withTarget ? " · dashed line: the hour's target" : " · no hourly targets set"}
      </p>
      <div
        className="bars"
        role="img"
        aria-label={`Units made in each hour of the shift${withTarget ? " against the hour's target" : ""}`}
        data-testid="hourly-bars"
      >
        {slots.map((slot) => (
          <div
            className={`bar${slot.start === currentHour ? " now" : ""}`}
            key={slot.start}
            data-testid="hour-slot"
            data-made={slot.made ?? ""}
            data-target={slot.target ?? ""}
          >
            {slot.made !== null ? <span className="value">{slot.made}</span> : null}
            {slot.target !== null ? (
              // Measured from the fill's base, which sits on the hour label (1.2rem high).
              <div className="target" style={{ bottom: `calc(${(slot.target / max) * 75}% + 1.2rem)` }} />
            ) : null}
            <div
              className={`fill${slot.target !== null && (slot.made ?? 0) < slot.target && slot.start < currentHour ? " short" : ""}`}
              style={{ height: `${((slot.made ?? 0) / max) * 75}%` }}
            />
            <span className="tick">{clock(slot.start).slice(0, 2)}</span>
          </div>
        ))}
      </div>
      <table style={{ marginTop: 8 }}>
        <caption className="visually-hidden">Production by hour</caption>
        <thead>
          <tr>
            <th scope="col">Hour</th>
            <th scope="col">Units</th>
            <th scope="col">Target</th>
            <th scope="col">Ideal at rated speed</th>
          </tr>
        </thead>
        <tbody>
          {slots
            .filter((slot) => slot.start <= currentHour)
            .slice(-4)
            .map((slot) => (
              <tr key={slot.start}>
                <td>{clock(slot.start)}</td>
                <td>{slot.made ?? "–"}</td>
                <td>{slot.target ?? "–"}</td>
                <td>{slot.ideal ?? "–"}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </>
  );
}
