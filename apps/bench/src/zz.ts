import fs from "node:fs";
import { decodeModel } from "@rectify/onnx";
for (const f of process.argv.slice(2)) { const m = decodeModel(fs.readFileSync(f)); console.log(f); for (const n of m.graph.nodes) console.log(" ", n.domain, n.opType, n.name, JSON.stringify(n.attributes.map(a=>[a.name, a.s ? new TextDecoder().decode(a.s): a.f ?? a.i ?? a.floats]))); }
