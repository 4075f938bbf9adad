// Testing a PLC connection and browsing a Logix controller's symbols from the API: the bridge does
// the connecting (in a segmented plant only it reaches the PLCs), asked over Redis; the answer is per
// tag, a value or why not. A saved PLC is tested as saved, or with settings about to be saved.
import { ExpectedError, InputInvalid, NotFound } from "@ms5/kit/subgraph";
import type { PlcSymbol, PlcTestReply } from "@ms5/schema";
import { builder, type Context, uuidArgument } from "../builder.ts";
import { wholeNumber } from "../plant-admin/admin-input.ts";
import { PlcBridgeDidNotAnswer, type PlcTestAsk } from "../plc-admin/plc-connection-test-request.ts";
import { bridgeDriver, plcHost } from "../plc-admin/tag-binding-input.ts";
import { PLC_OPTION_DEFAULTS, PlcDriverEnum, plcOptions, TagTypeEnum, tagBindingsOf } from "./plc.ts";

/** Tags one test reads at most (the bridge's own limit). @default 100 */
const MAX_TESTED_TAGS = 100;

builder.objectType(PlcBridgeDidNotAnswer, {
  name: "PlcBridgeDidNotAnswer",
  description: "The PLC bridge did not answer in time (not running, or not reaching Redis); nothing was read.",
  interfaces: [ExpectedError],
  fields: (t) => ({ waitedMs: t.exposeInt("waitedMs") }),
});

interface TestedTag {
  address: string;
  signal: string | null;
  equipmentCode: string | null;
  ok: boolean;
  value: unknown;
  error: string | null;
}

interface PlcConnectionTestResult {
  reply: PlcTestReply;
  tags: TestedTag[];
}

const PlcIdentityRef = builder.objectRef<NonNullable<PlcTestReply["identity"]>>("PlcIdentity").implement({
  description: "The controller's CIP Identity object.",
  fields: (t) => ({
    productName: t.exposeString("productName"),
    vendorId: t.exposeInt("vendorId"),
    deviceType: t.exposeInt("deviceType"),
    productCode: t.exposeInt("productCode"),
    revision: t.exposeString("revision"),
    serialNumber: t.exposeInt("serialNumber"),
  }),
});

const TestedTagRef = builder.objectRef<TestedTag>("PlcTagTestResult").implement({
  fields: (t) => ({
    address: t.exposeString("address", { description: "As read, with the equipment's prefix." }),
    signal: t.exposeString("signal", { nullable: true }),
    equipmentCode: t.exposeString("equipmentCode", { nullable: true }),
    ok: t.exposeBoolean("ok"),
    value: t.string({
      nullable: true,
      description: "The value as JSON (an array for array tags, a LINT as a decimal string).",
      resolve: (tag) => (tag.ok ? JSON.stringify(tag.value) : null),
    }),
    error: t.exposeString("error", { nullable: true, description: "Why this tag could not be read." }),
  }),
});

const PlcConnectionTestRef = builder.objectRef<PlcConnectionTestResult>("PlcConnectionTest").implement({
  description: "What the bridge found connecting to a PLC: the controller, then each tag's value or error.",
  fields: (t) => ({
    ok: t.boolean({ description: "Connected; tags may still fail one by one.", resolve: (r) => r.reply.ok }),
    error: t.string({ nullable: true, resolve: (r) => r.reply.error ?? null }),
    identity: t.field({ type: PlcIdentityRef, nullable: true, resolve: (r) => r.reply.identity ?? null }),
    tags: t.field({ type: [TestedTagRef], listSize: { assumedSize: 30 }, resolve: (r) => r.tags }),
    ms: t.int({ description: "Time the bridge spent.", resolve: (r) => r.reply.ms }),
  }),
});

const PlcSymbolRef = builder.objectRef<PlcSymbol>("PlcSymbol").implement({
  description: "A tag of a Logix controller, to bind instead of typing its name.",
  fields: (t) => ({
    name: t.exposeString("name"),
    program: t.string({ nullable: true, resolve: (symbol) => symbol.program ?? null }),
    address: t.string({
      description: "As a binding reads it without a prefix: Program:<program>.<name> or <name>.",
      resolve: (symbol) => (symbol.program ? `Program:${symbol.program}.${symbol.name}` : symbol.name),
    }),
    type: t.exposeString("type", { description: "DINT, REAL... or a structure's name." }),
    structure: t.exposeBoolean("structure"),
    arrayDims: t.exposeInt("arrayDims", { description: "0 for a scalar." }),
  }),
});

const PlcSymbolListRef = builder.objectRef<{ symbols: PlcSymbol[]; error: string | null }>("PlcSymbolList").implement({
  fields: (t) => ({
    symbols: t.field({ type: [PlcSymbolRef], listSize: { assumedSize: 200 }, resolve: (list) => list.symbols }),
    error: t.exposeString("error", {
      nullable: true,
      description: "Why there is no list (not connected, an SLC has no symbols).",
    }),
  }),
});

const PlcSettingsInput = builder.inputType("PlcSettingsInput", {
  description: "Settings to test instead of (or before saving over) a PLC's saved ones.",
  fields: (t) => ({
    driver: t.field({ type: PlcDriverEnum, required: true }),
    host: t.string({ required: true }),
    port: t.int(),
    slot: t.int(),
    timeoutMs: t.int(),
    connected: t.boolean(),
  }),
});

const PlcTestTagInput = builder.inputType("PlcTestTagInput", {
  fields: (t) => ({
    address: t.string({ required: true }),
    type: t.field({ type: TagTypeEnum, required: true }),
    length: t.int(),
  }),
});

type Settings = typeof PlcSettingsInput.$inferInput;

function settingsOf(input: Settings): PlcTestAsk["plc"] {
  return {
    driver: bridgeDriver(input.driver),
    host: plcHost(input.host),
    port: wholeNumber(input.port, "port", { min: 1, max: 65_535 }) ?? 44_818,
    slot: wholeNumber(input.slot, "slot", { max: 255 }) ?? 0,
    timeoutMs: wholeNumber(input.timeoutMs, "timeoutMs", { min: 50, max: 30_000 }) ?? PLC_OPTION_DEFAULTS.timeoutMs,
    connected: input.connected ?? PLC_OPTION_DEFAULTS.connected,
  };
}

interface PlannedTag {
  name: string;
  type: string;
  length?: number;
  signal: string | null;
  equipmentCode: string | null;
}

/** The PLC's settings and, unless tags are given, every binding of its active equipment. */
async function plannedTest(
  context: Context,
  args: { plcId?: string | null; settings?: Settings | null; tags?: (typeof PlcTestTagInput.$inferInput)[] | null },
): Promise<{ plc: PlcTestAsk["plc"]; tags: PlannedTag[] }> {
  if (!args.plcId && !args.settings) throw new InputInvalid("plcId", "Give a saved PLC's id or the settings to test.");
  const plcId = args.plcId ? uuidArgument(args.plcId, "plcId") : undefined;
  const saved = plcId
    ? await context.prisma.plc.findUnique({
        where: { id: plcId },
        include: { equipment: { where: { active: true }, include: { tagMap: true }, orderBy: { code: "asc" } } },
      })
    : null;
  if (plcId && !saved) throw new NotFound("PLC", plcId);
  const plc = args.settings
    ? settingsOf(args.settings)
    : {
        driver: bridgeDriver(saved!.driver),
        host: saved!.host,
        port: saved!.port,
        slot: saved!.slot,
        timeoutMs: plcOptions(saved!).timeoutMs ?? PLC_OPTION_DEFAULTS.timeoutMs,
        connected: plcOptions(saved!).connected ?? PLC_OPTION_DEFAULTS.connected,
      };
  let tags: PlannedTag[];
  if (args.tags) {
    tags = args.tags.map((tag, index) => {
      const length = wholeNumber(tag.length, `tags.${index}.length`, { min: 1, max: 1_000 });
      return {
        name: tag.address.trim(),
        type: tag.type,
        ...(length ? { length } : {}),
        signal: null,
        equipmentCode: null,
      };
    });
  } else {
    tags = (saved?.equipment ?? []).flatMap((equipment) =>
      equipment.tagMap
        ? tagBindingsOf(equipment.tagMap).map((binding) => ({
            name: equipment.plcTagPrefix ? `${equipment.plcTagPrefix}.${binding.tag}` : binding.tag,
            type: binding.type,
            ...(binding.length ? { length: binding.length } : {}),
            signal: binding.signal,
            equipmentCode: equipment.code,
          }))
        : [],
    );
  }
  if (tags.length > MAX_TESTED_TAGS) {
    throw new InputInvalid("tags", `A test reads at most ${MAX_TESTED_TAGS} tags; give the ones to read.`);
  }
  return { plc, tags };
}

/** A schema executed without the subgraph (tests) has no bridge to ask: nobody answers. */
function bridgeOf(context: Context): NonNullable<Context["plcBridge"]> {
  if (!context.plcBridge) throw new PlcBridgeDidNotAnswer(0);
  return context.plcBridge;
}

builder.mutationFields((t) => ({
  testPlcConnection: t.field({
    type: PlcConnectionTestRef,
    description:
      "Has the PLC bridge connect to a PLC, read its identity and tags (the given ones, else every binding of its equipment) and answer per tag.",
    authScopes: { permission: "plant:manage" },
    errors: { types: [NotFound, InputInvalid, PlcBridgeDidNotAnswer] },
    args: {
      plcId: t.arg.id(),
      settings: t.arg({ type: PlcSettingsInput }),
      tags: t.arg({ type: [PlcTestTagInput] }),
    },
    resolve: async (_root, args, context) => {
      const { plc, tags } = await plannedTest(context, args);
      const reply = await bridgeOf(context).ask({
        plc,
        tags: tags.map(({ name, type, length }) => ({ name, type, ...(length ? { length } : {}) })),
      });
      return {
        reply,
        tags: tags.map((tag, index) => {
          const result = reply.tags[index];
          return {
            address: tag.name,
            signal: tag.signal,
            equipmentCode: tag.equipmentCode,
            ok: result?.ok === true,
            value: result?.ok ? result.value : null,
            error: result && !result.ok ? result.error : result ? null : (reply.error ?? "not read"),
          };
        }),
      };
    },
  }),
  browsePlcSymbols: t.field({
    type: PlcSymbolListRef,
    description:
      "Has the PLC bridge list a Logix controller's tags with their types, to pick tags instead of typing them.",
    authScopes: { permission: "plant:manage" },
    errors: { types: [NotFound, InputInvalid, PlcBridgeDidNotAnswer] },
    args: { plcId: t.arg.id(), settings: t.arg({ type: PlcSettingsInput }) },
    resolve: async (_root, args, context) => {
      const { plc } = await plannedTest(context, { ...args, tags: [] });
      if (plc.driver !== "LOGIX") {
        throw new InputInvalid(
          "plcId",
          `A ${plc.driver} controller has no symbol list: type its data-table addresses.`,
        );
      }
      const reply = await bridgeOf(context).ask({ plc, tags: [], browse: true });
      return { symbols: reply.symbols ?? [], error: reply.ok ? (reply.browseError ?? null) : (reply.error ?? null) };
    },
  }),
}));
