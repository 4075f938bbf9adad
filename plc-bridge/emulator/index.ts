// Public surface of the Logix emulator: start one, drive it, and the raw client and CIP codec tests
// use to talk to it byte by byte.

export { CipStatus } from "../src/cip/cip-codes.ts";
export { CipTypeCode } from "../src/cip/cip-data-types.ts";
export { encodeLogicalPath } from "../src/cip/cip-epath.ts";
export {
  type CipReply,
  decodeMultipleServiceReply,
  decodeReply,
  decodeTagBrowse,
  encodeForwardClose,
  encodeForwardOpen,
  encodeGetAttributeAll,
  encodeMultipleServicePacket,
  encodeReadTag,
  encodeReadTagFragmented,
  encodeRequest,
  encodeTagBrowse,
  encodeTagPath,
  encodeUnconnectedSend,
  encodeWriteTag,
} from "./cip-client-messages.ts";
export type { EmulatorStats, LogixEmulatorControl, ReplyMode } from "./control-api.ts";
export { replyModes } from "./control-api.ts";
export { lineTagTypes } from "./controller-simulation.ts";
export { type EmulatedPlc, emulatedPlantFromDatabase } from "./emulated-plant-from-database.ts";
export {
  type ControllerIdentity,
  type LogixEmulatorDefaults,
  logixEmulatorDefaults,
  type SimulationTunables,
} from "./emulator-defaults.ts";
export {
  type EmulatedEquipment,
  EquipmentState,
  type EquipmentStateName,
  equipmentTagName,
  equipmentTagTypes,
  type SettableEquipmentState,
} from "./equipment-simulation.ts";
export { type LogixEmulatorOptions, type RunningLogixEmulator, startLogixEmulator } from "./logix-emulator.ts";
export { type DataFileDefinition, type DataTableValue, PcccDataTable } from "./pccc-data-table.ts";
export { RawEnipClient } from "./raw-enip-client.ts";
export {
  type RunningSlcEmulator,
  type SlcEmulatorControl,
  type SlcEmulatorOptions,
  type SlcModel,
  slcModels,
  startSlcEmulator,
} from "./slc-emulator.ts";
export { SLC_MAX_EQUIPMENT, slcEquipmentAddresses } from "./slc-equipment-image.ts";
export type { TagValue } from "./tag-database.ts";
