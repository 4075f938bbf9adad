// The registry that creates a PLC driver by name, so another protocol (SLC/PCCC, Modbus, OPC UA)
// slots in beside Logix: add its factory here; the contract it implements is plc-driver.ts.
import { LogixDriver } from "./logix-driver.ts";
import type { PlcDriver, PlcEndpoint } from "./plc-driver.ts";
import { SlcPcccDriver } from "./slc-pccc-driver.ts";

export type PlcDriverFactory = (endpoint: PlcEndpoint) => PlcDriver;

const plcDriverFactories = {
  LOGIX: (endpoint) => new LogixDriver(endpoint),
  SLC_PCCC: (endpoint) => new SlcPcccDriver(endpoint),
} satisfies Record<string, PlcDriverFactory>;

export type PlcDriverName = keyof typeof plcDriverFactories;

/** Driver names the registry knows, for validating configuration. */
export const PLC_DRIVER_NAMES = Object.keys(plcDriverFactories) as PlcDriverName[];

export function createPlcDriver(driver: PlcDriverName, endpoint: PlcEndpoint): PlcDriver {
  const factory: PlcDriverFactory | undefined = plcDriverFactories[driver];
  if (!factory) throw new Error(`Unknown PLC driver "${driver}"; known: ${PLC_DRIVER_NAMES.join(", ")}`);
  return factory(endpoint);
}
