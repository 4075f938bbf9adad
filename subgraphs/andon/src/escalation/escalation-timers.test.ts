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

  it("has nothing to fire for a kind the rule has no level of", () => {
    expect(nextDueAfter(ruleOf(300, [180]), "RESOLVE", base, 0, null)).toBeNull();
    expect(dueStep(ruleOf(300, [180]), "RESOLVE", base, 0, at(180))).toBeNull();
  });
});
