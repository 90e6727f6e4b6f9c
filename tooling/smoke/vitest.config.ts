import { rectifyVitestConfig } from "@rectify/vitest-config";

// One temporary project for all files: globalSetup packs the packages and
// installs the tarballs with npm once (see test/support/global-setup.ts).
export default rectifyVitestConfig({
  include: ["test/**/*.test.ts"],
  globalSetup: ["test/support/global-setup.ts"],
  testTimeout: 180_000,
  hookTimeout: 180_000,
});
