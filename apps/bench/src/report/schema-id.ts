/** The schema id every bench report carries (its own module: the page needs it without zod). */
export const reportSchemaId = "rectify-bench/1";
