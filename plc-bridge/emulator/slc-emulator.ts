// The SLC 5/05 personality of the emulator: the identity of an SLC 5/05 (or a MicroLogix 1400), a
// PCCC data table instead of Logix tags, and the same seeded equipment simulation behind it, shown
// in the table as slc-equipment-image.ts lays it out. Same EtherNet/IP server, reply modes and
// control API as the Logix personality; tags are addressed "N7:1", "B3:0/5".
import type { Logger } from "@ms5/kit";
import { PcccAddressError, parsePcccAddress } from "../src/pccc/pccc-address.ts";
import { PCCC_OBJECT_CLASS } from "../src/pccc/pccc-codes.ts";
import { CipRouter } from "./cip.ts";
import { createEmulatorControl, type LogixEmulatorControl } from "./control-api.ts";
import { ControllerSimulation } from "./controller-simulation.ts";
import {
  type ControllerIdentity,
  type LogixEmulatorDefaults,
  logixEmulatorDefaults,
  type SimulationTunables,
} from "./emulator-defaults.ts";
import type { EmulatedEquipment } from "./equipment-simulation.ts";
import { EmulatorTcpServer } from "./logix-emulator.ts";
import { type DataFileDefinition, type DataTableValue, PcccDataTable } from "./pccc-data-table.ts";
import { createPcccObject } from "./pccc-object.ts";
import { SLC_MAX_EQUIPMENT, SlcEquipmentImage } from "./slc-equipment-image.ts";
import { TagDatabase, type TagValue } from "./tag-database.ts";

export type SlcModel = "SLC 5/05" | "MicroLogix 1400";

/** What each model reports in its Identity object and which data files it ships with. */
export const slcModels: Readonly<Record<SlcModel, { identity: ControllerIdentity; files: DataFileDefinition[] }>> = {
  "SLC 5/05": {
    identity: {
      vendorId: 1, // Rockwell Automation/Allen-Bradley
      deviceType: 0x0e, // Programmable Logic Controller
      productCode: 0x5b,
      revision: { major: 11, minor: 1 },
      status: 0x0060,
      serialNumber: 0x5105c0de,
      productName: "1747-L552/C 5/05 CPU",
    },
    files: [
      { letter: "S", number: 2, elements: 164 },
      { letter: "B", number: 3, elements: 64 },
      { letter: "T", number: 4, elements: 16 },
      { letter: "C", number: 5, elements: 16 },
      { letter: "N", number: 7, elements: 256 },
      { letter: "F", number: 8, elements: 64 },
      { letter: "N", number: 10, elements: 256 },
    ],
  },
  "MicroLogix 1400": {
    identity: {
      vendorId: 1,
      deviceType: 0x0e,
      productCode: 0x5a,
      revision: { major: 21, minor: 3 },
      status: 0x0060,
      serialNumber: 0x1400c0de,
      productName: "1766-L32BXB B/21.03",
    },
    files: [
      { letter: "S", number: 2, elements: 164 },
      { letter: "B", number: 3, elements: 64 },
      { letter: "T", number: 4, elements: 16 },
      { letter: "C", number: 5, elements: 16 },
      { letter: "N", number: 7, elements: 256 },
      { letter: "F", number: 8, elements: 64 },
      // MicroLogix 1100/1400 have long-integer files; the SLC 500 family has none
      { letter: "L", number: 9, elements: 64 },
      { letter: "N", number: 10, elements: 256 },
    ],
  },
};

export interface SlcEmulatorOptions {
  /** @default "127.0.0.1" */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** @default 1 */
  seed?: number;
  /** @default 1 */
  timeScale?: number;
  /** @default 100 */
  tickMs?: number;
  /** Up to four machines; each has 64 fault bits (B3, four words) whatever its `faultWords`. */
  equipment: EmulatedEquipment[];
  /** @default "SLC 5/05" */
  model?: SlcModel;
  /** Refuse Forward Open, so clients must use unconnected messaging. @default false */
  refuseConnectedMessaging?: boolean;
  /** Largest typed read or write answered, data bytes; larger ones get EXT STS 0x09. @default 236 */
  maxTransferBytes?: number;
  startPaused?: boolean;
  simulation?: Partial<SimulationTunables>;
  tunables?: Partial<
    Pick<LogixEmulatorDefaults, "stepMs" | "maxStepsPerTick" | "splitReplyChunks" | "splitReplyDelayMs">
  >;
  logger?: Logger;
}

/** The Logix control API, with tags addressed the SLC way. */
export interface SlcEmulatorControl extends Omit<LogixEmulatorControl, "setTag" | "getTag"> {
  /** Writes the data table by address ("N7:1", "B3:0/5", "T4:0.PRE", "N10:0" with an array for several). */
  setTag(address: string, value: DataTableValue): void;
  /**
   * Reads the data table by address; a length reads that many elements. A name of the simulation's
   * own tags instead ("GoodCount", "Program:M1.Speed") reads the machine behind the table at full
   * width (the 32-bit count the 16-bit N7 word shows the low half of), for tests to compare with.
   */
  getTag(address: string, length?: number): DataTableValue | TagValue;
}

export interface RunningSlcEmulator {
  host: string;
  port: number;
  model: SlcModel;
  control: SlcEmulatorControl;
  stop(): Promise<void>;
}

export async function startSlcEmulator(options: SlcEmulatorOptions): Promise<RunningSlcEmulator> {
  const defaults = logixEmulatorDefaults;
  const settings = { ...defaults, ...options.tunables };
  const model = options.model ?? "SLC 5/05";
  if (options.equipment.length > SLC_MAX_EQUIPMENT) {
    throw new Error(`an emulated ${model} carries at most ${SLC_MAX_EQUIPMENT} machines`);
  }
  // The simulation writes Logix-shaped tags; the data table shows them. Neither is visible as the other.
  const simulationTags = new TagDatabase();
  const simulation = new ControllerSimulation(simulationTags, {
    seed: options.seed ?? defaults.seed,
    timeScale: options.timeScale ?? defaults.timeScale,
    tickMs: options.tickMs ?? defaults.tickMs,
    stepMs: settings.stepMs,
    maxStepsPerTick: settings.maxStepsPerTick,
    tunables: { ...defaults.simulation, ...options.simulation },
    equipment: options.equipment.map((equipment) => ({ ...equipment, faultWords: 2 })),
  });
  const table = new PcccDataTable(slcModels[model].files);
  const images = options.equipment.map(
    (equipment, index) => new SlcEquipmentImage(index, equipment.tagPrefix, simulationTags, table),
  );
  const startedAt = Date.now();
  const updateImage = () => {
    for (const image of images) image.update();
    updateStatusFile(table, simulation.simulatedMs, startedAt);
  };
  const adoptWrites = () => {
    for (const image of images) image.adoptWrites();
  };
  updateImage();
  const counters = { tagsRead: 0, tagsWritten: 0 };
  let wire: EmulatorTcpServer | undefined;
  const router = new CipRouter({
    // Symbolic (Logix) tag services find nothing here: an SLC has no tag names
    tags: new TagDatabase(),
    identity: slcModels[model].identity,
    maxConnectionSize: 500,
    unconnectedReplyLimit: defaults.unconnectedReplyLimit,
    pathCacheLimit: defaults.pathCacheLimit,
    refuseForwardOpen: options.refuseConnectedMessaging ?? false,
    objects: new Map([
      [
        PCCC_OBJECT_CLASS,
        createPcccObject({
          table,
          maxTransferBytes: options.maxTransferBytes ?? 236,
          beforeAccess: updateImage,
          afterWrite: adoptWrites,
          readsAnswerUnknownTag: () => wire?.mode === "unknown-tag",
          counters,
        }),
      ],
    ]),
  });
  wire = new EmulatorTcpServer(router, slcModels[model].identity, settings, options.logger);
  const host = options.host ?? defaults.host;
  const port = await wire.listen(host, options.port ?? defaults.port);
  if (options.startPaused) simulation.pause();
  simulation.start();
  const server = wire;
  const logixControl = createEmulatorControl(simulation, simulationTags, {
    dropConnections: () => server.dropConnections(),
    setReplyMode: (mode) => server.setReplyMode(mode),
    stats: () => ({ ...server.stats(), tagsRead: counters.tagsRead, tagsWritten: counters.tagsWritten }),
  });
  const control: SlcEmulatorControl = {
    ...logixControl,
    setTag: (address, value) => {
      updateImage();
      table.set(address, value);
      adoptWrites();
    },
    getTag: (address, length) => {
      if (!isPcccAddress(address)) return simulationTags.get(address);
      updateImage();
      return table.get(address, length);
    },
  };
  return {
    host,
    port,
    model,
    control,
    stop: async () => {
      simulation.stop();
      await server.close();
    },
  };
}

/** S:1 mode bits (remote run), S:4 free-running clock (10 ms ticks of simulated time), S:37-S:42 clock. */
function updateStatusFile(table: PcccDataTable, simulatedMs: number, startedAt: number): void {
  const status = table.file(2);
  if (!status) return;
  status.data.writeUInt16LE(0b11110, 1 * 2);
  status.data.writeUInt16LE(Math.floor(simulatedMs / 10) & 0xffff, 4 * 2);
  const now = new Date(startedAt + simulatedMs);
  const clock = [
    now.getFullYear(),
    now.getMonth() + 1,
    now.getDate(),
    now.getHours(),
    now.getMinutes(),
    now.getSeconds(),
  ];
  clock.forEach((value, i) => {
    status.data.writeUInt16LE(value, (37 + i) * 2);
  });
}

/** True for an SLC data-table address, false for anything else (a simulation tag name). */
function isPcccAddress(text: string): boolean {
  try {
    parsePcccAddress(text.replace(/,\d+$/, ""));
    return true;
  } catch (error) {
    if (error instanceof PcccAddressError && error.problem === "syntax") return false;
    return true;
  }
}
