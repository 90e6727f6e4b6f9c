import type { UserConfig } from "vitest/config";

/** Returns the vitest config every package uses, with optional test overrides. */
export function rectifyVitestConfig(overrides?: NonNullable<UserConfig["test"]>): UserConfig;
