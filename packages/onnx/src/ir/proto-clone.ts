import type { Message } from "@bufbuild/protobuf";

/**
 * A shallow copy of a generated message that keeps its prototype, so proto2
 * field presence (own properties vs prototype defaults) survives the copy.
 */
export function shallowClone<T extends Message>(message: T): T {
  return Object.assign(Object.create(Object.getPrototypeOf(message)) as T, message);
}

/** Assigns `value` to `key` only when it differs, so an unchanged field keeps its original presence. */
export function assignIfChanged<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K],
): void {
  if (target[key] !== value) target[key] = value;
}
