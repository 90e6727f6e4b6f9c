import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { maxNestingDepth } from "./wire-reader.js";

/** What is wrong with a protobuf byte stream, and where. */
export interface WireProblem {
  kind: "truncated" | "wire-type" | "invalid" | "too-deep";
  offset: number;
  path: string;
  reason: string;
}

class Cursor {
  constructor(
    readonly bytes: Uint8Array,
    public position: number,
  ) {}

  /** Reads a varint as a float64-safe number; undefined when it runs past `end` or exceeds 10 bytes. */
  varint(end: number): number | undefined {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.position >= end) return undefined;
      const byte = this.bytes[this.position++]!;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    return undefined;
  }
}

function expectedWireTypes(field: DescField): number[] {
  if (field.fieldKind === "message") return [2];
  if (field.fieldKind === "map") return [2];
  const isList = field.fieldKind === "list";
  if (isList && field.listKind === "message") return [2];
  const scalar =
    field.fieldKind === "enum" || (isList && field.listKind === "enum")
      ? ScalarType.INT32
      : field.scalar;
  let base: number;
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      base = 1;
      break;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      base = 5;
      break;
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return [2];
    default:
      base = 0;
  }
  return isList ? [base, 2] : [base];
}

const wireTypeNames = [
  "varint",
  "fixed64",
  "length-delimited",
  "start-group",
  "end-group",
  "fixed32",
];

/**
 * Walks protobuf bytes against the schema to find the first structural
 * problem (truncation, impossible length, bad wire type, excessive nesting)
 * with its byte offset and field path. Used only after decoding failed, to
 * turn a bare parser error into one that says where.
 */
export function locateWireProblem(bytes: Uint8Array, desc: DescMessage): WireProblem | undefined {
  return scanMessage(
    new Cursor(bytes, 0),
    bytes.byteLength,
    desc,
    desc.typeName.replace(/^onnx\./, ""),
    0,
  );
}

function scanMessage(
  cursor: Cursor,
  end: number,
  desc: DescMessage | undefined,
  path: string,
  depth: number,
): WireProblem | undefined {
  if (depth > maxNestingDepth) {
    return {
      kind: "too-deep",
      offset: cursor.position,
      path,
      reason: `messages nest deeper than ${maxNestingDepth} levels`,
    };
  }
  const counts = new Map<number, number>();
  while (cursor.position < end) {
    const tagOffset = cursor.position;
    const tag = cursor.varint(end);
    if (tag === undefined)
      return {
        kind: "truncated",
        offset: tagOffset,
        path,
        reason: "field tag runs past the end of its message",
      };
    const number = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (number === 0)
      return { kind: "invalid", offset: tagOffset, path, reason: "field number 0 is not allowed" };
    const field = desc?.fields.find((f) => f.number === number);
    const index = counts.get(number) ?? 0;
    counts.set(number, index + 1);
    const fieldPath = field
      ? `${path}.${field.name}${field.fieldKind === "list" ? `[${index}]` : ""}`
      : `${path}.<field ${number}>`;
    if (wireType > 5)
      return {
        kind: "wire-type",
        offset: tagOffset,
        path: fieldPath,
        reason: `wire type ${wireType} does not exist`,
      };
    if (field && !expectedWireTypes(field).includes(wireType)) {
      return {
        kind: "wire-type",
        offset: tagOffset,
        path: fieldPath,
        reason: `field ${field.name} arrived as ${wireTypeNames[wireType]}, expected ${expectedWireTypes(
          field,
        )
          .map((w) => wireTypeNames[w])
          .join(" or ")}`,
      };
    }
    const valueOffset = cursor.position;
    switch (wireType) {
      case 0:
        if (cursor.varint(end) === undefined)
          return {
            kind: "truncated",
            offset: valueOffset,
            path: fieldPath,
            reason: "varint runs past the end of its message",
          };
        break;
      case 1:
      case 5: {
        const width = wireType === 1 ? 8 : 4;
        if (cursor.position + width > end) {
          return {
            kind: "truncated",
            offset: valueOffset,
            path: fieldPath,
            reason: `needs ${width} bytes, ${end - cursor.position} remain`,
          };
        }
        cursor.position += width;
        break;
      }
      case 2: {
        const length = cursor.varint(end);
        if (length === undefined)
          return {
            kind: "truncated",
            offset: valueOffset,
            path: fieldPath,
            reason: "length prefix runs past the end of its message",
          };
        const start = cursor.position;
        const child =
          field &&
          (field.fieldKind === "message" ||
            (field.fieldKind === "list" && field.listKind === "message"))
            ? field.message
            : undefined;
        if (start + length > end) {
          // Report the innermost field that overruns: scan the child up to where the bytes end.
          const inner = child ? scanMessage(cursor, end, child, fieldPath, depth + 1) : undefined;
          if (inner?.kind === "truncated") return inner;
          return {
            kind: "truncated",
            offset: valueOffset,
            path: fieldPath,
            reason: `length ${length} exceeds the ${end - start} bytes that remain`,
          };
        }
        if (child) {
          const problem = scanMessage(cursor, start + length, child, fieldPath, depth + 1);
          if (problem) return problem;
        }
        cursor.position = start + length;
        break;
      }
      case 3: {
        const problem = skipGroup(cursor, end, number, fieldPath, depth + 1);
        if (problem) return problem;
        break;
      }
      case 4:
        return {
          kind: "invalid",
          offset: tagOffset,
          path: fieldPath,
          reason: "end-group tag without a start-group",
        };
    }
  }
  return undefined;
}

function skipGroup(
  cursor: Cursor,
  end: number,
  number: number,
  path: string,
  depth: number,
): WireProblem | undefined {
  if (depth > maxNestingDepth)
    return {
      kind: "too-deep",
      offset: cursor.position,
      path,
      reason: `groups nest deeper than ${maxNestingDepth} levels`,
    };
  while (cursor.position < end) {
    const tagOffset = cursor.position;
    const tag = cursor.varint(end);
    if (tag === undefined)
      return {
        kind: "truncated",
        offset: tagOffset,
        path,
        reason: "field tag runs past the end of the group",
      };
    const wireType = tag % 8;
    const inner = Math.floor(tag / 8);
    if (wireType === 4) {
      if (inner !== number)
        return {
          kind: "invalid",
          offset: tagOffset,
          path,
          reason: `end-group ${inner} does not close group ${number}`,
        };
      return undefined;
    }
    if (wireType === 3) {
      const problem = skipGroup(cursor, end, inner, path, depth + 1);
      if (problem) return problem;
      continue;
    }
    if (wireType > 5)
      return {
        kind: "wire-type",
        offset: tagOffset,
        path,
        reason: `wire type ${wireType} does not exist`,
      };
    const valueOffset = cursor.position;
    if (skipEnd(cursor, end, wireType) > end) {
      return {
        kind: "truncated",
        offset: valueOffset,
        path,
        reason: "a value in the group runs past the end of its message",
      };
    }
  }
  return { kind: "truncated", offset: end, path, reason: `group ${number} is not closed` };
}

/** Advances past one non-group value; returns where it ends (past `end` when it overruns). */
function skipEnd(cursor: Cursor, end: number, wireType: number): number {
  switch (wireType) {
    case 0:
      if (cursor.varint(end) === undefined) return end + 1;
      break;
    case 1:
      cursor.position += 8;
      break;
    case 5:
      cursor.position += 4;
      break;
    case 2: {
      const length = cursor.varint(end);
      if (length === undefined) return end + 1;
      cursor.position += length;
      break;
    }
  }
  return cursor.position;
}
