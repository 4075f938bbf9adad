// A schedule's cron expression read in its own IANA time zone (croner), so the wall-clock time holds
// across daylight-saving changes: "0 6 * * *" in Europe/Berlin is 05:00Z in winter, 04:00Z in summer.
// Exactly five fields; anything croner refuses, or an unknown zone, is BAD_USER_INPUT.
import { ApiError } from "@ms5/kit/subgraph";
import { Cron } from "croner";

export interface ScheduleCron {
  /** The first fire time strictly after `after`; null when the expression never fires again. */
  nextAfter(after: Date): Date | null;
  /** The next `count` fire times strictly after `after`. */
  nextTimes(count: number, after: Date): Date[];
}

/** True for a zone the runtime's IANA database knows ("Europe/Berlin", "UTC"). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone }).format(0);
    return true;
  } catch {
    return false;
  }
}

export function scheduleCron(expression: string, timeZone: string): ScheduleCron {
  if (!isKnownTimeZone(timeZone)) {
    throw new ApiError("BAD_USER_INPUT", `"${timeZone}" is not an IANA time zone (e.g. Europe/Berlin).`);
  }
  let cron: Cron;
  try {
    // domAndDow false: a day-of-month and a weekday both given fire on either, as Vixie cron does.
    cron = new Cron(expression.trim(), { timezone: timeZone, mode: "5-part", paused: true, domAndDow: false });
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, "") : String(error);
    throw new ApiError(
      "BAD_USER_INPUT",
      `"${expression}" is not a five-field cron expression (minute hour day month weekday): ${reason}.`,
    );
  }
  return {
    nextAfter: (after) => cron.nextRun(after),
    nextTimes: (count, after) => cron.nextRuns(count, after),
  };
}
