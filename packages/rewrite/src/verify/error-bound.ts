// A predicted bound on how far the rewritten model's outputs may be from the
// original's, per output element, for the inputs at hand. It is computed by
// onnxruntime itself: the original model gets a companion graph that carries,
// next to every float value v, a tensor E_v ≥ |ṽ − v| (ṽ: the rewritten
// model's value). Substituted activations add their max |error| e; every
// activation passes its input's bound on through its Lipschitz constant L
// (|f̃(x̃) − f(x)| ≤ e + L·|x̃ − x|); linear ops pass bounds through their
// weights' absolute values (Conv(E, |W|), E·|B|); products, maxima, pooling,
// reshapes and normalisation by constants have exact rules. The bound is
// rigorous in exact arithmetic (float32 rounding of the two runs is not in
// it) and first-order tight only where the errors line up; it is usually
// loose by the network's gain. Ops without a rule (recurrent cells,
// LayerNormalization, control flow) make it unknown, and the report says
// which op.
import { getActivation, instantiate } from "@rectify/kernels";
import {
  Attribute,
  AttributeType,
  DataType,
  type Graph,
  type Model,
  type Node,
  Tensor,
  type Value,
} from "@rectify/onnx";
import type { SitePlan } from "../plan/planner.js";
import { findSites } from "../sites/find-sites.js";
import type { Site } from "../sites/site.js";

/** The companion model and where its bounds come out. */
export interface BoundModel {
  readonly model: Model;
  /** Graph output name → the name of the output holding its bound (absent: the output is exact). */
  readonly bounds: ReadonlyMap<string, string>;
}

/** Why no bound can be given (an op without a rule on a path the errors take). */
export class BoundUnknown extends Error {
  override readonly name = "BoundUnknown";
}

/** The largest |f′| of a site's activation over ℝ (sampled densely, kinks included), by activation and params. */
const lipschitzCache = new Map<string, number>();

/** Lipschitz constant of an elementwise activation with these parameters, or undefined for a multivariable one. */
export function activationLipschitz(site: Pick<Site, "activation" | "params">): number | undefined {
  const key = `${site.activation}|${JSON.stringify(site.params)}`;
  const cached = lipschitzCache.get(key);
  if (cached !== undefined) return cached;
  let activation: ReturnType<typeof instantiate>;
  try {
    activation = instantiate(getActivation(site.activation), site.params);
  } catch {
    return undefined;
  }
  if (activation.reduces) return undefined;
  let largest = 0;
  const look = (x: number) => {
    const slope = Math.abs(activation.df(x));
    if (Number.isFinite(slope)) largest = Math.max(largest, slope);
    // One-sided slopes at kinks: a secant on either side.
    const h = 1e-6 * Math.max(1, Math.abs(x));
    const secant = Math.abs((activation.f(x + h) - activation.f(x - h)) / (2 * h));
    if (Number.isFinite(secant)) largest = Math.max(largest, secant);
  };
  for (let i = -40000; i <= 40000; i++) look(i / 400); // [−100, 100] at 1/400
  for (const x of [-1e6, -1e4, -1e3, 1e3, 1e4, 1e6]) look(x);
  for (const kink of activation.definition.properties.kinks?.(activation.params) ?? [])
    for (const x of [kink - 1e-9, kink + 1e-9]) look(x);
  // A little headroom over the sampled maximum (the sample may miss the peak by a grid step).
  const bound = largest * (1 + 1e-3);
  lipschitzCache.set(key, bound);
  return bound;
}

/** ∞-norm Lipschitz constants of the multivariable activations along their axis. */
const multivariable: Readonly<Record<string, number>> = {
  // J = diag(p) − ppᵀ: row sums 2pᵢ(1 − pᵢ) ≤ 1/2.
  softmax: 0.5,
  // J = I − 1pᵀ: row sums 2(1 − pᵢ) ≤ 2.
  "log-softmax": 2,
  // ∇ = p: sums to 1.
  logsumexp: 1,
};

/**
 * Ops whose output is the same rearrangement (or pooling, or mean) of the data
 * input's elements, applied to the bound too; Pad, Resize, Split and Cast
 * have their own rules below.
 */
const rearranging = new Set([
  "Identity",
  "Dropout",
  "Flatten",
  "Reshape",
  "Squeeze",
  "Unsqueeze",
  "Transpose",
  "Expand",
  "Tile",
  "Slice",
  "Gather",
  "GatherElements",
  "GatherND",
  "DepthToSpace",
  "SpaceToDepth",
  "MaxPool",
  "GlobalMaxPool",
  "AveragePool",
  "GlobalAveragePool",
  "ReduceMean",
  "ReduceSum",
  "ReduceMax",
]);

/** Ops whose outputs never depend on values (shapes, sizes). */
const valueFree = new Set(["Shape", "Size", "ConstantOfShape", "Constant", "EyeLike"]);

/** Lipschitz constants of elementwise ops met outside sites. */
const elementwise: Readonly<Record<string, (node: Node) => number>> = {
  Neg: () => 1,
  Abs: () => 1,
  Relu: () => 1,
  Clip: () => 1,
  Sigmoid: () => 0.25,
  Tanh: () => 1,
  Softsign: () => 1,
  LeakyRelu: (node) => Math.max(1, Math.abs(node.getFloat("alpha", 0.01)!)),
  HardSigmoid: (node) => Math.abs(node.getFloat("alpha", 0.2)!),
};

/**
 * Builds the companion model on `model` (a copy of the original, which it
 * changes): for every output of the main graph, an extra output with its
 * bound. `plans` say which sites were substituted and their max |error|;
 * sites kept add nothing but still pass bounds on through their activation.
 * Throws BoundUnknown when a path the errors take has no rule.
 */
export function boundModel(model: Model, plans: readonly SitePlan[]): BoundModel {
  const graph = model.graph;
  const sitesByOutput = new Map<string, { site: Site; error: number }>();
  const inSite = new Set<Node>();
  for (const plan of plans) {
    // The float model's error: on an integer device the budget checks another figure (what a table adds to the device's rounding).
    const chosen = plan.action === "substitute" ? plan.chosen : undefined;
    const error = chosen ? (chosen.floatError ?? chosen.predictedError) : 0;
    if (plan.site.graph.kind !== "main") {
      if (error > 0)
        throw new BoundUnknown(`a substituted site is inside a subgraph (${plan.site.location})`);
      continue;
    }
    if (!(Number.isFinite(error) && error >= 0))
      throw new BoundUnknown(`site ${plan.site.id} has no finite predicted error`);
    sitesByOutput.set(plan.site.output.name, { site: plan.site, error });
    for (const node of plan.site.nodes) inSite.add(node);
  }
  const builder = new BoundBuilder(graph);
  for (const node of [...graph.nodes]) {
    const site = node.outputs
      .map((output) => (output ? sitesByOutput.get(output.name) : undefined))
      .find((entry) => entry !== undefined);
    if (site) builder.site(node, site.site, site.error);
    else if (!inSite.has(node)) builder.node(node);
  }
  const bounds = new Map<string, string>();
  for (const output of [...graph.outputs]) {
    const bound = builder.boundOf(output);
    if (!bound) continue;
    const named = builder.emit("Identity", [bound], `rectify_bound/${output.name}`);
    graph.addOutput(named);
    bounds.set(output.name, named.name);
  }
  return { model, bounds };
}

/** Emits the companion nodes into the graph; `bound` maps a value to its bound (absent: exact). */
class BoundBuilder {
  private readonly bound = new Map<Value, Value>();
  private readonly constants = new Map<number, Value>();

  constructor(private readonly graph: Graph) {}

  boundOf(value: Value | null | undefined): Value | undefined {
    return value ? this.bound.get(value) : undefined;
  }

  emit(
    opType: string,
    inputs: (Value | null)[],
    name?: string,
    attributes: Attribute[] = [],
  ): Value {
    const node = this.graph.addNode({
      opType,
      inputs,
      outputs: [name ?? this.graph.uniqueValueName("rectify_bound")],
      attributes,
      name: this.graph.uniqueNodeName(`rectify_bound/${opType}`),
    });
    return node.outputs[0]!;
  }

  private constant(value: number): Value {
    let found = this.constants.get(value);
    if (!found) {
      found = this.graph.addInitializer(
        Tensor.fromArray(DataType.FLOAT, [], [value]),
        this.graph.uniqueValueName("rectify_bound_c"),
      );
      this.constants.set(value, found);
    }
    return found;
  }

  private abs(value: Value): Value {
    return this.emit("Abs", [value]);
  }

  /** `bound` shaped like `like` (a bound may be smaller, broadcast). */
  private shapedLike(bound: Value, like: Value): Value {
    return this.emit("Expand", [bound, this.emit("Shape", [like])]);
  }

  private sum(terms: Value[], like: Value): Value {
    if (terms.length === 0) throw new Error("BoundBuilder: an empty sum");
    const total = terms.reduce((a, b) => this.emit("Add", [a, b]));
    return terms.length === 1 ? this.shapedLike(total, like) : total;
  }

  /** A site's output: L·E_in + e (e alone when the input is exact). */
  site(node: Node, site: Site, error: number): void {
    const output = site.output;
    const inputBound = this.boundOf(site.input);
    const biasBound = this.boundOf(site.bias);
    const incoming =
      inputBound && biasBound
        ? this.emit("Add", [inputBound, biasBound])
        : (inputBound ?? biasBound);
    for (const parameter of site.parameters ?? [])
      if (this.boundOf(parameter))
        throw new BoundUnknown(`the parameter of site ${site.id} (${site.rule}) carries an error`);
    const terms: Value[] = [];
    if (incoming && site.activation === "pow" && site.params.exponent === 2) {
      // |x̃² − x²| ≤ 2|x|·E + E² (x² has no global Lipschitz constant).
      terms.push(
        this.emit("Add", [
          this.emit("Mul", [this.emit("Mul", [this.abs(site.input), incoming]), this.constant(2)]),
          this.emit("Mul", [incoming, incoming]),
        ]),
      );
    } else if (incoming) {
      const lipschitz = activationLipschitz(site);
      if (lipschitz !== undefined) {
        terms.push(this.emit("Mul", [incoming, this.constant(lipschitz)]));
      } else {
        const factor = multivariable[site.activation];
        if (factor === undefined || site.axis === undefined)
          throw new BoundUnknown(
            `no Lipschitz constant for ${site.activation} (site ${site.id}, ${node.opType})`,
          );
        const largest = this.emit("ReduceMax", [incoming], undefined, [
          Attribute.create("axes", AttributeType.INTS, [BigInt(site.axis)]),
          Attribute.create("keepdims", AttributeType.INT, 1),
        ]);
        terms.push(this.emit("Mul", [largest, this.constant(factor)]));
      }
    }
    if (error > 0) terms.push(this.constant(error));
    if (terms.length > 0) this.bound.set(output, this.sum(terms, output));
  }

  /** A node outside every site. */
  node(node: Node): void {
    const inputs = node.inputs;
    const bounds = inputs.map((input) => this.boundOf(input));
    if (bounds.every((bound) => bound === undefined)) return; // exact in, exact out
    if (valueFree.has(node.opType)) return;
    if (node.domain !== "" && node.domain !== "ai.onnx")
      throw new BoundUnknown(`no error rule for ${node.domain}.${node.opType} (node ${node.name})`);
    const out = node.outputs[0];
    if (!out) return;
    const E = (i: number) => bounds[i];
    const x = (i: number) => inputs[i]!;
    // The output's bound (Split sets its outputs' bounds itself and gives none).
    const rule = (): Value | undefined => {
      switch (node.opType) {
        case "Add":
        case "Sub":
        case "Sum":
          return this.sum(
            bounds.filter((b): b is Value => b !== undefined),
            out,
          );
        case "Mean":
          return this.emit("Mul", [
            this.sum(
              bounds.filter((b): b is Value => b !== undefined),
              out,
            ),
            this.constant(1 / inputs.length),
          ]);
        case "Max":
        case "Min": {
          // Each is 1-Lipschitz in the largest operand bound.
          const present = bounds.filter((b): b is Value => b !== undefined);
          const largest = present.reduce((a, b) => this.emit("Max", [a, b]));
          return this.shapedLike(largest, out);
        }
        case "Mul": {
          const terms: Value[] = [];
          if (E(0)) terms.push(this.emit("Mul", [E(0)!, this.abs(x(1))]));
          if (E(1)) terms.push(this.emit("Mul", [E(1)!, this.abs(x(0))]));
          if (E(0) && E(1)) terms.push(this.emit("Mul", [E(0)!, E(1)!]));
          return this.sum(terms, out);
        }
        case "Div": {
          if (!E(1)) return this.emit("Div", [E(0)!, this.abs(x(1))]);
          // |ã/b̃ − a/b| ≤ (E_a + |a/b|·E_b) / (|b| − E_b) while |b| > E_b (else unbounded: +∞).
          const quotient = this.abs(this.emit("Div", [x(0), x(1)]));
          const numerator = E(0)
            ? this.emit("Add", [E(0)!, this.emit("Mul", [quotient, E(1)!])])
            : this.emit("Mul", [quotient, E(1)!]);
          const margin = this.emit("Relu", [this.emit("Sub", [this.abs(x(1)), E(1)!])]);
          return this.shapedLike(this.emit("Div", [numerator, margin]), out);
        }
        case "Where":
          if (E(0))
            throw new BoundUnknown(`a Where condition carries an error (node ${node.name})`);
          return this.emit("Where", [x(0), E(1) ?? this.constant(0), E(2) ?? this.constant(0)]);
        case "Concat": {
          const parts = inputs.map((input, i) => E(i) ?? this.shapedLike(this.constant(0), input!));
          return this.emit("Concat", parts, undefined, copyAttributes(node));
        }
        case "Conv":
        case "ConvTranspose":
          if (E(1))
            throw new BoundUnknown(`the weights of ${node.opType} ${node.name} carry an error`);
          return this.emit(node.opType, [E(0)!, this.abs(x(1))], undefined, copyAttributes(node));
        case "MatMul": {
          const terms: Value[] = [];
          if (E(0)) terms.push(this.emit("MatMul", [E(0)!, this.abs(x(1))]));
          if (E(1)) terms.push(this.emit("MatMul", [this.abs(x(0)), E(1)!]));
          if (E(0) && E(1)) terms.push(this.emit("MatMul", [E(0)!, E(1)!]));
          return this.sum(terms, out);
        }
        case "Gemm": {
          const alpha = Math.abs(node.getFloat("alpha", 1)!);
          const beta = Math.abs(node.getFloat("beta", 1)!);
          const transposes = node.attributes
            .filter((a) => a.name === "transA" || a.name === "transB")
            .map((a) => Attribute.create(a.name, AttributeType.INT, a.value as number));
          const gemm = (a: Value, b: Value) =>
            this.emit("Gemm", [a, b], undefined, [
              ...transposes,
              Attribute.create("alpha", AttributeType.FLOAT, alpha),
            ]);
          const terms: Value[] = [];
          if (E(0)) terms.push(gemm(E(0)!, this.abs(x(1))));
          if (E(1)) terms.push(gemm(this.abs(x(0)), E(1)!));
          if (E(0) && E(1)) terms.push(gemm(E(0)!, E(1)!));
          if (E(2)) terms.push(this.emit("Mul", [E(2)!, this.constant(beta)]));
          return this.sum(terms, out);
        }
        case "BatchNormalization": {
          if (bounds.slice(1).some((b) => b !== undefined))
            throw new BoundUnknown(`BatchNormalization ${node.name} has inexact statistics`);
          // BN(E) with |scale|, zero bias and zero mean: |scale|·E/√(var + ε).
          const zero = this.emit("Mul", [x(2), this.constant(0)]);
          return this.emit(
            "BatchNormalization",
            [E(0)!, this.abs(x(1)), zero, zero, x(4)],
            undefined,
            node.attributes
              .filter((a) => a.name === "epsilon")
              .map((a) => Attribute.create(a.name, AttributeType.FLOAT, a.value as number)),
          );
        }
        case "ReduceMin":
          return this.emit(
            "ReduceMax",
            [E(0)!, ...inputs.slice(1)],
            undefined,
            copyAttributes(node),
          );
        case "Pad": {
          // Padded with zeros (constant mode), or with the bounds of the edge (edge, reflect).
          const padded = [E(0)!, inputs[1] ?? null, null, ...inputs.slice(3)];
          return this.emit("Pad", padded, undefined, copyAttributes(node));
        }
        case "Resize":
        case "Upsample": {
          const mode = node.getString("mode", "nearest");
          if (mode === "cubic")
            throw new BoundUnknown(`cubic Resize ${node.name} has negative weights`);
          return this.emit(
            node.opType,
            [E(0)!, ...inputs.slice(1)],
            undefined,
            copyAttributes(node),
          );
        }
        case "Cast": {
          const to = node.getInt("to");
          if (to !== DataType.FLOAT && to !== DataType.DOUBLE && to !== DataType.FLOAT16)
            throw new BoundUnknown(`Cast ${node.name} to a non-float type of an inexact value`);
          return E(0)!;
        }
        case "NegativeLogLikelihoodLoss": {
          // −w[t]·x[t] per element, summed or averaged: the same op over −E with |w| bounds it; a mean divides
          // by Σ w[t], which |w| keeps only when no weight is negative.
          if (E(1) || E(2))
            throw new BoundUnknown(`${node.opType} ${node.name} has an inexact target or weight`);
          const weight = inputs[2];
          const nonNegative =
            !weight || weight.initializer?.toFloat64Array().every((w) => w >= 0) === true;
          if (node.getString("reduction", "mean") === "mean" && !nonNegative)
            throw new BoundUnknown(
              `${node.opType} ${node.name} averages with weights not known to be ≥ 0`,
            );
          return this.emit(
            node.opType,
            [this.emit("Neg", [E(0)!]), x(1), ...(weight ? [this.abs(weight)] : [])],
            undefined,
            copyAttributes(node),
          );
        }
        case "Split": {
          const split = this.graph.addNode({
            opType: "Split",
            inputs: [E(0)!, ...inputs.slice(1)],
            outputs: node.outputs.length,
            attributes: copyAttributes(node),
            name: this.graph.uniqueNodeName("rectify_bound/Split"),
          });
          node.outputs.forEach((output, i) => {
            if (output) this.bound.set(output, split.outputs[i]!);
          });
          return;
        }
        default: {
          if (rearranging.has(node.opType)) {
            if (bounds.slice(1).some((b) => b !== undefined))
              throw new BoundUnknown(`${node.opType} ${node.name} has an inexact index or shape`);
            return this.emit(
              node.opType,
              [E(0)!, ...inputs.slice(1)],
              undefined,
              copyAttributes(node),
            );
          }
          const lipschitz = elementwise[node.opType];
          if (lipschitz && inputs.slice(1).every((input, i) => !input || !E(i + 1)))
            return this.emit("Mul", [E(0)!, this.constant(lipschitz(node))]);
          throw new BoundUnknown(`no error rule for ${node.opType} (node ${node.name})`);
        }
      }
    };
    const result = rule();
    if (result) this.bound.set(out, result);
    if (node.outputs.length > 1 && node.opType !== "Split") {
      // Extra outputs (Dropout's mask, MaxPool's indices) are not float data the errors flow into.
      for (const extra of node.outputs.slice(1))
        if (
          extra &&
          extra.uses.length > 0 &&
          node.opType !== "Dropout" &&
          node.opType !== "MaxPool"
        )
          throw new BoundUnknown(`${node.opType} ${node.name} has a second output in use`);
    }
  }
}

/** Copies of a node's non-graph attributes. */
function copyAttributes(node: Node): Attribute[] {
  return node.attributes.map((attribute) => {
    if (attribute.type === AttributeType.GRAPH || attribute.type === AttributeType.GRAPHS)
      throw new BoundUnknown(`${node.opType} ${node.name} holds a subgraph`);
    return Attribute.create(attribute.name, attribute.type, attribute.value);
  });
}

/** The predicted bound checked against what the rewritten model measured, on the verification inputs. */
export type BoundReport =
  | {
      /**
       * Largest bound over every element of every output; null when some
       * element's bound is beyond float32 (the network's worst-case gain
       * overflows: nothing is promised there).
       */
      readonly maxBound: number | null;
      /** Largest measured |rewritten − original| (the same as the verification's). */
      readonly maxError: number;
      /** Every element within its own bound (plus float32 slack, see `slack`). */
      readonly within: boolean;
      /** Elements outside their bound. */
      readonly violations: number;
      /** The float32 allowance added to each element's bound: 1e-5·max(1, |original|). */
      readonly slack: string;
    }
  | {
      /** Why there is no bound (the op without a rule, and where). */
      readonly unknown: string;
    };

/** The float32 allowance: two float32 runs of different graphs differ by rounding too. */
const slackFactor = 1e-5;

/**
 * Builds the bound model on a fresh copy of the original, runs it, and checks
 * the rewritten outputs element by element. `run` runs a model on the
 * verification inputs; `reference` and `rewritten` are the two models'
 * outputs there.
 */
export async function checkPredictedBound(options: {
  load: () => Model | Promise<Model>;
  plans: readonly SitePlan[];
  run: (model: Model) => Promise<Readonly<Record<string, FeedLike>>>;
  reference: Readonly<Record<string, FeedLike>>;
  rewritten: Readonly<Record<string, FeedLike>>;
}): Promise<BoundReport> {
  const copy = await options.load();
  let built: BoundModel;
  try {
    built = boundModel(copy, rebind(options.plans, copy));
  } catch (error) {
    if (error instanceof BoundUnknown) return { unknown: error.message };
    throw error;
  }
  let outputs: Readonly<Record<string, FeedLike>>;
  try {
    outputs = await options.run(built.model);
  } catch (error) {
    // A companion graph the engine refuses (a float16 model: its bound constants are float32).
    return { unknown: `the bound model does not run: ${(error as Error).message.split("\n")[0]}` };
  }
  let maxBound = 0;
  let unbounded = false;
  let maxError = 0;
  let violations = 0;
  for (const [name, tensor] of Object.entries(options.reference)) {
    const candidate = options.rewritten[name];
    if (!candidate) continue;
    const expected = toNumbers(tensor);
    const actual = toNumbers(candidate);
    const boundName = built.bounds.get(name);
    const bound = boundName ? toNumbers(outputs[boundName]!) : undefined;
    for (let i = 0; i < expected.length; i++) {
      const r = expected[i]!;
      const c = actual[i]!;
      // A bound tensor may be smaller than the output (broadcast): index it modulo its size.
      const b = bound ? bound[bound.length === expected.length ? i : i % bound.length]! : 0;
      if (Number.isFinite(b)) maxBound = Math.max(maxBound, b);
      else unbounded = true; // +∞, or NaN from ∞·0 past the float32 range
      if (!(Number.isFinite(r) && Number.isFinite(c))) {
        if (!(Object.is(r, c) || (Number.isNaN(r) && Number.isNaN(c)))) violations++;
        continue;
      }
      const difference = Math.abs(c - r);
      maxError = Math.max(maxError, difference);
      if (Number.isFinite(b) && !(difference <= b + slackFactor * Math.max(1, Math.abs(r))))
        violations++;
    }
  }
  return {
    maxBound: unbounded ? null : maxBound,
    maxError,
    within: violations === 0,
    violations,
    slack: `${slackFactor}·max(1, |original|)`,
  };
}

/** A tensor as the evaluators return it: typed data (bigint data only for integer outputs). */
type FeedLike = { readonly data: ArrayLike<number> | ArrayLike<bigint> };

function toNumbers(tensor: FeedLike): Float64Array {
  const data = tensor.data;
  return Float64Array.from(data as ArrayLike<number>, (value) => Number(value));
}

/**
 * The plans with their sites found again in `model` (a fresh copy of the one
 * they were made on, where the substituted sites' nodes are gone), by id. A
 * site that cannot be found makes the bound unknown.
 */
function rebind(plans: readonly SitePlan[], model: Model): SitePlan[] {
  const fresh = new Map(findSites(model).sites.map((site) => [site.id, site]));
  return plans.map((plan) => {
    if (plan.site.graph.kind !== "main") return plan; // boundModel refuses substituted ones there
    const site = fresh.get(plan.site.id);
    if (!site) throw new BoundUnknown(`site ${plan.site.id} is not found again in the original`);
    // What inference found (the axis of a softmax over an undeclared rank) stays the plan's.
    return {
      ...plan,
      site: { ...site, ...(plan.site.axis !== undefined ? { axis: plan.site.axis } : {}) },
    };
  });
}
