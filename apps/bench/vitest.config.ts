import { rectifyVitestConfig } from "@rectify/vitest-config";

export default rectifyVitestConfig();
