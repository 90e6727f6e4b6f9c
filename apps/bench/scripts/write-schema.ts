// Writes the report's JSON Schema (report.schema.json) from the zod schema,
// the one source of truth; a test checks the committed file is current.
//   pnpm --filter @rectify/bench schema
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { reportJsonSchema } from "../src/report/json-schema.js";

const path = join(import.meta.dirname, "..", "report.schema.json");
writeFileSync(path, reportJsonSchema());
console.log(`wrote ${path}`);
