// The Identity object (class 1, instance 1) as a client reads it: Get Attribute All, attributes 1-7.
import { CipClass, CipService } from "./cip-codes.ts";
import { encodeLogicalPath } from "./cip-epath.ts";

export interface CipIdentity {
  vendorId: number;
  deviceType: number;
  productCode: number;
  revision: string;
  /** Identity status word (0x0060: owned, configured; run mode on Rockwell controllers). */
  status: number;
  serialNumber: number;
  productName: string;
}

/** Get Attribute All on the Identity object. */
export function identityRequest(): Buffer {
  const path = encodeLogicalPath(CipClass.Identity, 1);
  return Buffer.concat([Buffer.from([CipService.GetAttributeAll, path.length / 2]), path]);
}

/** Decodes the reply data of identityRequest(); throws when it is too short for attributes 1-7. */
export function parseIdentity(data: Buffer): CipIdentity {
  if (data.length < 15) throw new Error(`identity reply of ${data.length} bytes is shorter than attributes 1-6`);
  const nameLength = data[14]!;
  if (data.length < 15 + nameLength) throw new Error("identity product name runs past the end of the reply");
  return {
    vendorId: data.readUInt16LE(0),
    deviceType: data.readUInt16LE(2),
    productCode: data.readUInt16LE(4),
    revision: `${data[6]}.${String(data[7]).padStart(3, "0")}`,
    status: data.readUInt16LE(8),
    serialNumber: data.readUInt32LE(10),
    productName: data.toString("latin1", 15, 15 + nameLength),
  };
}
