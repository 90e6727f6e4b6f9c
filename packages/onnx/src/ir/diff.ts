import type { Model } from "./model.js";
import { modelToProto } from "./to-proto.js";

/**
 * Differences between two models, as `path: a vs b` lines (empty when equal).
 * Compares everything the file would hold, field presence and unknown fields
 * included; NaN equals NaN, +0 and -0 differ.
 */
export function diffModels(a: Model, b: Model, limit = 20): string[] {
  const out: string[] = [];
  compare(modelToProto(a), modelToProto(b), "model", out, limit);
  return out;
}

function show(value: unknown): string {
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string")
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (Array.isArray(value)) return `[${value.length} items]`;
  if (value && typeof value === "object")
    return `{${(value as { $typeName?: string }).$typeName ?? "object"}}`;
  return String(value);
}

function compare(a: unknown, b: unknown, path: string, out: string[], limit: number): void {
  if (out.length >= limit) return;
  if (Object.is(a, b)) return;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    if (a.byteLength !== b.byteLength) out.push(`${path}: ${show(a)} vs ${show(b)}`);
    else {
      for (let i = 0; i < a.byteLength; i++) {
        if (a[i] !== b[i]) {
          out.push(`${path}: byte ${i} differs (${a[i]} vs ${b[i]})`);
          return;
        }
      }
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}: ${a.length} items vs ${b.length}`);
    for (let i = 0; i < Math.min(a.length, b.length); i++)
      compare(a[i], b[i], `${path}[${i}]`, out, limit);
    return;
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const keysA = Object.keys(a).filter((k) => k !== "$typeName");
    const keysB = new Set(Object.keys(b).filter((k) => k !== "$typeName"));
    for (const key of keysA) {
      if (!keysB.has(key)) {
        const value = (a as Record<string, unknown>)[key];
        if (!isEmpty(value)) out.push(`${path}.${key}: ${show(value)} vs (unset)`);
        continue;
      }
      keysB.delete(key);
      compare(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        `${path}.${key}`,
        out,
        limit,
      );
    }
    for (const key of keysB) {
      const value = (b as Record<string, unknown>)[key];
      if (!isEmpty(value)) out.push(`${path}.${key}: (unset) vs ${show(value)}`);
    }
    return;
  }
  out.push(`${path}: ${show(a)} vs ${show(b)}`);
}

/** Repeated fields are always own properties; an empty list counts as unset. */
function isEmpty(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0;
}
