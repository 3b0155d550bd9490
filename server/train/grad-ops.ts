/**
 * Ops with hand-written gradients that make training fast on the wasm backend:
 * - gather's default gradient (UnsortedSegmentSum) is missing on wasm and O(vocabulary) on cpu;
 *   here it is a scatter-add (ScatterNd sums duplicate indices);
 * - matMul's gradient uses transpose flags, ~10× slower on wasm than transposing first;
 * - softmax cross-entropy over the whole catalog with gradient softmax − one-hot.
 */
import * as tf from '@tensorflow/tfjs-core';

type Gradients = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];

/** tf.customGrad with typed positional inputs: `f(inputs, save)` returns the value and gradients. */
function withGradient<T extends tf.Tensor>(
  f: (inputs: tf.Tensor[], save: tf.GradSaveFunc) => { value: T; gradFunc: Gradients },
): (...inputs: tf.Tensor[]) => T {
  return tf.customGrad<T>((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const { value, gradFunc } = f(args.slice(0, -1) as tf.Tensor[], save);
    return { value, gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => gradFunc(dy as tf.Tensor, saved) };
  });
}

/** tf.gather(table, indices) along axis 0 with a scatter-add gradient. */
export const gatherRows: (table: tf.Tensor, indices: tf.Tensor) => tf.Tensor = withGradient(([table, indices], save) => {
  save([indices!]);
  const shape = table!.shape;
  return {
    value: tf.gather(table!, indices!),
    gradFunc: (dy, [idx]) => [tf.scatterND(tf.reshape(idx!, [-1, 1]), dy, shape), tf.zerosLike(idx!)],
  };
});

/** a [m, k] · b [k, n] whose gradient transposes explicitly instead of using matMul flags. */
export const matMulFast: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D = withGradient(([a, b], save) => {
  save([a!, b!]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy, [sa, sb]) => [tf.matMul(dy as tf.Tensor2D, tf.transpose(sb as tf.Tensor2D)), tf.matMul(tf.transpose(sa as tf.Tensor2D), dy as tf.Tensor2D)],
  };
});

/** target + values scattered at flat positions (duplicates sum), differentiable in target and values. */
export const scatterAddFlat: (target: tf.Tensor, flatIndex: tf.Tensor1D, values: tf.Tensor) => tf.Tensor = withGradient(
  ([target, flatIndex, values], save) => {
    save([flatIndex!]);
    const shape = target!.shape;
    const size = target!.size;
    return {
      value: tf.add(target!, tf.reshape(tf.scatterND(tf.reshape(flatIndex!, [-1, 1]), values!, [size]), shape)),
      gradFunc: (dy, [idx]) => [dy, tf.zerosLike(idx!), tf.gather(tf.reshape(dy, [size]), idx!)],
    };
  },
);

/** Mean over rows of −log softmax(logits)[row, target[row]] (full softmax over all columns). */
export const softmaxCrossEntropy: (logits: tf.Tensor2D, targets: tf.Tensor1D) => tf.Scalar = withGradient(([logits, targets], save) => {
  const [rows, columns] = logits!.shape as [number, number];
  const probabilities = tf.softmax(logits!);
  save([probabilities, targets!]);
  const flat = tf.add(tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(columns, 'int32')), targets!);
  const picked = tf.gather(tf.reshape(probabilities, [rows * columns]), flat);
  return {
    value: tf.neg(tf.mean(tf.log(tf.add(picked, 1e-30)))) as tf.Scalar,
    gradFunc: (dy, [p, t]) => [tf.mul(tf.sub(p!, tf.oneHot(t as tf.Tensor1D, columns)), tf.div(dy, rows)), tf.zerosLike(t!)],
  };
});

/**
 * Rows of a sparse [n, v] matrix (≤ k non-zeros per row: `columns`/`values` of length n·k, value
 * 0 = empty slot) times table [v, d], in plain JS: O(n·k·d), far cheaper on wasm than a dense
 * product or k gathers. Differentiable in the table (the gradient is the transposed product).
 */
export function sparseRowsMatMul(columns: Int32Array, values: Float32Array, perRow: number, table: tf.Tensor2D): tf.Tensor2D {
  const rows = columns.length / perRow;
  const [vocabulary, dims] = table.shape;
  const op = tf.customGrad<tf.Tensor2D>((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const t = (args[0] as tf.Tensor2D).dataSync() as Float32Array;
    const out = new Float32Array(rows * dims);
    for (let slot = 0; slot < columns.length; slot++) {
      const w = values[slot]!;
      if (w === 0) continue;
      const from = columns[slot]! * dims;
      const to = Math.floor(slot / perRow) * dims;
      for (let d = 0; d < dims; d++) out[to + d] += w * t[from + d]!;
    }
    return {
      value: tf.tensor2d(out, [rows, dims]),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const g = (dy as tf.Tensor).dataSync() as Float32Array;
        const grad = new Float32Array(vocabulary * dims);
        for (let slot = 0; slot < columns.length; slot++) {
          const w = values[slot]!;
          if (w === 0) continue;
          const to = columns[slot]! * dims;
          const from = Math.floor(slot / perRow) * dims;
          for (let d = 0; d < dims; d++) grad[to + d] += w * g[from + d]!;
        }
        return [tf.tensor2d(grad, [vocabulary, dims])];
      },
    };
  });
  return op(table);
}
