// The render worker's entry: a worker thread starts without the parent's TypeScript loader (and
// under vitest without tsx at all), so it registers tsx itself before loading the worker.
import { register } from "tsx/esm/api";

register();
await import("./render-worker.ts");
