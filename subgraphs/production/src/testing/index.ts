// What tests outside this package (the whole-floor tests in @ms5/floor-test-plant) borrow from the
// production subgraph's own test kit.
export { openSeededTestPlant, type SeededTestPlant, type TestRunServices } from "./production-test-plant.ts";
