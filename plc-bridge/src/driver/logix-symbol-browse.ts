// Lists a Logix controller's symbols (controller-scoped tags and each program's) so a person picks
// tags instead of typing them: st-ethernet-ip's browse (Get Instance Attribute List, service 0x55, on
// the Symbol object 0x6B), on a connection of its own that is closed straight after.
import { settleWithin } from "@ms5/kit";
import type { PlcSymbol } from "@ms5/schema";
import { Controller } from "st-ethernet-ip";
import type { PlcEndpoint } from "./plc-driver.ts";

/** Symbols a browse answers at most; a controller with more is cut (the rest are typed by hand). @default 5000 */
export const MAX_BROWSED_SYMBOLS = 5_000;

/** System symbols (`__`-prefixed, `Map:`, `Task:`, ...) no binding reads. */
function isUserSymbol(name: string): boolean {
  return !name.startsWith("__") && !name.includes(":");
}

export async function browseLogixSymbols(endpoint: PlcEndpoint): Promise<PlcSymbol[]> {
  const { host, port, slot, timeoutMs, connected } = endpoint;
  const controller = new Controller(connected, { port, unconnectedSendTimeout: timeoutMs });
  controller.timeout_sp = timeoutMs;
  controller.on("error", () => {
    // the connect's rejection carries it
  });
  // A browse is many requests (one per page, per program): more time than one read
  const deadlineMs = 10 * timeoutMs + 1_000;
  try {
    await settleWithin(
      controller.connect(host, slot, true),
      deadlineMs,
      () => new Error(`the symbol browse took longer than ${deadlineMs} ms`),
    );
    return controller.tagList
      .filter((tag) => isUserSymbol(tag.name))
      .slice(0, MAX_BROWSED_SYMBOLS)
      .map((tag) => ({
        name: tag.name,
        ...(tag.program ? { program: tag.program } : {}),
        type: tag.type.typeName ?? `0x${tag.type.code.toString(16)}`,
        structure: tag.type.structure,
        arrayDims: tag.type.arrayDims,
      }));
  } finally {
    controller.destroy();
  }
}
