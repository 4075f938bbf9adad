export { type Bridge, type BridgeOptions, createBridge } from "./bridge.ts";
export { type PlantConfig, parsePlantConfig } from "./plant-config.ts";
export { loadPlantConfigFromDatabase } from "./plant-config-from-database.ts";
