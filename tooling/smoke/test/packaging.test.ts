// Each packed tarball passes publint --strict and Are The Types Wrong
// (esm-only profile) with no errors and no warnings.
import { describe, expect, inject, it } from "vitest";
import { arethetypeswrong, publint } from "./support/linters.js";
import { step } from "./support/steps.js";

const tarballs = Object.entries(inject("tarballs"));
const root = inject("smokeRoot");

describe("package linters on the packed tarballs", () => {
  it.concurrent.each(tarballs)("publint --strict %s", async (name, tarball) => {
    const result = await step(`publint --strict ${name}`, () => publint(tarball, root));
    expect(result.stdout).not.toMatch(/warning|error/i);
  });

  it.concurrent.each(tarballs)("attw --profile esm-only %s", async (name, tarball) => {
    const result = await step(`attw --profile esm-only ${name}`, () =>
      arethetypeswrong(tarball, root),
    );
    // attw exits 1 on a problem; also no problem mark outside the resolutions the profile ignores.
    const problems = result.stdout
      .split("\n")
      .filter((line) => /❌|💀|🥴|⚠️/u.test(line) && !line.includes("(ignored"));
    expect(problems, result.stdout).toEqual([]);
  });
});
