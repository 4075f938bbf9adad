// The EtherNet/IP and CIP numbers the emulator and its raw test client speak, written down once so
// the server, the client codec and the tests cannot drift apart.

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

/** CIP service codes. Some codes mean different things on different objects (0x4E, 0x52). */
export const CipService = {
  GetAttributeAll: 0x01,
  MultipleServicePacket: 0x0a,
  GetAttributeSingle: 0x0e,
  ReadTag: 0x4c,
  WriteTag: 0x4d,
  /** On a tag path. */
  ReadModifyWriteTag: 0x4e,
  /** On the connection manager (class 6). */
  ForwardClose: 0x4e,
  /** On a tag path. */
  ReadTagFragmented: 0x52,
  /** On the connection manager (class 6). */
  UnconnectedSend: 0x52,
  WriteTagFragmented: 0x53,
  ForwardOpen: 0x54,
  GetInstanceAttributeList: 0x55,
  LargeForwardOpen: 0x5b,
} as const;

/** Set on a service code to mark the reply to it. */
export const CIP_REPLY_FLAG = 0x80;

/** CIP general status codes (Vol. 1 Appendix B). */
export const CipStatus = {
  Success: 0x00,
  ConnectionFailure: 0x01,
  PathSegmentError: 0x04,
  PathDestinationUnknown: 0x05,
  PartialTransfer: 0x06,
  ServiceNotSupported: 0x08,
  AttributeNotSupported: 0x14,
  NotEnoughData: 0x13,
  TooMuchData: 0x15,
  EmbeddedServiceError: 0x1e,
  InvalidParameter: 0x20,
  GeneralError: 0xff,
} as const;

/** Extended status words that go with the general status codes above. */
export const CipExtendedStatus = {
  /** With ConnectionFailure: the connection to close does not exist. */
  ConnectionNotFound: 0x0107,
  /** With ConnectionFailure: the requested connection size is not supported. */
  InvalidConnectionSize: 0x0109,
  /** With GeneralError: more elements asked for than the tag holds (Logix 0x2105). */
  ElementsBeyondEnd: 0x2105,
  /** With GeneralError: the data type in the write does not match the tag (Logix 0x2107). */
  DataTypeMismatch: 0x2107,
} as const;

/** CIP object classes the emulator implements. */
export const CipClass = {
  Identity: 0x01,
  MessageRouter: 0x02,
  ConnectionManager: 0x06,
  Symbol: 0x6b,
} as const;

/** EPATH segment type bytes. */
export const PathSegment = {
  Class8: 0x20,
  Class16: 0x21,
  Instance8: 0x24,
  Instance16: 0x25,
  Instance32: 0x26,
  Attribute8: 0x30,
  Attribute16: 0x31,
  Element8: 0x28,
  Element16: 0x29,
  Element32: 0x2a,
  Symbolic: 0x91,
} as const;

/** Atomic Logix data type codes as they appear in Read/Write Tag data. */
export const CipTypeCode = {
  BOOL: 0xc1,
  SINT: 0xc2,
  INT: 0xc3,
  DINT: 0xc4,
  LINT: 0xc5,
  REAL: 0xca,
  LREAL: 0xcb,
} as const;

/** Symbol type word of a program entry in a tag browse (reserved bit 0x1000 set, as Logix does). */
export const PROGRAM_SYMBOL_TYPE = 0x1068;
