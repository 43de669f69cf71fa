// Time helpers: a monotonic clock and sleeps that end early when the client goes away.
import { performance } from 'node:perf_hooks';
import { ClientGone } from './errors';

export const now = (): number => performance.now();

/**
 * Waits at least `ms` (nothing for 0 or less; timers may fire a little early, so it re-arms until the
 * monotonic clock has really advanced); throws ClientGone as soon as `signal` aborts.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new ClientGone());
  if (!(ms > 0)) return Promise.resolve();
  const until = now() + ms;
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new ClientGone());
    };
    const arm = (): void => {
      const left = until - now();
      if (left <= 0) {
        signal.removeEventListener('abort', onAbort);
        resolve();
        return;
      }
      timer = setTimeout(arm, Math.max(1, Math.ceil(left)));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    arm();
  });
}

/** Sleeps until the monotonic clock reads `at`. */
export function sleepUntil(at: number, signal: AbortSignal): Promise<void> {
  return sleep(at - now(), signal);
}

/** Resolves when `signal` aborts (a hung response waits for this). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
