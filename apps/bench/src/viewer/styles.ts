// The report's look, shared by the offline HTML report and the bench page.

/** The report page's styles (inline in the HTML report, linked in the page). */
export const reportStyles = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1400px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
.environment, .caption { color: #555; font-size: 13px; }
table { border-collapse: collapse; font-size: 12.5px; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left; white-space: nowrap; }
th { background: #f4f4f4; position: sticky; top: 0; }
tr.unchanged td, tr.failed td { color: #888; }
tr.failed td:last-child { color: #b00; white-space: normal; }
td.faster { color: #07622b; font-weight: 600; }
td.slower { color: #a11; font-weight: 600; }
details > summary { font-size: 17px; font-weight: 600; margin: 28px 0 8px; cursor: pointer; }
.canvas-box { position: relative; width: 100%; }
.table-box { max-height: 560px; overflow: auto; }
`;
