import { rectifyVitestConfig } from "@rectify/vitest-config";

export default rectifyVitestConfig({ include: ["test/**/*.test.ts"] });
