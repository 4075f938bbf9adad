// Keeps a running bridge on the plant model as it changes: an announced change (or a periodic
// re-read, in case an announcement was lost) loads the configuration again and, when it is valid,
// applies it; an invalid one is refused whole with its problems logged, and the bridge keeps
// polling what it had.
import type { Logger } from "@ms5/kit";
import type { Bridge, PlantApplied } from "./bridge.ts";
import type { PlantConfig } from "./plant-config.ts";

export interface PlantFollowerOptions {
  /** Loads and validates the plant (parsePlantConfig throws on a bad one). */
  load: () => Promise<PlantConfig>;
  bridge: Pick<Bridge, "applyPlant">;
  logger: Logger;
  /** Announcements within this long are one reload. @default 100 */
  debounceMs?: number;
  /** Re-read this often even without an announcement; 0 never. @default 60_000 */
  rereadMs?: number;
}

export class PlantFollower {
  private timer: NodeJS.Timeout | undefined;
  private reread: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  /** Reloads refused because the loaded plant was invalid or could not be read. */
  refused = 0;

  constructor(private readonly options: PlantFollowerOptions) {
    const rereadMs = options.rereadMs ?? 60_000;
    if (rereadMs > 0) {
      this.reread = setInterval(() => this.changed(), rereadMs);
      this.reread.unref();
    }
  }

  /** Something in the plant model changed: reload soon (several announcements, one reload). */
  changed(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reloadNow();
    }, this.options.debounceMs ?? 100);
  }

  /** Loads and applies the plant now, after any reload in progress; the error when it was refused. */
  reloadNow(): Promise<PlantApplied | Error> {
    const run = this.running.then(async () => {
      if (this.stopped) return new Error("plant follower stopped");
      let plant: PlantConfig;
      try {
        plant = await this.options.load();
      } catch (error) {
        this.refused++;
        this.options.logger.error({ err: error }, "plant change refused: the bridge keeps its current configuration");
        return error as Error;
      }
      return this.options.bridge.applyPlant(plant);
    });
    this.running = run.catch(() => undefined);
    return run;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.reread);
  }
}
