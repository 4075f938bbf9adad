// The PCCC numbers (DF1 command set as carried by CIP's Execute PCCC service): command and function
// codes, data-table file types, and the STS / EXT STS error bytes, written down once for the
// bridge's SLC driver and the emulator's SLC 5/05 personality.

/** CIP object and service that carry PCCC over EtherNet/IP. */
export const PCCC_OBJECT_CLASS = 0x67;
export const EXECUTE_PCCC_SERVICE = 0x4b;

/** PCCC command byte of the typed read/write family; the reply carries it with REPLY_FLAG set. */
export const PcccCommand = { TypedCommand: 0x0f } as const;
export const PCCC_REPLY_FLAG = 0x40;

/** Function codes of command 0x0F used here (DF1 protocol manual, "protected typed logical" family). */
export const PcccFunction = {
  /** Read with three address fields: byte size, file, type, element, sub-element. */
  TypedLogicalRead: 0xa2,
  /** Write with three address fields, then the data. */
  TypedLogicalWrite: 0xaa,
  /** Write with mask, three address fields: bits set in the mask take the value's bits. */
  TypedLogicalMaskedWrite: 0xab,
} as const;

/** Data-table file type codes of the three-address-field functions. */
export const PcccFileType = {
  Status: 0x84,
  Bit: 0x85,
  Timer: 0x86,
  Counter: 0x87,
  Control: 0x88,
  Integer: 0x89,
  Float: 0x8a,
  String: 0x8d,
  /** MicroLogix 1100/1400 only. */
  Long: 0x91,
} as const;

/** STS byte of a reply: 0 success; 0xF0 means the EXT STS byte after TNSW says why. */
export const PcccStatus = {
  Success: 0x00,
  IllegalCommandOrFormat: 0x10,
  HostProblem: 0x20,
  RemoteNodeMissing: 0x30,
  HardwareFault: 0x40,
  AddressingProblem: 0x50,
  CommandProtection: 0x60,
  ProgramMode: 0x70,
  CompatibilityFileMissing: 0x80,
  CannotBuffer: 0x90,
  DownloadInProgress: 0xb0,
  Extended: 0xf0,
} as const;

/** EXT STS byte that follows STS 0xF0 (the ones a typed read or write can answer). */
export const PcccExtendedStatus = {
  IllegalFieldValue: 0x01,
  TooFewAddressLevels: 0x02,
  TooManyAddressLevels: 0x03,
  SymbolNotFound: 0x04,
  SymbolBadFormat: 0x05,
  AddressNotUsable: 0x06,
  FileWrongSize: 0x07,
  SituationChanged: 0x08,
  DataTooLarge: 0x09,
  TransactionTooLarge: 0x0a,
  AccessDenied: 0x0b,
  ResourceUnavailable: 0x0c,
  IllegalDataType: 0x11,
  InvalidParameter: 0x12,
} as const;

const statusText: Record<number, string> = {
  [PcccStatus.IllegalCommandOrFormat]: "illegal command or format",
  [PcccStatus.HostProblem]: "host has a problem and will not communicate",
  [PcccStatus.RemoteNodeMissing]: "remote node missing, disconnected or shut down",
  [PcccStatus.HardwareFault]: "host could not complete the function: hardware fault",
  [PcccStatus.AddressingProblem]: "addressing problem or memory protect rungs",
  [PcccStatus.CommandProtection]: "function not allowed by command protection",
  [PcccStatus.ProgramMode]: "processor is in program mode",
  [PcccStatus.CompatibilityFileMissing]: "compatibility file missing or communication zone problem",
  [PcccStatus.CannotBuffer]: "remote node cannot buffer the command",
  [PcccStatus.DownloadInProgress]: "remote node problem due to download",
};

const extendedStatusText: Record<number, string> = {
  [PcccExtendedStatus.IllegalFieldValue]: "a field has an illegal value",
  [PcccExtendedStatus.TooFewAddressLevels]: "fewer address levels than any address has",
  [PcccExtendedStatus.TooManyAddressLevels]: "more address levels than the controller supports",
  [PcccExtendedStatus.SymbolNotFound]: "symbol not found",
  [PcccExtendedStatus.SymbolBadFormat]: "symbol of improper format",
  [PcccExtendedStatus.AddressNotUsable]: "address does not point to something usable (no such file or element)",
  [PcccExtendedStatus.FileWrongSize]: "file is the wrong size (element beyond its end)",
  [PcccExtendedStatus.SituationChanged]: "situation changed since the command started",
  [PcccExtendedStatus.DataTooLarge]: "data or file is too large",
  [PcccExtendedStatus.TransactionTooLarge]: "transaction size plus word address is too large",
  [PcccExtendedStatus.AccessDenied]: "access denied, improper privilege",
  [PcccExtendedStatus.ResourceUnavailable]: "resource is not available",
  [PcccExtendedStatus.IllegalDataType]: "illegal data type",
  [PcccExtendedStatus.InvalidParameter]: "invalid parameter or data",
};

const hex2 = (n: number) => `0x${n.toString(16).padStart(2, "0")}`;

/** A readable reason for a PCCC error status, with both bytes. */
export function describePcccStatus(status: number, extendedStatus?: number): string {
  if (status === PcccStatus.Extended && extendedStatus !== undefined) {
    const reason = extendedStatusText[extendedStatus] ?? "extended error";
    return `${reason} (PCCC STS ${hex2(status)}, EXT STS ${hex2(extendedStatus)})`;
  }
  const reason = statusText[status & 0xf0] ?? "error";
  return `${reason} (PCCC STS ${hex2(status)})`;
}
