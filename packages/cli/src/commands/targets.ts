import { builtinTargets } from "@rectify/rewrite";
import { CliError } from "../io/cli-error.js";
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

/** `rectify targets [name]`: the built-in target profiles and which activation-related ops each runs; `--json name` prints one profile that --target accepts. */
export function targetsCommand(
  name: string | undefined,
  options: { json?: boolean },
): { output: string; code: number } {
  const chosen = name === undefined ? undefined : builtinTargets.get(name);
  if (name !== undefined && !chosen)
    throw new CliError(
      "TARGET_UNKNOWN",
      `unknown target "${name}"; built-in targets: ${[...builtinTargets.keys()].join(", ")}`,
    );
  const targets = chosen ? [chosen] : [...builtinTargets.values()];
  // One profile is printed as itself, so `rectify targets --json NAME > my.json` is a file --target accepts.
  if (options.json && chosen) return { output: JSON.stringify(chosen.toJSON(), null, 2), code: 0 };
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
    "A profile of your own: rectify targets --json NAME > my-device.json writes one built-in profile; edit it and pass --target my-device.json.",
  );
  return { output: lines.join("\n"), code: 0 };
}
