// Run rules on a control chart: the Western Electric rules 1–4 and the four rules Nelson added to
// them (numbered 5–8 here): each is a pattern an in-control process makes so rarely that its
// appearance points to an assignable cause. Points are given as z-scores (distance from the centre
// line in σ of the plotted statistic), so charts whose limits vary per point (p, u) are judged alike.
//
//   WE1  one point beyond 3σ
//   WE2  two of three consecutive points beyond 2σ, on the same side
//   WE3  four of five consecutive points beyond 1σ, on the same side
//   WE4  eight consecutive points on the same side of the centre line
//   N5   six consecutive points steadily increasing or steadily decreasing (trend)
//   N6   fourteen consecutive points alternating up and down
//   N7   fifteen consecutive points within 1σ, either side (stratification)
//   N8   eight consecutive points beyond 1σ, on either side, none within (mixture)

export const RUN_RULES = ["WE1", "WE2", "WE3", "WE4", "N5", "N6", "N7", "N8"] as const;
export type RunRule = (typeof RUN_RULES)[number];

export const RUN_RULE_DESCRIPTIONS: Readonly<Record<RunRule, string>> = {
  WE1: "One point beyond 3σ",
  WE2: "Two of three consecutive points beyond 2σ on the same side",
  WE3: "Four of five consecutive points beyond 1σ on the same side",
  WE4: "Eight consecutive points on the same side of the centre line",
  N5: "Six consecutive points steadily increasing or decreasing",
  N6: "Fourteen consecutive points alternating up and down",
  N7: "Fifteen consecutive points within 1σ of the centre line",
  N8: "Eight consecutive points beyond 1σ on either side",
};

export function isRunRule(value: string): value is RunRule {
  return (RUN_RULES as readonly string[]).includes(value);
}

/** A point of a chart: its plotted value and its distance from the centre line in σ. */
export interface ChartPoint {
  sequence: number;
  value: number;
  z: number;
}

export interface RuleViolation {
  rule: RunRule;
  /** The sequence of the point that completed the pattern. */
  sequence: number;
  /** Sequences of every point of the pattern, oldest first. */
  points: number[];
}

/** How many points ending at the newest each rule looks at: the history a live check must keep. */
export const RUN_RULE_WINDOW: Readonly<Record<RunRule, number>> = {
  WE1: 1,
  WE2: 3,
  WE3: 5,
  WE4: 8,
  N5: 6,
  N6: 14,
  N7: 15,
  N8: 8,
};
export const LONGEST_RUN_RULE_WINDOW = Math.max(...Object.values(RUN_RULE_WINDOW));

const side = (z: number) => Math.sign(z);

/** Does the pattern of `rule` end at `points[end]`? Returns the pattern's points, or null. */
function patternEndingAt(rule: RunRule, points: readonly ChartPoint[], end: number): ChartPoint[] | null {
  const length = RUN_RULE_WINDOW[rule];
  if (end + 1 < length) return null;
  const window = points.slice(end + 1 - length, end + 1);
  const last = window[window.length - 1]!;
  switch (rule) {
    case "WE1":
      return Math.abs(last.z) > 3 ? window : null;
    case "WE2":
    case "WE3": {
      const [threshold, needed] = rule === "WE2" ? [2, 2] : [1, 4];
      // The newest point must be one of them, so each pattern is reported when it forms.
      if (Math.abs(last.z) <= threshold) return null;
      const beyond = window.filter((p) => side(p.z) === side(last.z) && Math.abs(p.z) > threshold);
      return beyond.length >= needed ? window : null;
    }
    case "WE4": {
      const first = side(window[0]!.z);
      return first !== 0 && window.every((p) => side(p.z) === first) ? window : null;
    }
    case "N5": {
      let up = true;
      let down = true;
      for (let i = 1; i < window.length; i++) {
        if (!(window[i]!.value > window[i - 1]!.value)) up = false;
        if (!(window[i]!.value < window[i - 1]!.value)) down = false;
      }
      return up || down ? window : null;
    }
    case "N6": {
      for (let i = 2; i < window.length; i++) {
        const before = window[i - 1]!.value - window[i - 2]!.value;
        const now = window[i]!.value - window[i - 1]!.value;
        if (!(before * now < 0)) return null;
      }
      return window;
    }
    case "N7":
      return window.every((p) => Math.abs(p.z) < 1) ? window : null;
    case "N8":
      return window.every((p) => Math.abs(p.z) > 1) && window.some((p) => p.z > 0) && window.some((p) => p.z < 0)
        ? window
        : null;
  }
}

/** The rules broken by the pattern ending at `points[end]` (the newest point, when checking live). */
export function violationsAt(points: readonly ChartPoint[], end: number, rules: readonly RunRule[]): RuleViolation[] {
  const violations: RuleViolation[] = [];
  for (const rule of rules) {
    const pattern = patternEndingAt(rule, points, end);
    if (pattern) violations.push({ rule, sequence: points[end]!.sequence, points: pattern.map((p) => p.sequence) });
  }
  return violations;
}

/** Every violation on a whole chart, each reported at the point that completed it. */
export function chartViolations(points: readonly ChartPoint[], rules: readonly RunRule[]): RuleViolation[] {
  const violations: RuleViolation[] = [];
  for (let end = 0; end < points.length; end++) violations.push(...violationsAt(points, end, rules));
  return violations;
}
