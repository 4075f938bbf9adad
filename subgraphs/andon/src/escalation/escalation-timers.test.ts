// The arithmetic of escalation due times, without a database: which level or reminder fires next,
// and when, for a rule's levels and reminder interval.
import type { EscalationLevel } from "@ms5/db";
import { describe, expect, it } from "vitest";
import { dueStep, nextDueAfter, type RuleWithLevels } from "./escalation-timers.ts";

const base = new Date("2026-11-27T08:00:00.000Z");
const at = (seconds: number) => new Date(base.getTime() + seconds * 1000);

function ruleOf(reminderIntervalSeconds: number | null, delays: number[]): RuleWithLevels {
  return {
    id: "rule",
    name: "rule",
    priority: "HIGH",
    lineId: null,
    andonType: null,
    acknowledgeTimeoutSeconds: delays[0] ?? 60,
    resolveTimeoutSeconds: 600,
    reminderIntervalSeconds,
    requireAcknowledgeBeforeResolve: true,
    active: true,
    createdAt: base,
    levels: delays.map(
      (delaySeconds, i): EscalationLevel => ({
        id: `level-${i + 1}`,
        ruleId: "rule",
        level: i + 1,
        kind: "ACKNOWLEDGE",
        delaySeconds,
        channels: ["IN_APP"],
      }),
    ),
  };
}

describe("escalation due times", () => {
  it("schedules the first level at its delay from the base", () => {
    expect(nextDueAfter(ruleOf(300, [180, 600]), "ACKNOWLEDGE", base, 0, null)).toEqual(at(180));
  });

  it("puts a reminder of the fired level before the next level when it comes first", () => {
    const rule = ruleOf(300, [180, 600]);
    expect(nextDueAfter(rule, "ACKNOWLEDGE", base, 1, at(180))).toEqual(at(480));
    expect(dueStep(rule, "ACKNOWLEDGE", base, 1, at(480))).toMatchObject({ level: { level: 1 }, reminder: true });
    expect(nextDueAfter(rule, "ACKNOWLEDGE", base, 1, at(480))).toEqual(at(600));
    expect(dueStep(rule, "ACKNOWLEDGE", base, 1, at(600))).toMatchObject({ level: { level: 2 }, reminder: false });
  });

  it("keeps reminding after the last level, and ends without reminders", () => {
    expect(nextDueAfter(ruleOf(300, [180, 600]), "ACKNOWLEDGE", base, 2, at(600))).toEqual(at(900));
    expect(nextDueAfter(ruleOf(null, [180, 600]), "ACKNOWLEDGE", base, 2, at(600))).toBeNull();
  });

  it("fires levels that fell due together one after the other, so a late scan catches up level by level", () => {
    const rule = ruleOf(null, [2, 3]);
    expect(dueStep(rule, "ACKNOWLEDGE", base, 0, at(2))).toMatchObject({ level: { level: 1 }, reminder: false });
    expect(nextDueAfter(rule, "ACKNOWLEDGE", base, 1, at(2))).toEqual(at(3));
  });

  it("counts the next reminder from now when a step fires late, so missed reminders are not sent in a burst", () => {
    const rule = ruleOf(300, [180, 600]);
    const late = at(600 + 8 * 3600);
    // Due at 900 s, fired eight hours late: the next reminder is 5 minutes after the late one, not at 1200 s.
    expect(nextDueAfter(rule, "ACKNOWLEDGE", base, 2, at(900), late)).toEqual(at(600 + 8 * 3600 + 300));
    // On time, reminders keep their rhythm from the due time.
    expect(nextDueAfter(rule, "ACKNOWLEDGE", base, 2, at(900), at(900))).toEqual(at(1200));
  });

  it("sends a level whose time came while the scheduler was down instead of a stale reminder before it", () => {
    const rule = ruleOf(300, [180, 600]);
    expect(dueStep(rule, "ACKNOWLEDGE", base, 1, at(480), at(3600))).toMatchObject({
      level: { level: 2 },
      reminder: false,
    });
    // Never skips a level: level 1 comes first even when level 2's time has come too.
    expect(dueStep(rule, "ACKNOWLEDGE", base, 0, at(180), at(3600))).toMatchObject({
      level: { level: 1 },
      reminder: false,
    });
  });

  it("has nothing to fire for a kind the rule has no level of", () => {
    expect(nextDueAfter(ruleOf(300, [180]), "RESOLVE", base, 0, null)).toBeNull();
    expect(dueStep(ruleOf(300, [180]), "RESOLVE", base, 0, at(180))).toBeNull();
  });
});
