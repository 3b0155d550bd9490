/**
 * The tfjs backend for training in Node: wasm (SIMD, ~6× faster than the pure-JS cpu backend for
 * these models), falling back to cpu when wasm cannot start.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients (and its ESM register_all_gradients does not resolve
// under Node); the @tensorflow/tfjs Node bundle registers them in tfjs's global registry.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

let ready: Promise<string> | null = null;

/** Selects the training backend once; resolves to its name ('wasm' or 'cpu'). */
export function initTrainingBackend(): Promise<string> {
  ready ??= (async () => {
    try {
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return tf.getBackend();
      }
    } catch {
      // fall through to cpu
    }
    await tf.setBackend('cpu');
    await tf.ready();
    return tf.getBackend();
  })();
  return ready;
}
