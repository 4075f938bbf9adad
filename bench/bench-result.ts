// Writes bench/results/<area>.json in the project's format: what was measured, when, on which
// commit and machine, and each metric with its unit, target and (where there is one) baseline.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface BenchMetric {
  value: number;
  unit: string;
  /** The goal, written as the issue states it (e.g. ">= 6000"). */
  target: string;
  /** The figure this one is compared with, measured in the same run. */
  baseline?: number;
}

export function machineDescription(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  return `${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

function currentCommit(): string {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain"], { encoding: "utf8" }).trim() !== "";
    return dirty ? `${commit}+uncommitted` : commit;
  } catch {
    return "unknown";
  }
}

export function writeBenchResult(area: string, name: string, metrics: Record<string, BenchMetric>): string {
  const file = path.resolve(import.meta.dirname, "results", `${area}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  const result = {
    name,
    at: new Date().toISOString(),
    commit: currentCommit(),
    machine: machineDescription(),
    metrics,
  };
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
