// The controller's tag memory: typed atomic tags and 1-D arrays kept as little-endian bytes (so a
// CIP read is one copy), in controller and program scopes, found case-insensitively as Logix does.
import {
  type AtomicType,
  type AtomicTypeName,
  type AtomicValue,
  atomicTypes,
  readAtomicValue,
  writeAtomicValue,
} from "../src/cip/cip-data-types.ts";
import { PROGRAM_SYMBOL_TYPE } from "./protocol-constants.ts";

/** A tag's value: an element, or an array of them for array tags. */
export type TagValue = AtomicValue | AtomicValue[];

export interface LogixTag {
  /** Full name as declared, e.g. "Program:Bagger1.Running" or "Line_Heartbeat". */
  readonly name: string;
  /** Program name for program-scoped tags ("Bagger1"), null at controller scope. */
  readonly program: string | null;
  /** Name inside its scope ("Running"). */
  readonly symbol: string;
  readonly type: AtomicType;
  /** 0 for a scalar, else the array length. */
  readonly dimension: number;
  /** 1 for a scalar. */
  readonly elementCount: number;
  /** The tag's memory; simulation and CIP services read and write it in place. */
  readonly data: Buffer;
  /** Symbol-object instance id inside its scope, used by the tag browse. */
  readonly instanceId: number;
}

/** One row of a tag browse (Get Instance Attribute List on the Symbol class). */
export interface SymbolEntry {
  readonly instanceId: number;
  readonly symbol: string;
  /** Symbol type word: type code, array dimensions in bits 13-14, reserved bit 0x1000. */
  readonly typeWord: number;
  readonly elementSize: number;
  readonly dimension: number;
}

export interface TagDefinition {
  type: AtomicTypeName;
  /** Array length; omit for a scalar. Logix packs BOOL arrays into DWORDs, so BOOL arrays are refused. */
  elements?: number;
  initial?: TagValue;
}

interface Scope {
  readonly name: string | null;
  readonly entries: SymbolEntry[];
  nextInstanceId: number;
}

const SYMBOL_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;
const PROGRAM_PREFIX = "program:";

/** Reads one element at `index` from a tag's bytes. */
function readElement(tag: LogixTag, index: number): AtomicValue {
  return readAtomicValue(tag.type.name, tag.data, index * tag.type.size);
}

/**
 * Writes one element. Integers wrap as the PLC type would (DINT 2^31 -> -2^31); a value of the
 * wrong JavaScript kind throws, so a test typo is not silently stored as 0.
 */
function writeElement(tag: LogixTag, index: number, value: AtomicValue): void {
  const name = tag.type.name;
  if (name === "BOOL") {
    if (typeof value !== "boolean" && typeof value !== "number") throw new TypeError(`${tag.name} is BOOL`);
  } else if (name === "LINT") {
    if (typeof value !== "bigint" && typeof value !== "number") throw new TypeError(`${tag.name} is LINT`);
  } else if (typeof value !== "number") {
    throw new TypeError(`${tag.name} is ${name}, got ${typeof value}`);
  }
  writeAtomicValue(name, tag.data, index * tag.type.size, wrapToType(name, value));
}

/** The value as the PLC type holds it: integers truncated and wrapped to their width. */
function wrapToType(name: AtomicTypeName, value: AtomicValue): AtomicValue {
  switch (name) {
    case "SINT":
      return (Math.trunc(value as number) << 24) >> 24;
    case "INT":
      return (Math.trunc(value as number) << 16) >> 16;
    case "DINT":
      return Math.trunc(value as number) | 0;
    case "LINT":
      return BigInt.asIntN(64, typeof value === "bigint" ? value : BigInt(Math.trunc(value as number)));
    default:
      return value;
  }
}

/** Splits "Name" or "Name[3]" into the name and an optional element index. */
function splitElement(fullName: string): { name: string; index: number | null } {
  const match = /^(.*)\[(\d+)\]$/.exec(fullName);
  if (!match) return { name: fullName, index: null };
  return { name: match[1]!, index: Number(match[2]) };
}

export class TagDatabase {
  private readonly byName = new Map<string, LogixTag>();
  private readonly scopes = new Map<string, Scope>();
  private readonly controllerScope: Scope = { name: null, entries: [], nextInstanceId: 1 };

  /**
   * Declares a tag. `fullName` is "Symbol" (controller scope) or "Program:Name.Symbol".
   * Returns the tag so the simulation can keep a direct reference to its bytes.
   */
  define(fullName: string, definition: TagDefinition): LogixTag {
    const { program, symbol } = parseScopedName(fullName);
    if (!SYMBOL_PATTERN.test(symbol)) throw new Error(`"${fullName}": not a valid Logix tag name`);
    const key = fullName.toLowerCase();
    if (this.byName.has(key)) throw new Error(`tag "${fullName}" is declared twice`);
    const type = atomicTypes[definition.type];
    const dimension = definition.elements ?? 0;
    if (!Number.isInteger(dimension) || dimension < 0 || dimension > 65_535) {
      throw new Error(`"${fullName}": array length must be a whole number from 1 to 65535`);
    }
    if (dimension > 0 && type.name === "BOOL") throw new Error(`"${fullName}": BOOL arrays are not supported`);
    const scope = program === null ? this.controllerScope : this.programScope(program);
    const elementCount = Math.max(1, dimension);
    const tag: LogixTag = {
      name: fullName,
      program,
      symbol,
      type,
      dimension,
      elementCount,
      data: Buffer.alloc(elementCount * type.size),
      instanceId: scope.nextInstanceId++,
    };
    scope.entries.push({
      instanceId: tag.instanceId,
      symbol,
      typeWord: type.code | (dimension > 0 ? 1 << 13 : 0),
      elementSize: type.size,
      dimension,
    });
    this.byName.set(key, tag);
    if (definition.initial !== undefined) this.write(tag, definition.initial);
    return tag;
  }

  /** Finds a tag by its full name, ignoring case. */
  find(fullName: string): LogixTag | undefined {
    return this.byName.get(fullName.toLowerCase());
  }

  /** Finds a tag by scope and symbol, as a CIP path names it. `program` is the bare program name. */
  findInScope(program: string | null, symbol: string): LogixTag | undefined {
    return this.byName.get(program === null ? symbol.toLowerCase() : `program:${program}.${symbol}`.toLowerCase());
  }

  /** The browse rows of a scope (null = controller scope, which also lists the programs). */
  symbolsOf(program: string | null): readonly SymbolEntry[] | undefined {
    if (program === null) return this.controllerScope.entries;
    return this.scopes.get(program.toLowerCase())?.entries;
  }

  /** Every declared tag, in declaration order. */
  tags(): IterableIterator<LogixTag> {
    return this.byName.values();
  }

  /** Reads a tag, or one element of it with "Name[3]". */
  get(fullName: string): TagValue {
    const { tag, index } = this.resolve(fullName);
    return index === null ? this.read(tag) : readElement(tag, index);
  }

  /** Writes a tag, or one element of it with "Name[3]". Arrays must be written whole. */
  set(fullName: string, value: TagValue): void {
    const { tag, index } = this.resolve(fullName);
    if (index === null) this.write(tag, value);
    else {
      if (Array.isArray(value)) throw new TypeError(`${fullName} is one element; pass a single value`);
      writeElement(tag, index, value);
    }
  }

  read(tag: LogixTag): TagValue {
    if (tag.dimension === 0) return readElement(tag, 0);
    const values: AtomicValue[] = [];
    for (let i = 0; i < tag.elementCount; i++) values.push(readElement(tag, i));
    return values;
  }

  write(tag: LogixTag, value: TagValue): void {
    if (tag.dimension === 0) {
      if (Array.isArray(value)) throw new TypeError(`${tag.name} is a scalar ${tag.type.name}`);
      writeElement(tag, 0, value);
      return;
    }
    if (!Array.isArray(value) || value.length !== tag.elementCount) {
      throw new TypeError(`${tag.name} is ${tag.type.name}[${tag.elementCount}]; pass ${tag.elementCount} values`);
    }
    for (let i = 0; i < value.length; i++) writeElement(tag, i, value[i]!);
  }

  private resolve(fullName: string): { tag: LogixTag; index: number | null } {
    const { name, index } = splitElement(fullName);
    const tag = this.find(name);
    if (!tag) throw new Error(`unknown tag "${name}"`);
    if (index !== null && index >= tag.elementCount) {
      throw new RangeError(`${name} has ${tag.elementCount} elements; index ${index} is out of range`);
    }
    return { tag, index };
  }

  private programScope(program: string): Scope {
    const key = program.toLowerCase();
    let scope = this.scopes.get(key);
    if (!scope) {
      if (!SYMBOL_PATTERN.test(program)) throw new Error(`"${program}": not a valid Logix program name`);
      scope = { name: program, entries: [], nextInstanceId: 1 };
      this.scopes.set(key, scope);
      // The program itself is a symbol of the controller scope; that is how a browse finds it.
      this.controllerScope.entries.push({
        instanceId: this.controllerScope.nextInstanceId++,
        symbol: `Program:${program}`,
        typeWord: PROGRAM_SYMBOL_TYPE,
        elementSize: 0,
        dimension: 0,
      });
    }
    return scope;
  }
}

/** Splits "Program:Bagger1.Running" into program and symbol; a plain name is controller-scoped. */
export function parseScopedName(fullName: string): { program: string | null; symbol: string } {
  if (!fullName.toLowerCase().startsWith(PROGRAM_PREFIX)) return { program: null, symbol: fullName };
  const dot = fullName.indexOf(".");
  if (dot < 0) throw new Error(`"${fullName}": a program-scoped name needs ".Symbol" after the program`);
  return { program: fullName.slice(PROGRAM_PREFIX.length, dot), symbol: fullName.slice(dot + 1) };
}
