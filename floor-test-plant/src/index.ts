export {
  BAGGER,
  BAGGER_PLC,
  BAGGING_LINE,
  type EmulatedBaggingLine,
  type EmulatedBaggingLineOptions,
  startEmulatedBaggingLine,
  streamEntries,
} from "./emulated-bagging-line.ts";
export {
  FLOOR_GATEWAY_SECRET,
  type FloorGateway,
  type FloorGatewayOptions,
  floorToken,
  type GraphQLResponseBody,
  gatewayCall,
  startFloorGateway,
} from "./floor-gateway.ts";
