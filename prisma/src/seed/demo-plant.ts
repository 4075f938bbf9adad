// The demo plant: a believable feed mill with two bagging lines and a dispatch loading line. Pure
// data; seed-plant.ts writes it. Ports are the loopback ports the emulated PLCs listen on.
import type { Role } from "@ms5/schema";

/** Every demo user signs in with this password until they change it (README: "Demo users"). */
export const DEMO_PASSWORD = "floor-demo-2026";

export const SITE = { code: "rvm", name: "Riverside Mill", timezone: "Africa/Johannesburg" } as const;

export const AREAS = [
  { code: "PACK", name: "Packing Hall" },
  { code: "DISP", name: "Dispatch" },
] as const;

export const PRODUCTS = [
  {
    code: "MM-10",
    name: "Maize Meal 10 kg bag",
    unit: "bag",
    idealCycleTimeSeconds: 1.5,
    specs: { netWeightKg: 10, toleranceKg: [-0.05, 0.15], film: "PE 120 µm" },
    targetWeightKg: 10,
    bagSize: "400 x 650 mm PE 120 µm",
    toleranceBelowKg: 0.05,
    toleranceAboveKg: 0.15,
  },
  {
    code: "MM-25",
    name: "Maize Meal 25 kg bag",
    unit: "bag",
    idealCycleTimeSeconds: 2.4,
    specs: { netWeightKg: 25, toleranceKg: [-0.1, 0.3], film: "PE 150 µm" },
    targetWeightKg: 25,
    bagSize: "500 x 850 mm PE 150 µm",
    toleranceBelowKg: 0.1,
    toleranceAboveKg: 0.3,
  },
  {
    code: "AF-50",
    name: "Layer Mash 50 kg bag",
    unit: "bag",
    idealCycleTimeSeconds: 3.0,
    specs: { netWeightKg: 50, toleranceKg: [-0.2, 0.5], film: "Woven PP" },
    targetWeightKg: 50,
    bagSize: "600 x 950 mm woven PP",
    toleranceBelowKg: 0.2,
    toleranceAboveKg: 0.5,
  },
  {
    code: "BSK-40",
    name: "Dispatch basket, 40 bags",
    unit: "basket",
    idealCycleTimeSeconds: 90,
    specs: { bagsPerBasket: 40 },
  },
] as const;

export const TAG_MAPS = [
  {
    name: "bagger-compactlogix-v1",
    tags: {
      running: { tag: "Running", type: "BOOL", scanMs: 100 },
      stateCode: { tag: "StateCode", type: "DINT", scanMs: 100 },
      speed: { tag: "Speed", type: "REAL", scanMs: 500, deadband: 0.5, heartbeatMs: 10_000 },
      goodCount: { tag: "GoodCount", type: "DINT", scanMs: 500 },
      rejectCount: { tag: "RejectCount", type: "DINT", scanMs: 500 },
      faultWords: { tag: "Faults", type: "DINT", length: 2, scanMs: 100 },
      firstOutFault: { tag: "FirstOutFault", type: "DINT", scanMs: 100 },
      energyKwh: { tag: "EnergyKWh", type: "REAL", scanMs: 5_000, deadband: 0.01, heartbeatMs: 60_000 },
      jawTemperature: { tag: "JawTempC", type: "REAL", scanMs: 1_000, deadband: 0.5, heartbeatMs: 30_000 },
    },
  },
  {
    // A check weigher's PLC program: its last weights in a ring and a weigh counter, read together.
    name: "checkweigher-compactlogix-v1",
    tags: {
      weighCount: { tag: "WeighCount", type: "DINT", scanMs: 100 },
      weightRing: { tag: "WeightRing", type: "REAL", length: 16, scanMs: 100 },
    },
  },
  {
    // Basket Loader 1's SLC 5/05 program, as its data table lays it out: 64 fault bits packed in
    // B3:0-B3:3 (bit n of B3:w is fault bit 16w+n), state and counters as N7 INTs (the counters wrap
    // at 16 bits), speed and energy in F8.
    name: "basket-loader-slc500-v1",
    driver: "SLC_PCCC",
    tags: {
      running: { tag: "B3:4/0", type: "BOOL", scanMs: 100 },
      stateCode: { tag: "N7:0", type: "INT", scanMs: 100 },
      speed: { tag: "F8:0", type: "REAL", scanMs: 1_000, deadband: 0.05, heartbeatMs: 10_000 },
      goodCount: { tag: "N7:1", type: "INT", scanMs: 1_000 },
      rejectCount: { tag: "N7:2", type: "INT", scanMs: 1_000 },
      faultWords: { tag: "B3:0", type: "INT", length: 4, scanMs: 100 },
      firstOutFault: { tag: "N7:3", type: "INT", scanMs: 100 },
      energyKwh: { tag: "F8:1", type: "REAL", scanMs: 5_000, deadband: 0.01, heartbeatMs: 60_000 },
    },
  },
] as const;

/** The first demo PLC's port on 127.0.0.1 (EtherNet/IP's own); the others follow it. */
export const DEMO_PLC_PORT_BASE = 44818;

export const PLCS = [
  {
    name: "PLC-BAG1",
    host: "127.0.0.1",
    port: DEMO_PLC_PORT_BASE,
    slot: 0,
    connectionOptions: { model: "CompactLogix 5380", connected: true, rpiMs: 100, timeoutMs: 2_000 },
  },
  {
    name: "PLC-BAG2",
    host: "127.0.0.1",
    port: DEMO_PLC_PORT_BASE + 1,
    slot: 0,
    connectionOptions: { model: "CompactLogix 5380", connected: true, rpiMs: 100, timeoutMs: 2_000 },
  },
  {
    name: "PLC-LOAD1",
    driver: "SLC_PCCC",
    host: "127.0.0.1",
    port: DEMO_PLC_PORT_BASE + 2,
    slot: 0,
    connectionOptions: { model: "SLC 5/05 (1747-L552)", connected: true, timeoutMs: 2_000 },
  },
] as const;

type EquipmentFixture = {
  code: string;
  name: string;
  kind: string;
  sequence: number;
  isConstraint: boolean;
  criticality: "LOW" | "MEDIUM" | "HIGH" | "CRITICAL";
  plc: string | null;
  plcTagPrefix: string | null;
  tagMap: string | null;
  targetSpeedPerMinute: number;
  faultCatalog: "bagger" | "loader" | null;
};

export const LINES: readonly {
  code: string;
  name: string;
  area: string;
  microStopThresholdSeconds: number;
  oeeTarget: number;
  products: readonly string[];
  equipment: readonly EquipmentFixture[];
}[] = [
  {
    code: "bagging-1",
    name: "Bagging Line 1",
    area: "PACK",
    microStopThresholdSeconds: 120,
    oeeTarget: 0.8,
    products: ["MM-10", "MM-25"],
    equipment: [
      {
        code: "BAG1-FEED",
        name: "Bag Feeder 1",
        kind: "feeder",
        sequence: 1,
        isConstraint: false,
        criticality: "MEDIUM",
        plc: null,
        plcTagPrefix: null,
        tagMap: null,
        targetSpeedPerMinute: 45,
        faultCatalog: null,
      },
      {
        code: "BAGGER-1",
        name: "Bagger 1",
        kind: "form-fill-seal bagger",
        sequence: 2,
        isConstraint: true,
        criticality: "CRITICAL",
        plc: "PLC-BAG1",
        plcTagPrefix: "Program:Bagger1",
        tagMap: "bagger-compactlogix-v1",
        targetSpeedPerMinute: 40,
        faultCatalog: "bagger",
      },
      {
        code: "CW-1",
        name: "Check Weigher 1",
        kind: "check weigher",
        sequence: 3,
        isConstraint: false,
        criticality: "HIGH",
        // Its program runs on the line's controller: every bag weight for the live X̄-R chart.
        plc: "PLC-BAG1",
        plcTagPrefix: "Program:CheckWeigher1",
        tagMap: "checkweigher-compactlogix-v1",
        targetSpeedPerMinute: 60,
        faultCatalog: null,
      },
      {
        code: "PAL-1",
        name: "Palletiser 1",
        kind: "robot palletiser",
        sequence: 4,
        isConstraint: false,
        criticality: "HIGH",
        plc: null,
        plcTagPrefix: null,
        tagMap: null,
        targetSpeedPerMinute: 50,
        faultCatalog: null,
      },
    ],
  },
  {
    code: "bagging-2",
    name: "Bagging Line 2",
    area: "PACK",
    microStopThresholdSeconds: 120,
    oeeTarget: 0.75,
    products: ["MM-25", "AF-50"],
    equipment: [
      {
        code: "BAGGER-2",
        name: "Bagger 2",
        kind: "form-fill-seal bagger",
        sequence: 1,
        isConstraint: true,
        criticality: "CRITICAL",
        plc: "PLC-BAG2",
        plcTagPrefix: "Program:Bagger2",
        tagMap: "bagger-compactlogix-v1",
        targetSpeedPerMinute: 25,
        faultCatalog: "bagger",
      },
      {
        code: "PAL-2",
        name: "Palletiser 2",
        kind: "robot palletiser",
        sequence: 2,
        isConstraint: false,
        criticality: "HIGH",
        plc: null,
        plcTagPrefix: null,
        tagMap: null,
        targetSpeedPerMinute: 40,
        faultCatalog: null,
      },
    ],
  },
  {
    code: "loading-1",
    name: "Loading Line 1",
    area: "DISP",
    microStopThresholdSeconds: 180,
    oeeTarget: 0.7,
    products: ["BSK-40"],
    equipment: [
      {
        code: "LOADER-1",
        name: "Basket Loader 1",
        kind: "basket loader",
        sequence: 1,
        isConstraint: true,
        criticality: "HIGH",
        plc: "PLC-LOAD1",
        plcTagPrefix: null,
        tagMap: "basket-loader-slc500-v1",
        targetSpeedPerMinute: 0.7,
        faultCatalog: "loader",
      },
      {
        code: "CONV-L1",
        name: "Dispatch Conveyor 1",
        kind: "conveyor",
        sequence: 2,
        isConstraint: false,
        criticality: "MEDIUM",
        plc: null,
        plcTagPrefix: null,
        tagMap: null,
        targetSpeedPerMinute: 1,
        faultCatalog: null,
      },
    ],
  },
];

type Category = "PLANNED" | "UNPLANNED" | "MAINTENANCE" | "CHANGEOVER";
type Loss =
  | "BREAKDOWN"
  | "SETUP_ADJUSTMENT"
  | "SMALL_STOP"
  | "REDUCED_SPEED"
  | "STARTUP_REJECT"
  | "PRODUCTION_REJECT"
  | null;

/** The downtime reason tree: [code, name, category, six-big-loss, children]. */
export type ReasonNode = readonly [string, string, Category, Loss, (readonly ReasonNode[])?];
export const REASON_TREE: readonly ReasonNode[] = [
  [
    "UNPL",
    "Unplanned stop",
    "UNPLANNED",
    "BREAKDOWN",
    [
      [
        "UNPL-MECH",
        "Mechanical",
        "UNPLANNED",
        "BREAKDOWN",
        [
          ["UNPL-MECH-JAW", "Sealing jaw jam", "UNPLANNED", "BREAKDOWN"],
          ["UNPL-MECH-FILM", "Film break", "UNPLANNED", "BREAKDOWN"],
          ["UNPL-MECH-BELT", "Belt or chain failure", "UNPLANNED", "BREAKDOWN"],
          ["UNPL-MECH-GRIP", "Gripper fault", "UNPLANNED", "BREAKDOWN"],
        ],
      ],
      [
        "UNPL-ELEC",
        "Electrical",
        "UNPLANNED",
        "BREAKDOWN",
        [
          ["UNPL-ELEC-DRIVE", "Drive fault", "UNPLANNED", "BREAKDOWN"],
          ["UNPL-ELEC-SENSOR", "Sensor fault", "UNPLANNED", "BREAKDOWN"],
          ["UNPL-ELEC-HEATER", "Heater fault", "UNPLANNED", "BREAKDOWN"],
        ],
      ],
      ["UNPL-PNEU", "Low air pressure", "UNPLANNED", "BREAKDOWN"],
      [
        "UNPL-MAT",
        "Material",
        "UNPLANNED",
        "SMALL_STOP",
        [
          ["UNPL-MAT-STARVED", "Starved: no product from silo", "UNPLANNED", "SMALL_STOP"],
          ["UNPL-MAT-FILM", "Film roll empty", "UNPLANNED", "SMALL_STOP"],
          ["UNPL-MAT-BLOCKED", "Blocked downstream", "UNPLANNED", "SMALL_STOP"],
        ],
      ],
      [
        "UNPL-SAFETY",
        "Safety stop",
        "UNPLANNED",
        "BREAKDOWN",
        [
          ["UNPL-SAFETY-ESTOP", "Emergency stop pressed", "UNPLANNED", "BREAKDOWN"],
          ["UNPL-SAFETY-GUARD", "Guard door opened", "UNPLANNED", "SMALL_STOP"],
        ],
      ],
      ["UNPL-QUAL", "Quality hold", "UNPLANNED", "PRODUCTION_REJECT"],
      ["UNPL-MINOR", "Minor stop, cleared by operator", "UNPLANNED", "SMALL_STOP"],
    ],
  ],
  [
    "PLAN",
    "Planned stop",
    "PLANNED",
    null,
    [
      ["PLAN-BREAK", "Break", "PLANNED", null],
      ["PLAN-MEETING", "Team meeting", "PLANNED", null],
      ["PLAN-CLEAN", "Scheduled cleaning", "PLANNED", null],
      ["PLAN-NOORDER", "No orders scheduled", "PLANNED", null],
    ],
  ],
  [
    "CHG",
    "Changeover",
    "CHANGEOVER",
    "SETUP_ADJUSTMENT",
    [
      ["CHG-PRODUCT", "Product change", "CHANGEOVER", "SETUP_ADJUSTMENT"],
      ["CHG-FILM", "Film reel change", "CHANGEOVER", "SETUP_ADJUSTMENT"],
      ["CHG-ADJUST", "Adjustment after start-up", "CHANGEOVER", "SETUP_ADJUSTMENT"],
    ],
  ],
  [
    "MAINT",
    "Maintenance",
    "MAINTENANCE",
    null,
    [
      ["MAINT-PM", "Preventive maintenance", "MAINTENANCE", null],
      ["MAINT-REPAIR", "Repair by maintenance", "MAINTENANCE", "BREAKDOWN"],
    ],
  ],
];

type FaultFixture = {
  bitIndex: number;
  faultCode: string;
  text: string;
  category: "MECHANICAL" | "ELECTRICAL" | "PNEUMATIC" | "PROCESS" | "MATERIAL" | "SAFETY" | "QUALITY" | "OTHER";
  andonType: "MAINTENANCE" | "QUALITY" | "MATERIAL" | "SAFETY" | "HELP";
  andonPriority: "LOW" | "MEDIUM" | "HIGH" | "CRITICAL";
  reason: string;
};

/** Fault catalogs per machine type. A bagger's 64 bits are two DINT words; unlisted bits are spare. */
export const FAULT_CATALOGS: Record<"bagger" | "loader", readonly FaultFixture[]> = {
  bagger: [
    {
      bitIndex: 0,
      faultCode: "BG-000",
      text: "Emergency stop pressed",
      category: "SAFETY",
      andonType: "SAFETY",
      andonPriority: "CRITICAL",
      reason: "UNPL-SAFETY-ESTOP",
    },
    {
      bitIndex: 1,
      faultCode: "BG-001",
      text: "Guard door open",
      category: "SAFETY",
      andonType: "SAFETY",
      andonPriority: "HIGH",
      reason: "UNPL-SAFETY-GUARD",
    },
    {
      bitIndex: 2,
      faultCode: "BG-002",
      text: "Main drive fault",
      category: "ELECTRICAL",
      andonType: "MAINTENANCE",
      andonPriority: "HIGH",
      reason: "UNPL-ELEC-DRIVE",
    },
    {
      bitIndex: 3,
      faultCode: "BG-003",
      text: "Low air pressure",
      category: "PNEUMATIC",
      andonType: "MAINTENANCE",
      andonPriority: "HIGH",
      reason: "UNPL-PNEU",
    },
    {
      bitIndex: 4,
      faultCode: "BG-004",
      text: "Sealing jaw jam",
      category: "MECHANICAL",
      andonType: "MAINTENANCE",
      andonPriority: "HIGH",
      reason: "UNPL-MECH-JAW",
    },
    {
      bitIndex: 5,
      faultCode: "BG-005",
      text: "Sealing jaw temperature out of range",
      category: "PROCESS",
      andonType: "MAINTENANCE",
      andonPriority: "MEDIUM",
      reason: "UNPL-ELEC-HEATER",
    },
    {
      bitIndex: 6,
      faultCode: "BG-006",
      text: "Film break detected",
      category: "MATERIAL",
      andonType: "MAINTENANCE",
      andonPriority: "MEDIUM",
      reason: "UNPL-MECH-FILM",
    },
    {
      bitIndex: 7,
      faultCode: "BG-007",
      text: "Film roll empty",
      category: "MATERIAL",
      andonType: "MATERIAL",
      andonPriority: "MEDIUM",
      reason: "UNPL-MAT-FILM",
    },
    {
      bitIndex: 8,
      faultCode: "BG-008",
      text: "Product hopper low level",
      category: "MATERIAL",
      andonType: "MATERIAL",
      andonPriority: "MEDIUM",
      reason: "UNPL-MAT-STARVED",
    },
    {
      bitIndex: 9,
      faultCode: "BG-009",
      text: "Discharge conveyor blocked",
      category: "PROCESS",
      andonType: "HELP",
      andonPriority: "LOW",
      reason: "UNPL-MAT-BLOCKED",
    },
    {
      bitIndex: 10,
      faultCode: "BG-010",
      text: "Registration mark sensor fault",
      category: "ELECTRICAL",
      andonType: "MAINTENANCE",
      andonPriority: "MEDIUM",
      reason: "UNPL-ELEC-SENSOR",
    },
    {
      bitIndex: 11,
      faultCode: "BG-011",
      text: "Bag not opened",
      category: "MECHANICAL",
      andonType: "HELP",
      andonPriority: "LOW",
      reason: "UNPL-MINOR",
    },
    {
      bitIndex: 12,
      faultCode: "BG-012",
      text: "Weight out of tolerance, 3 in a row",
      category: "QUALITY",
      andonType: "QUALITY",
      andonPriority: "HIGH",
      reason: "UNPL-QUAL",
    },
    {
      bitIndex: 13,
      faultCode: "BG-013",
      text: "Servo axis following error",
      category: "ELECTRICAL",
      andonType: "MAINTENANCE",
      andonPriority: "HIGH",
      reason: "UNPL-ELEC-DRIVE",
    },
    {
      bitIndex: 14,
      faultCode: "BG-014",
      text: "Spout gripper not closed",
      category: "MECHANICAL",
      andonType: "MAINTENANCE",
      andonPriority: "MEDIUM",
      reason: "UNPL-MECH-GRIP",
    },
    {
      bitIndex: 32,
      faultCode: "BG-032",
      text: "Heater contactor failed",
      category: "ELECTRICAL",
      andonType: "MAINTENANCE",
      andonPriority: "HIGH",
      reason: "UNPL-ELEC-HEATER",
    },
    {
      bitIndex: 33,
      faultCode: "BG-033",
      text: "Dust extraction fault",
      category: "PROCESS",
      andonType: "MAINTENANCE",
      andonPriority: "MEDIUM",
      reason: "UNPL-MINOR",
    },
    {
      bitIndex: 63,
      faultCode: "BG-063",
      text: "PLC battery low",
      category: "ELECTRICAL",
      andonType: "MAINTENANCE",
      andonPriority: "LOW",
      reason: "MAINT-REPAIR",
    },
  ],
  loader: [
    {
      bitIndex: 0,
      faultCode: "BL-000",
      text: "Emergency stop pressed",
      category: "SAFETY",
      andonType: "SAFETY",
      andonPriority: "CRITICAL",
      reason: "UNPL-SAFETY-ESTOP",
    },
    {
      bitIndex: 1,
      faultCode: "BL-001",
      text: "Light curtain interrupted",
      category: "SAFETY",
      andonType: "SAFETY",
      andonPriority: "HIGH",
      reason: "UNPL-SAFETY-GUARD",
    },
    {
      bitIndex: 2,
      faultCode: "BL-002",
      text: "Hoist drive fault",
      category: "ELECTRICAL",
      andonType: "MAINTENANCE",
      andonPriority: "HIGH",
      reason: "UNPL-ELEC-DRIVE",
    },
    {
      bitIndex: 3,
      faultCode: "BL-003",
      text: "Basket not in position",
      category: "MECHANICAL",
      andonType: "HELP",
      andonPriority: "LOW",
      reason: "UNPL-MINOR",
    },
    {
      bitIndex: 4,
      faultCode: "BL-004",
      text: "Chain slack detected",
      category: "MECHANICAL",
      andonType: "MAINTENANCE",
      andonPriority: "MEDIUM",
      reason: "UNPL-MECH-BELT",
    },
    {
      bitIndex: 5,
      faultCode: "BL-005",
      text: "No bags from palletiser",
      category: "MATERIAL",
      andonType: "MATERIAL",
      andonPriority: "MEDIUM",
      reason: "UNPL-MAT-STARVED",
    },
    {
      bitIndex: 6,
      faultCode: "BL-006",
      text: "Truck bay not ready",
      category: "PROCESS",
      andonType: "HELP",
      andonPriority: "LOW",
      reason: "UNPL-MAT-BLOCKED",
    },
    {
      // B3:1/1: the second fault word's bit 1
      bitIndex: 17,
      faultCode: "BL-017",
      text: "Hoist over-travel limit",
      category: "MECHANICAL",
      andonType: "MAINTENANCE",
      andonPriority: "HIGH",
      reason: "UNPL-ELEC-SENSOR",
    },
    {
      // B3:3/2
      bitIndex: 50,
      faultCode: "BL-050",
      text: "Truck bay door interlock open",
      category: "SAFETY",
      andonType: "SAFETY",
      andonPriority: "HIGH",
      reason: "UNPL-SAFETY-GUARD",
    },
  ],
};

export const SHIFT_PATTERN = {
  name: "3x8 continuous",
  shifts: [
    {
      name: "Morning",
      startMinuteOfDay: 6 * 60,
      durationMinutes: 480,
      plannedBreakMinutes: 30,
      weekdays: [1, 2, 3, 4, 5, 6, 7],
    },
    {
      name: "Afternoon",
      startMinuteOfDay: 14 * 60,
      durationMinutes: 480,
      plannedBreakMinutes: 30,
      weekdays: [1, 2, 3, 4, 5, 6, 7],
    },
    {
      name: "Night",
      startMinuteOfDay: 22 * 60,
      durationMinutes: 480,
      plannedBreakMinutes: 30,
      weekdays: [1, 2, 3, 4, 5, 6, 7],
    },
  ],
} as const;

export const USERS: readonly {
  username: string;
  employeeId: string;
  firstName: string;
  lastName: string;
  department: string;
  roles: readonly Role[];
  skills: readonly string[];
  /** Floor roles sign in on shared tablets with a PIN. */
  pin: string | null;
  email: string;
}[] = [
  {
    username: "admin",
    employeeId: "E1001",
    firstName: "Priya",
    lastName: "Naidoo",
    department: "IT & Automation",
    roles: ["ADMIN"],
    skills: [],
    pin: null,
    email: "priya.naidoo@riverside-mill.example",
  },
  {
    username: "pmanager",
    employeeId: "E1002",
    firstName: "Thomas",
    lastName: "Becker",
    department: "Production",
    roles: ["PRODUCTION_MANAGER"],
    skills: ["lean", "tpm"],
    pin: null,
    email: "thomas.becker@riverside-mill.example",
  },
  {
    username: "smanager",
    employeeId: "E1003",
    firstName: "Grace",
    lastName: "Mokoena",
    department: "Production",
    roles: ["SHIFT_MANAGER"],
    skills: ["first-aid"],
    pin: "4826",
    email: "grace.mokoena@riverside-mill.example",
  },
  {
    username: "engineer",
    employeeId: "E1004",
    firstName: "Daniel",
    lastName: "Okafor",
    department: "Engineering",
    roles: ["ENGINEER"],
    skills: ["plc", "controls"],
    pin: null,
    email: "daniel.okafor@riverside-mill.example",
  },
  {
    username: "operator",
    employeeId: "E1005",
    firstName: "Sipho",
    lastName: "Dlamini",
    department: "Production",
    roles: ["OPERATOR"],
    skills: ["bagger", "forklift"],
    pin: "1234",
    email: "sipho.dlamini@riverside-mill.example",
  },
  {
    username: "operator2",
    employeeId: "E1009",
    firstName: "Ayesha",
    lastName: "Patel",
    department: "Dispatch",
    roles: ["OPERATOR"],
    skills: ["basket-loader"],
    pin: "5678",
    email: "ayesha.patel@riverside-mill.example",
  },
  {
    username: "technician",
    employeeId: "E1006",
    firstName: "Maria",
    lastName: "Santos",
    department: "Maintenance",
    roles: ["MAINTENANCE_TECHNICIAN"],
    skills: ["mechanical", "pneumatics"],
    pin: "2468",
    email: "maria.santos@riverside-mill.example",
  },
  {
    username: "inspector",
    employeeId: "E1007",
    firstName: "Liam",
    lastName: "O'Connor",
    department: "Quality",
    roles: ["QUALITY_INSPECTOR"],
    skills: ["haccp"],
    pin: "1357",
    email: "liam.oconnor@riverside-mill.example",
  },
  {
    username: "viewer",
    employeeId: "E1008",
    firstName: "Hannah",
    lastName: "Schmidt",
    department: "Finance",
    roles: ["VIEWER"],
    skills: [],
    pin: null,
    email: "hannah.schmidt@riverside-mill.example",
  },
];

/**
 * What the demo's people are certified for, dated from the day the plant is seeded: operators for
 * the kinds of machine their demo jobs run on, and, as on any real roster, a certificate or two
 * lapsed and awaiting a refresher. `equipmentKind` qualifies for every machine of that kind,
 * `equipmentCode` for one machine; neither, for no job (first aid, forklift).
 */
export const CERTIFICATIONS: readonly {
  username: string;
  name: string;
  equipmentKind?: string;
  equipmentCode?: string;
  issuedDaysAgo: number;
  /** Negative: it lapsed that many days ago; null: it does not expire. */
  expiresInDays: number | null;
}[] = [
  {
    username: "operator",
    name: "Form-fill-seal bagger operator",
    equipmentKind: "form-fill-seal bagger",
    issuedDaysAgo: 410,
    expiresInDays: 320,
  },
  {
    username: "operator",
    name: "Bag feeder operator",
    equipmentKind: "feeder",
    issuedDaysAgo: 410,
    expiresInDays: 320,
  },
  {
    username: "operator",
    name: "Check weigher verification",
    equipmentCode: "CW-1",
    issuedDaysAgo: 150,
    expiresInDays: 215,
  },
  {
    username: "operator",
    name: "Robot palletiser operator",
    equipmentKind: "robot palletiser",
    issuedDaysAgo: 220,
    expiresInDays: 510,
  },
  { username: "operator", name: "Forklift licence", issuedDaysAgo: 700, expiresInDays: 30 },
  {
    username: "operator2",
    name: "Basket loader operator",
    equipmentKind: "basket loader",
    issuedDaysAgo: 300,
    expiresInDays: 430,
  },
  {
    username: "operator2",
    name: "Conveyor operator",
    equipmentKind: "conveyor",
    issuedDaysAgo: 300,
    expiresInDays: null,
  },
  {
    username: "operator2",
    name: "Form-fill-seal bagger operator",
    equipmentKind: "form-fill-seal bagger",
    issuedDaysAgo: 90,
    expiresInDays: 640,
  },
  {
    username: "operator2",
    name: "Robot palletiser operator",
    equipmentKind: "robot palletiser",
    issuedDaysAgo: 760,
    expiresInDays: -35,
  },
  { username: "smanager", name: "First aid level 1", issuedDaysAgo: 500, expiresInDays: 230 },
  { username: "technician", name: "Lockout-tagout authorised person", issuedDaysAgo: 365, expiresInDays: 365 },
];

/**
 * Who works which shift of the seeded week. The demo is shown at any hour, so its two operators and
 * its shift manager are rostered on every shift, site-wide (no line): the demo's stand-in for three
 * crews. A job's shift rule then holds whenever the demo assigns one.
 */
export const SHIFT_ROSTER: readonly { username: string; role: Role }[] = [
  { username: "smanager", role: "SHIFT_MANAGER" },
  { username: "operator", role: "OPERATOR" },
  { username: "operator2", role: "OPERATOR" },
];

export const CHECKLISTS = [
  {
    name: "Bagger pre-start",
    equipmentCode: "BAGGER-1",
    items: [
      { label: "All guards closed and interlocks tested", type: "CHECKBOX" },
      { label: "Emergency stop tested", type: "CHECKBOX" },
      { label: "Sealing jaw temperature", type: "NUMBER", minValue: 160, maxValue: 190, unit: "°C" },
      { label: "Air pressure", type: "NUMBER", minValue: 5.5, maxValue: 7, unit: "bar" },
      { label: "Bag size selected", type: "SELECT", options: ["10 kg", "25 kg", "50 kg"] },
      { label: "Film roll lot number", type: "TEXT" },
      { label: "Area clean, no foreign material", type: "CHECKBOX" },
      { label: "Operator signature", type: "SIGNATURE" },
    ],
  },
  {
    name: "Bagger 2 pre-start",
    equipmentCode: "BAGGER-2",
    items: [
      { label: "All guards closed and interlocks tested", type: "CHECKBOX" },
      { label: "Emergency stop tested", type: "CHECKBOX" },
      { label: "Sealing jaw temperature", type: "NUMBER", minValue: 170, maxValue: 200, unit: "°C" },
      { label: "Bag size selected", type: "SELECT", options: ["25 kg", "50 kg"] },
      { label: "Operator signature", type: "SIGNATURE" },
    ],
  },
  {
    name: "Basket loader pre-start",
    equipmentCode: "LOADER-1",
    items: [
      { label: "Light curtain tested", type: "CHECKBOX" },
      { label: "Hoist chain visually inspected", type: "CHECKBOX" },
      { label: "Hydraulic oil level", type: "SELECT", options: ["OK", "Low - topped up"] },
      { label: "Notes for maintenance", type: "TEXT", required: false },
      { label: "Operator signature", type: "SIGNATURE" },
    ],
  },
] as const;

/** Defect codes as a tree: [code, name, severity, children]. */
export type DefectNode = readonly [string, string, "MINOR" | "MAJOR" | "CRITICAL", (readonly DefectNode[])?];
export const DEFECT_TREE: readonly DefectNode[] = [
  [
    "SEAL",
    "Seal defects",
    "MAJOR",
    [
      ["SEAL-OPEN", "Seal open or leaking", "CRITICAL"],
      ["SEAL-WRINKLE", "Wrinkled seal", "MINOR"],
      ["SEAL-BURN", "Burnt seal", "MAJOR"],
    ],
  ],
  [
    "WEIGHT",
    "Weight",
    "MAJOR",
    [
      ["WEIGHT-UNDER", "Underweight", "CRITICAL"],
      ["WEIGHT-OVER", "Overweight (giveaway)", "MINOR"],
    ],
  ],
  [
    "BAG",
    "Bag and print",
    "MINOR",
    [
      ["BAG-TORN", "Torn or punctured bag", "MAJOR"],
      ["BAG-PRINT", "Print or best-before illegible", "MAJOR"],
    ],
  ],
  ["CONTAM", "Foreign material", "CRITICAL"],
];

/** Every run rule a chart can check: Western Electric 1-4 and Nelson 5-8. */
const ALL_SPC_RULES = ["WE1", "WE2", "WE3", "WE4", "N5", "N6", "N7", "N8"] as const;

/**
 * Inspection plans of the demo plant. Sampling rules: `everyGoodUnits` (PLC good counts of the line),
 * `frequencyMinutes` (run time), `firstOffAtJobStart`, `oncePerShift`. A characteristic with a
 * `liveSignal` is charted from the equipment's stream (the check weigher's bag weights) with no one typing.
 */
export const QUALITY_TEMPLATES = [
  {
    name: "25 kg bag weight and seal check",
    productCode: "MM-25",
    lineCode: "bagging-1",
    equipmentCode: null,
    frequencyMinutes: 60,
    everyGoodUnits: 1000,
    firstOffAtJobStart: true,
    oncePerShift: false,
    overdueAfterMinutes: 15,
    requiresSignature: false,
    sampleSize: 5,
    characteristics: [
      {
        name: "Net weight",
        type: "VARIABLE",
        unit: "kg",
        nominal: 25.1,
        lowerSpec: 24.9,
        upperSpec: 25.3,
        decimals: 3,
        subgroupSize: 5,
        chartType: "XBAR_R",
        spcRules: ALL_SPC_RULES,
        andonOnOutOfSpec: true,
      },
      { name: "Seal integrity", type: "ATTRIBUTE", subgroupSize: 5, chartType: "NP", spcRules: ["WE1"] },
      { name: "Best-before legible", type: "ATTRIBUTE" },
    ],
  },
  {
    name: "10 kg bag weight and seal check",
    productCode: "MM-10",
    lineCode: "bagging-1",
    equipmentCode: null,
    frequencyMinutes: 60,
    everyGoodUnits: 1500,
    firstOffAtJobStart: true,
    oncePerShift: false,
    overdueAfterMinutes: 15,
    requiresSignature: false,
    sampleSize: 5,
    characteristics: [
      {
        name: "Net weight",
        type: "VARIABLE",
        unit: "kg",
        nominal: 10.05,
        lowerSpec: 9.95,
        upperSpec: 10.15,
        decimals: 3,
        subgroupSize: 5,
        chartType: "XBAR_R",
        spcRules: ALL_SPC_RULES,
        andonOnOutOfSpec: true,
      },
      { name: "Seal integrity", type: "ATTRIBUTE", subgroupSize: 5, chartType: "NP", spcRules: ["WE1"] },
    ],
  },
  {
    name: "Check Weigher 1 bag weight (live SPC)",
    productCode: "MM-25",
    lineCode: "bagging-1",
    equipmentCode: "CW-1",
    frequencyMinutes: null,
    everyGoodUnits: null,
    firstOffAtJobStart: false,
    oncePerShift: false,
    overdueAfterMinutes: 15,
    requiresSignature: false,
    sampleSize: 1,
    characteristics: [
      {
        name: "Bag net weight",
        type: "VARIABLE",
        unit: "kg",
        nominal: 25.1,
        lowerSpec: 24.9,
        upperSpec: 25.3,
        decimals: 3,
        subgroupSize: 5,
        chartType: "XBAR_R",
        spcRules: ALL_SPC_RULES,
        liveSignal: "weight",
      },
    ],
  },
  {
    name: "Shift release check, Bagging Line 1",
    productCode: "MM-25",
    lineCode: "bagging-1",
    equipmentCode: null,
    frequencyMinutes: null,
    everyGoodUnits: null,
    firstOffAtJobStart: false,
    oncePerShift: true,
    overdueAfterMinutes: 30,
    requiresSignature: true,
    sampleSize: 1,
    characteristics: [
      { name: "Pallet label matches work order", type: "ATTRIBUTE" },
      { name: "Metal detector test pieces rejected", type: "ATTRIBUTE" },
    ],
  },
] as const;

type Recipient = { kind: "ROLE"; role: Role } | { kind: "USER"; username: string };

/** One escalation rule per priority: who hears about an unanswered andon, and when. */
export const ESCALATION_RULES: readonly {
  name: string;
  priority: "LOW" | "MEDIUM" | "HIGH" | "CRITICAL";
  acknowledgeTimeoutSeconds: number;
  resolveTimeoutSeconds: number;
  reminderIntervalSeconds: number | null;
  levels: readonly {
    level: number;
    kind: "ACKNOWLEDGE" | "RESOLVE";
    delaySeconds: number;
    channels: readonly ("IN_APP" | "EMAIL" | "SMS")[];
    recipients: readonly Recipient[];
  }[];
}[] = [
  {
    name: "Critical andon",
    priority: "CRITICAL",
    acknowledgeTimeoutSeconds: 60,
    resolveTimeoutSeconds: 900,
    reminderIntervalSeconds: 120,
    levels: [
      {
        level: 1,
        kind: "ACKNOWLEDGE",
        delaySeconds: 60,
        channels: ["IN_APP", "EMAIL"],
        recipients: [
          { kind: "ROLE", role: "SHIFT_MANAGER" },
          { kind: "ROLE", role: "MAINTENANCE_TECHNICIAN" },
        ],
      },
      {
        level: 2,
        kind: "ACKNOWLEDGE",
        delaySeconds: 180,
        channels: ["IN_APP", "EMAIL"],
        recipients: [{ kind: "ROLE", role: "PRODUCTION_MANAGER" }],
      },
      {
        level: 1,
        kind: "RESOLVE",
        delaySeconds: 900,
        channels: ["IN_APP", "EMAIL"],
        recipients: [
          { kind: "ROLE", role: "PRODUCTION_MANAGER" },
          { kind: "ROLE", role: "ENGINEER" },
        ],
      },
    ],
  },
  {
    name: "High andon",
    priority: "HIGH",
    acknowledgeTimeoutSeconds: 180,
    resolveTimeoutSeconds: 1800,
    reminderIntervalSeconds: 300,
    levels: [
      {
        level: 1,
        kind: "ACKNOWLEDGE",
        delaySeconds: 180,
        channels: ["IN_APP"],
        recipients: [{ kind: "ROLE", role: "SHIFT_MANAGER" }],
      },
      {
        level: 2,
        kind: "ACKNOWLEDGE",
        delaySeconds: 600,
        channels: ["IN_APP", "EMAIL"],
        recipients: [{ kind: "ROLE", role: "PRODUCTION_MANAGER" }],
      },
      {
        level: 1,
        kind: "RESOLVE",
        delaySeconds: 1800,
        channels: ["IN_APP", "EMAIL"],
        recipients: [{ kind: "ROLE", role: "ENGINEER" }],
      },
    ],
  },
  {
    name: "Medium andon",
    priority: "MEDIUM",
    acknowledgeTimeoutSeconds: 300,
    resolveTimeoutSeconds: 3600,
    reminderIntervalSeconds: null,
    levels: [
      {
        level: 1,
        kind: "ACKNOWLEDGE",
        delaySeconds: 300,
        channels: ["IN_APP"],
        recipients: [{ kind: "ROLE", role: "SHIFT_MANAGER" }],
      },
      {
        level: 2,
        kind: "ACKNOWLEDGE",
        delaySeconds: 1200,
        channels: ["IN_APP", "EMAIL"],
        recipients: [{ kind: "ROLE", role: "PRODUCTION_MANAGER" }],
      },
      {
        level: 1,
        kind: "RESOLVE",
        delaySeconds: 3600,
        channels: ["IN_APP"],
        recipients: [{ kind: "ROLE", role: "SHIFT_MANAGER" }],
      },
    ],
  },
  {
    name: "Low andon",
    priority: "LOW",
    acknowledgeTimeoutSeconds: 900,
    resolveTimeoutSeconds: 14_400,
    reminderIntervalSeconds: null,
    levels: [
      {
        level: 1,
        kind: "ACKNOWLEDGE",
        delaySeconds: 900,
        channels: ["IN_APP"],
        recipients: [{ kind: "ROLE", role: "SHIFT_MANAGER" }],
      },
      {
        level: 1,
        kind: "RESOLVE",
        delaySeconds: 14_400,
        channels: ["IN_APP"],
        recipients: [{ kind: "ROLE", role: "SHIFT_MANAGER" }],
      },
    ],
  },
];

export const REPORT_TEMPLATES = [
  {
    key: "shift-summary",
    name: "Shift summary",
    kind: "SHIFT_SUMMARY",
    description: "OEE, output against target, top stops and open andons for one shift and line.",
  },
  {
    key: "daily-production",
    name: "Daily production",
    kind: "DAILY_PRODUCTION",
    description: "Good, reject, scrap, target against actual, first-pass yield, MTBF, MTTR and MTTA per line and day.",
  },
  {
    key: "oee-trend",
    name: "OEE trend",
    kind: "OEE_TREND",
    description: "Availability, performance, quality and OEE per day or hour over a range.",
  },
  {
    key: "downtime-pareto",
    name: "Downtime Pareto",
    kind: "DOWNTIME_PARETO",
    description: "Stops by reason, duration and count, largest first.",
  },
  {
    key: "andon-summary",
    name: "Andon summary",
    kind: "ANDON_SUMMARY",
    description: "Andon counts, MTTA and MTTR by line, type and priority.",
  },
  {
    key: "quality-summary",
    name: "Quality summary",
    kind: "QUALITY_SUMMARY",
    description: "Checks done and missed, measurements out of spec, scrap by defect.",
  },
  {
    key: "maintenance-summary",
    name: "Maintenance summary",
    kind: "MAINTENANCE_SUMMARY",
    description: "Work orders, MTBF and MTTR per equipment.",
  },
] as const;

/** The week of schedules seeded: two work orders per line per day. */
export const WORK_ORDERS_PER_LINE_PER_DAY = 2;
export const SCHEDULED_DAYS = 7;
