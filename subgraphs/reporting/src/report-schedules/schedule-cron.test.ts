// A schedule's cron expression keeps its local wall-clock time across daylight-saving changes, and
// anything but five valid fields in a known zone is BAD_USER_INPUT.
import { describe, expect, it } from "vitest";
import { scheduleCron } from "./schedule-cron.ts";

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
const berlinWallClock = (d: Date) =>
  new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Berlin", hour: "2-digit", minute: "2-digit" }).format(d);

describe("a 06:00 schedule in Europe/Berlin", () => {
  const cron = scheduleCron("0 6 * * *", "Europe/Berlin");

  it("stays at 06:00 local across the March change: 05:00Z before it, 04:00Z from the 28th", () => {
    const times = cron.nextTimes(4, new Date("2027-03-26T12:00:00Z"));
    expect(iso(times)).toEqual([
      "2027-03-27T05:00:00.000Z",
      "2027-03-28T04:00:00.000Z",
      "2027-03-29T04:00:00.000Z",
      "2027-03-30T04:00:00.000Z",
    ]);
    expect(times.map(berlinWallClock)).toEqual(["06:00", "06:00", "06:00", "06:00"]);
  });

  it("stays at 06:00 local across the October change: 04:00Z before it, 05:00Z from the 31st", () => {
    const times = cron.nextTimes(3, new Date("2027-10-29T12:00:00Z"));
    expect(iso(times)).toEqual(["2027-10-30T04:00:00.000Z", "2027-10-31T05:00:00.000Z", "2027-11-01T05:00:00.000Z"]);
    expect(times.map(berlinWallClock)).toEqual(["06:00", "06:00", "06:00"]);
  });

  it("fires a 02:30 job once on the October night whose 02:30 happens twice", () => {
    const times = scheduleCron("30 2 * * *", "Europe/Berlin").nextTimes(2, new Date("2027-10-30T12:00:00Z"));
    expect(iso(times)).toEqual(["2027-10-31T00:30:00.000Z", "2027-11-01T01:30:00.000Z"]);
  });
});

describe("a cron expression that cannot be read", () => {
  it.each([
    ["61 * * * *", /minute/],
    ["0 0 6 * * *", /five-field/],
    ["* * *", /five-field/],
    ["0 25 * * *", /hour/],
  ])("is refused with BAD_USER_INPUT: %s", (expression, message) => {
    expect(() => scheduleCron(expression, "UTC")).toThrow(expect.objectContaining({ code: "BAD_USER_INPUT" }));
    expect(() => scheduleCron(expression, "UTC")).toThrow(message);
  });

  it("is refused in a zone that does not exist", () => {
    expect(() => scheduleCron("0 6 * * *", "Europe/Atlantis")).toThrow(
      expect.objectContaining({ code: "BAD_USER_INPUT" }),
    );
  });
});
