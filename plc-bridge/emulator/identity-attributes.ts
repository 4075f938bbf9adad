// The Identity object's attributes 1-7 in CIP bytes. Get Attribute All, Get Attribute Single and
// the ListIdentity reply all carry them, so they are encoded here once.
import type { ByteWriter } from "./byte-writer.ts";
import type { ControllerIdentity } from "./emulator-defaults.ts";

/** Attribute ids of the Identity object, vendor id (1) to product name (7). */
export const IdentityAttribute = {
  VendorId: 1,
  DeviceType: 2,
  ProductCode: 3,
  Revision: 4,
  Status: 5,
  SerialNumber: 6,
  ProductName: 7,
} as const;

/** Appends one attribute (1-7); the caller checks the id. */
export function writeIdentityAttribute(out: ByteWriter, identity: ControllerIdentity, attribute: number): void {
  switch (attribute) {
    case IdentityAttribute.VendorId:
      out.u16(identity.vendorId);
      return;
    case IdentityAttribute.DeviceType:
      out.u16(identity.deviceType);
      return;
    case IdentityAttribute.ProductCode:
      out.u16(identity.productCode);
      return;
    case IdentityAttribute.Revision:
      out.u8(identity.revision.major);
      out.u8(identity.revision.minor);
      return;
    case IdentityAttribute.Status:
      out.u16(identity.status);
      return;
    case IdentityAttribute.SerialNumber:
      out.u32(identity.serialNumber);
      return;
    case IdentityAttribute.ProductName:
      out.u8(identity.productName.length);
      out.ascii(identity.productName);
  }
}

/** Appends attributes 1-7 in order, as Get Attribute All and ListIdentity lay them out. */
export function writeIdentityAttributes(out: ByteWriter, identity: ControllerIdentity): void {
  for (let attribute: number = IdentityAttribute.VendorId; attribute <= IdentityAttribute.ProductName; attribute++) {
    writeIdentityAttribute(out, identity, attribute);
  }
}
