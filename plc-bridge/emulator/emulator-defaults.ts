// Every tunable of the Logix emulator in one typed object: network limits, the identity it reports,
// and the rates and time constants that make the simulated equipment believable.

export interface ControllerIdentity {
  vendorId: number;
  deviceType: number;
  productCode: number;
  revision: { major: number; minor: number };
  /** Identity status word; 0x0060 = Run mode, no faults. */
  status: number;
  serialNumber: number;
  productName: string;
}

export interface SimulationTunables {
  /** Speed wanders around its target by at most this fraction while running. @default 0.03 */
  speedDriftFraction: number;
  /** Time constant of the speed ramp after a start, simulated seconds. @default 4 */
  speedRampSeconds: number;
  /** Reject fraction is drawn per equipment between these bounds. @default [0.01, 0.02] */
  rejectRate: readonly [number, number];
  /** Autonomous equipment spends this long at StateCode 0 after start-up, simulated seconds. @default 2 */
  powerUpSeconds: number;
  /** Mean running time between micro-stops (starved/blocked), simulated seconds. @default 240 */
  meanSecondsBetweenMicroStops: number;
  /** Micro-stop length bounds, simulated seconds. @default [2, 12] */
  microStopSeconds: readonly [number, number];
  /** Mean running time between faults, simulated seconds. @default 1800 */
  meanSecondsBetweenFaults: number;
  /** Downtime bounds after an autonomous fault, simulated seconds. @default [60, 600] */
  faultDownSeconds: readonly [number, number];
  /** While down, mean time until a consequential fault bit follows the first-out, seconds. @default 20 */
  meanSecondsBetweenConsequentialFaults: number;
  /** At most this many extra fault bits follow the first-out. @default 2 */
  maxConsequentialFaults: number;
  /** Mean running time between planned stops, simulated seconds. @default 14400 (4 h) */
  meanSecondsBetweenPlannedStops: number;
  /** Planned stop length bounds, simulated seconds. @default [900, 1800] */
  plannedStopSeconds: readonly [number, number];
  /** Mean running time between changeovers, simulated seconds. @default 10800 (3 h) */
  meanSecondsBetweenChangeovers: number;
  /** Changeover length bounds, simulated seconds. @default [600, 1500] */
  changeoverSeconds: readonly [number, number];
  /** Electrical draw while stopped, kW. @default 1.5 */
  idleKw: number;
  /** Extra draw at target speed, kW (scales with speed). @default 8 */
  loadKw: number;
  /** Sealing-jaw setpoint while running, °C. @default 175 */
  jawSetpointC: number;
  /** Peak-to-peak noise on the jaw temperature, °C. @default 1.5 */
  jawNoiseC: number;
  /** Jaw heating time constant, simulated seconds. @default 45 */
  jawHeatSeconds: number;
  /** Jaw cooling time constant when stopped, simulated seconds. @default 900 */
  jawCoolSeconds: number;
  /** Temperature the jaws cool towards, °C. @default 25 */
  ambientC: number;
  /** Line_SpeedHistory gains one sample per this many simulated seconds. @default 60 */
  speedHistorySampleSeconds: number;
  /** Elements of Line_SpeedHistory (REAL[]); large enough to need fragmented reads. @default 240 */
  speedHistoryLength: number;
}

export interface LogixEmulatorDefaults {
  /** Address to listen on; tests stay on loopback. @default "127.0.0.1" */
  host: string;
  /** TCP port; 0 picks a free one (44818 lies in Linux's ephemeral range). @default 0 */
  port: number;
  /** PRNG seed; the same seed and simulated time give the same tag values. @default 1 */
  seed: number;
  /** Simulated milliseconds per real millisecond (60 = a minute per second). @default 1 */
  timeScale: number;
  /** Real milliseconds between simulation timer ticks. @default 100 */
  tickMs: number;
  /**
   * Simulated milliseconds per simulation step. Fixed, so the history under a seed does not depend on
   * timer jitter or timeScale. @default 100
   */
  stepMs: number;
  /** Cap on steps run by one timer tick, so a huge timeScale cannot stall the event loop. @default 100000 */
  maxStepsPerTick: number;
  /** Largest CIP reply to an unconnected (UCMM) request, bytes; Logix uses about 504. @default 504 */
  unconnectedReplyLimit: number;
  /** Largest connection size a (Large) Forward Open may ask for, bytes. @default 4002 */
  maxConnectionSize: number;
  /** Chunks each reply is cut into in "split" reply mode. @default 3 */
  splitReplyChunks: number;
  /** Delay between those chunks, ms. @default 3 */
  splitReplyDelayMs: number;
  /** Resolved tag paths remembered per emulator before the cache is cleared. @default 20000 */
  pathCacheLimit: number;
  identity: ControllerIdentity;
  simulation: SimulationTunables;
}

export const logixEmulatorDefaults: LogixEmulatorDefaults = {
  host: "127.0.0.1",
  port: 0,
  seed: 1,
  timeScale: 1,
  tickMs: 100,
  stepMs: 100,
  maxStepsPerTick: 100_000,
  unconnectedReplyLimit: 504,
  maxConnectionSize: 4002,
  splitReplyChunks: 3,
  splitReplyDelayMs: 3,
  pathCacheLimit: 20_000,
  identity: {
    vendorId: 1, // Rockwell Automation/Allen-Bradley
    deviceType: 0x0e, // Programmable Logic Controller
    productCode: 155,
    revision: { major: 33, minor: 11 },
    status: 0x0060,
    serialNumber: 0x60c0ffee,
    productName: "1769-L33ER/A LOGIX5333ER",
  },
  simulation: {
    speedDriftFraction: 0.03,
    speedRampSeconds: 4,
    rejectRate: [0.01, 0.02],
    powerUpSeconds: 2,
    meanSecondsBetweenMicroStops: 240,
    microStopSeconds: [2, 12],
    meanSecondsBetweenFaults: 1800,
    faultDownSeconds: [60, 600],
    meanSecondsBetweenConsequentialFaults: 20,
    maxConsequentialFaults: 2,
    meanSecondsBetweenPlannedStops: 4 * 3600,
    plannedStopSeconds: [900, 1800],
    meanSecondsBetweenChangeovers: 3 * 3600,
    changeoverSeconds: [600, 1500],
    idleKw: 1.5,
    loadKw: 8,
    jawSetpointC: 175,
    jawNoiseC: 1.5,
    jawHeatSeconds: 45,
    jawCoolSeconds: 900,
    ambientC: 25,
    speedHistorySampleSeconds: 60,
    speedHistoryLength: 240,
  },
};
