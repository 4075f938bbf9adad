// The plant the emulator tests run against, and the st-ethernet-ip builds they prove it with: the one
// plc-bridge resolves (patched by the bridge) and, when pnpm still holds it, the unpatched 2.7.5.
import { existsSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type * as StEthernetIpModule from "st-ethernet-ip";
import type { EmulatedEquipment } from "./equipment-simulation.ts";

/** A scripted bagger (64 fault bits), an autonomous filler, and a scripted controller-scoped case packer. */
export const testPlant: EmulatedEquipment[] = [
  {
    tagPrefix: "Program:Bagger1",
    targetSpeedPerMinute: 120,
    faultWords: 2,
    faultBits: [0, 3, 7, 33, 40],
    autonomous: false,
  },
  { tagPrefix: "Program:Filler1", targetSpeedPerMinute: 300, faultWords: 1, faultBits: [1, 2, 5, 9] },
  { tagPrefix: "", targetSpeedPerMinute: 12, faultWords: 1, faultBits: [4], autonomous: false },
];

export interface StEthernetIpBuild {
  label: string;
  library: typeof StEthernetIpModule;
  /**
   * st-ethernet-ip 2.7.5 always dials its `EIP_PORT` constant (44818), read at each connect; tests
   * point it at the emulator's free port. Per process: vitest runs each test file in its own fork.
   */
  pointAt(port: number): void;
}

const require = createRequire(import.meta.url);

function loadBuild(label: string, entry: string): StEthernetIpBuild {
  const library = require(entry) as typeof StEthernetIpModule;
  const config = require(join(dirname(entry), "config.js")) as { EIP_PORT: number };
  return {
    label,
    library,
    pointAt: (port) => {
      config.EIP_PORT = port;
    },
  };
}

/** The builds to run the client suite with; the unpatched one only while pnpm's store still has it. */
export function stEthernetIpBuilds(): StEthernetIpBuild[] {
  const resolved = realpathSync(require.resolve("st-ethernet-ip"));
  const builds = [loadBuild("as plc-bridge resolves it", resolved)];
  const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const unpatched = join(
    repositoryRoot,
    "node_modules/.pnpm/st-ethernet-ip@2.7.5/node_modules/st-ethernet-ip/dist/index.js",
  );
  if (existsSync(unpatched) && realpathSync(unpatched) !== resolved) {
    builds.push(loadBuild("unpatched 2.7.5", realpathSync(unpatched)));
  }
  return builds;
}
