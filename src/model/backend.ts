/**
 * Picks the tfjs backend: WebGPU only on a real (non-fallback) adapter unless forced, then webgl,
 * wasm and cpu; the fastest by a short measurement, remembered on the device. Every backend is a
 * dynamic import(), so none is in the core bundle.
 */
import type * as TfCore from '@tensorflow/tfjs-core';

export type Tf = typeof TfCore;
export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
/** The `backend` attribute: "auto" measures; a name forces that backend (falling back if it fails). */
export type BackendRequest = 'auto' | BackendName;

/** Where the choice is remembered (device capability only, nothing about the shopper). */
export const BACKEND_MEMORY_KEY = 'reco-widget:backend';
const ACTIVATION_TIMEOUT_MS = 8000;
/** After this long, no further backend is tried (the best measured so far wins). */
const MEASUREMENT_BUDGET_MS = 4000;

let tfLoading: Promise<Tf> | null = null;
let tfLoaded: Tf | null = null;
/** tfjs-core, loaded once, on first use. */
export function loadTf(): Promise<Tf> {
  return (tfLoading ??= import('@tensorflow/tfjs-core').then((tf) => (tfLoaded = tf)));
}

/** tfjs's live tensor count and bytes (diagnostics and the leak test); null before tfjs loaded. */
export function tensorMemory(): { numTensors: number; numBytes: number } | null {
  if (!tfLoaded) return null;
  const { numTensors, numBytes } = tfLoaded.memory();
  return { numTensors, numBytes };
}

const registrations = new Map<BackendName, Promise<void>>();

function register(tf: Tf, name: BackendName): Promise<void> {
  let registering = registrations.get(name);
  if (!registering) {
    registering = importBackend(tf, name);
    registrations.set(name, registering);
    registering.catch(() => registrations.delete(name));
  }
  return registering;
}

async function importBackend(tf: Tf, name: BackendName): Promise<void> {
  switch (name) {
    case 'webgpu':
      await import('@tensorflow/tfjs-backend-webgpu');
      return;
    case 'webgl':
      await import('@tensorflow/tfjs-backend-webgl');
      return;
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return;
    case 'wasm': {
      // Threads gain nothing on small machines and hang under Vite's minifier: off. Then only the
      // one binary this browser runs is loaded (each is a lazy chunk).
      const wasm = await import('@tensorflow/tfjs-backend-wasm'); // registers the WASM_* flags
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      const binary = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))
        ? await import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url')
        : await import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url');
      // Without explicit paths the bundler serves index.html for the .wasm.
      wasm.setWasmPaths({
        'tfjs-backend-wasm.wasm': binary.default,
        'tfjs-backend-wasm-simd.wasm': binary.default,
        'tfjs-backend-wasm-threaded-simd.wasm': binary.default,
      });
      return;
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}

/** Makes `name` the active backend; false when it cannot start (or hangs) here. */
export async function activate(tf: Tf, name: BackendName, timeoutMs = ACTIVATION_TIMEOUT_MS): Promise<boolean> {
  try {
    await withTimeout(register(tf, name), timeoutMs, `import ${name}`);
    const ok = await withTimeout(tf.setBackend(name), timeoutMs, `setBackend(${name})`);
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean };
}

/** True only for a hardware adapter: software ones (SwiftShader) are slower than wasm. */
export async function hasRealWebGpuAdapter(): Promise<boolean> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } } | undefined)?.gpu;
  if (!gpu) return false;
  try {
    const adapter = await withTimeout(gpu.requestAdapter(), 3000, 'requestAdapter');
    return !!adapter && !adapter.isFallbackAdapter && !adapter.info?.isFallbackAdapter;
  } catch {
    return false;
  }
}

export interface RememberedBackend {
  backend: BackendName;
  /** Median milliseconds per scoring call measured for each candidate. */
  measurements: Partial<Record<BackendName, number>>;
  measuredAt: number;
}

function readMemory(): RememberedBackend | null {
  try {
    const raw = globalThis.localStorage?.getItem(BACKEND_MEMORY_KEY);
    const parsed = raw ? (JSON.parse(raw) as RememberedBackend) : null;
    return parsed && (BACKENDS as readonly string[]).includes(parsed.backend) ? parsed : null;
  } catch {
    return null;
  }
}

function writeMemory(value: RememberedBackend): void {
  try {
    globalThis.localStorage?.setItem(BACKEND_MEMORY_KEY, JSON.stringify(value));
  } catch {
    // Storage blocked: measure again next time.
  }
}

export interface BackendChoice {
  backend: BackendName;
  how: 'forced' | 'remembered' | 'measured';
  measurements: Partial<Record<BackendName, number>>;
  /** Backends that were tried and could not start. */
  failed: BackendName[];
}

/**
 * Activates the backend to use. `measure` runs a short scoring trial on the active backend and
 * returns its milliseconds (it is only called while choosing by measurement).
 */
export async function chooseBackend(tf: Tf, request: BackendRequest, measure: (backend: BackendName) => Promise<number>): Promise<BackendChoice> {
  const failed: BackendName[] = [];
  if (request !== 'auto') {
    if (await activate(tf, request)) return { backend: request, how: 'forced', measurements: {}, failed };
    failed.push(request);
  }
  const remembered = readMemory();
  if (remembered && !failed.includes(remembered.backend) && (await activate(tf, remembered.backend))) {
    return { backend: remembered.backend, how: 'remembered', measurements: remembered.measurements, failed };
  }
  // Cheap trials first; GPU trials (shader compilation) only while the time budget lasts.
  const candidates: BackendName[] = ['wasm', 'cpu', 'webgl', ...((await hasRealWebGpuAdapter()) ? (['webgpu'] as const) : [])];
  const measurements: Partial<Record<BackendName, number>> = {};
  const started = performance.now();
  for (const candidate of candidates.filter((c) => !failed.includes(c))) {
    const measured = Object.keys(measurements).length > 0;
    const left = MEASUREMENT_BUDGET_MS - (performance.now() - started);
    if (measured && left <= 0) break;
    // Once one backend works, the others only get what is left of the budget (a loaded device must not wait long).
    const limit = measured ? Math.max(1000, left) : ACTIVATION_TIMEOUT_MS;
    if (!(await activate(tf, candidate, limit))) {
      failed.push(candidate);
      continue;
    }
    try {
      measurements[candidate] = await withTimeout(measure(candidate), limit, `measure ${candidate}`);
    } catch {
      failed.push(candidate);
    }
  }
  const ranked = (Object.entries(measurements) as Array<[BackendName, number]>).sort((a, b) => a[1] - b[1]);
  for (const [backend] of ranked) {
    if (await activate(tf, backend)) {
      writeMemory({ backend, measurements, measuredAt: Date.now() });
      return { backend, how: 'measured', measurements, failed };
    }
  }
  throw new Error(`no tfjs backend could start (tried: ${[...new Set(failed)].join(', ') || 'none'})`);
}
