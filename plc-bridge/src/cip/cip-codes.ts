// The CIP numbers of a Message Router exchange (service codes, reply flag, general and extended
// status, object classes), written down once for the bridge's driver and the emulator.

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
  /** With GeneralError: the byte offset lies beyond the end of the tag (Logix 0x2104). */
  OffsetBeyondEnd: 0x2104,
  /** With GeneralError: more elements asked for than the tag holds (Logix 0x2105). */
  ElementsBeyondEnd: 0x2105,
  /** With GeneralError: the data type in the write does not match the tag (Logix 0x2107). */
  DataTypeMismatch: 0x2107,
} as const;

/** CIP object classes a Logix controller is addressed by. */
export const CipClass = {
  Identity: 0x01,
  MessageRouter: 0x02,
  ConnectionManager: 0x06,
  Symbol: 0x6b,
} as const;
