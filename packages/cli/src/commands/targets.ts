import { builtinTargets } from "@rectify/rewrite";
import { formatTable } from "../output/table.js";

const activationOps = [
  "Relu",
  "LeakyRelu",
  "PRelu",
  "Elu",
  "Selu",
  "Celu",
  "Softplus",
  "Softsign",
  "Sigmoid",
  "HardSigmoid",
  "HardSwish",
  "Tanh",
  "Gelu",
  "Mish",
  "Softmax",
  "Exp",
  "Log",
  "Erf",
  "Sqrt",
  "Div",
];

/** `rectify targets`: the built-in target profiles and which activation-related ops each runs. */
export function targetsCommand(options: { json?: boolean }): { output: string; code: number } {
  const targets = [...builtinTargets.values()];
  if (options.json)
    return {
      output: JSON.stringify(
        targets.map((target) => target.toJSON()),
        null,
        2,
      ),
      code: 0,
    };
  const lines = [
    formatTable(
      ["target", "description"],
      targets.map((target) => [target.name, target.description]),
    ),
  ];
  lines.push(
    "",
    "activation-related ops each target runs natively (✓), and may use in substitutes (s):",
  );
  lines.push(
    formatTable(
      ["op", ...targets.map((target) => target.name)],
      activationOps.map((op) => [
        op,
        ...targets.map((target) =>
          target.allowsInSubstitute(op) ? "✓ s" : target.runs(op) ? "✓" : "·",
        ),
      ]),
    ),
  );
  lines.push(
    "",
    "A profile of your own: a JSON file in the same format (rectify targets --json prints the built-ins), passed as --target my-device.json.",
  );
  return { output: lines.join("\n"), code: 0 };
}
