/**
 * Long jobs (loading a dataset at startup) written as generators that yield now and then,
 * run either at once or in slices that give the event loop back in between, so clients are
 * answered meanwhile (with -LOADING, as Redis answers while it loads).
 */
import { performance } from 'node:perf_hooks';

/** Runs `steps` to the end synchronously. */
export function runToEnd<T>(steps: Generator<number, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

/** Runs `steps` in slices of `sliceMs`; each yielded number is reported to `progress`. */
export async function runSliced<T>(steps: Generator<number, T>, sliceMs: number, progress: (n: number) => void): Promise<T> {
  for (;;) {
    const deadline = performance.now() + sliceMs;
    for (;;) {
      const r = steps.next();
      if (r.done === true) return r.value;
      if (performance.now() >= deadline) {
        progress(r.value);
        break;
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}
