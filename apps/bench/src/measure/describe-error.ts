/** At most this many characters of an error go into the report. */
const limit = 600;

/** One line for the report: "CODE: message" for rectify's coded errors (details joined), the message otherwise. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const message = error.message
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .join(" ");
  const text =
    typeof code === "string" && !message.startsWith(code) ? `${code}: ${message}` : message;
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
