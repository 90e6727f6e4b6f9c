// The example's model, shared by the script that writes public/softplus-matmul.onnx,
// the page (its input) and the test (a float64 reference of its output).

/** x [2, 4] → Softplus → MatMul with w [4, 3] → y [2, 3]. */
export const inputDims = [2, 4] as const;
export const weightDims = [4, 3] as const;
export const outputDims = [2, 3] as const;

/** The weights, row-major [4, 3] (exact in float32). */
export const weights: readonly number[] = Array.from(
  { length: 12 },
  (_, index) => ((index % 5) - 2) / 4,
);

/** The page's input, row-major [2, 4] (exact in float32). */
export const input: readonly number[] = [-3, -1, 0, 0.5, 1, 2, 4, -0.25];

/** y = softplus(x) · w in float64, the reference the outputs are checked against. */
export function reference(x: readonly number[] = input): number[] {
  const softplus = x.map((value) => Math.log1p(Math.exp(value)));
  const [rows, inner] = inputDims;
  const columns = weightDims[1];
  const y: number[] = [];
  for (let row = 0; row < rows; row++)
    for (let column = 0; column < columns; column++) {
      let sum = 0;
      for (let k = 0; k < inner; k++)
        sum += softplus[row * inner + k]! * weights[k * columns + column]!;
      y.push(sum);
    }
  return y;
}
