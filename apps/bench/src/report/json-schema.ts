import { z } from "zod";
import { reportSchema, reportSchemaId } from "./schema.js";

/** The report's schema as JSON Schema text (draft 2020-12), as committed in report.schema.json. */
export function reportJsonSchema(): string {
  const schema = z.toJSONSchema(reportSchema, { target: "draft-2020-12" });
  return `${JSON.stringify({ ...schema, $id: reportSchemaId, title: "rectify bench report" }, null, 2)}\n`;
}
