// The EtherNet/IP numbers the emulator and its raw test client speak, written down once so the
// server, the client codec and the tests cannot drift apart. The CIP numbers, which the bridge's
// driver speaks too, are in ../src/cip/.

/** Encapsulation commands (EtherNet/IP spec, Vol. 2 §2-3). */
export const EncapsulationCommand = {
  Nop: 0x0000,
  ListServices: 0x0004,
  ListIdentity: 0x0063,
  ListInterfaces: 0x0064,
  RegisterSession: 0x0065,
  UnRegisterSession: 0x0066,
  SendRRData: 0x006f,
  SendUnitData: 0x0070,
} as const;

/** Encapsulation header status codes. */
export const EncapsulationStatus = {
  Success: 0x0000,
  InvalidCommand: 0x0001,
  IncorrectData: 0x0003,
  InvalidSessionHandle: 0x0064,
  InvalidLength: 0x0065,
  UnsupportedProtocolVersion: 0x0069,
} as const;

/** Size of the encapsulation header every request and reply starts with. */
export const ENCAPSULATION_HEADER_LENGTH = 24;

/** Common Packet Format item type ids. */
export const CpfItemType = {
  NullAddress: 0x0000,
  ListIdentity: 0x000c,
  ConnectedAddress: 0x00a1,
  ConnectedData: 0x00b1,
  UnconnectedData: 0x00b2,
  ListServices: 0x0100,
} as const;

/** Symbol type word of a program entry in a tag browse (reserved bit 0x1000 set, as Logix does). */
export const PROGRAM_SYMBOL_TYPE = 0x1068;
