import { devnetError } from './errors.ts';

export interface WaitOptions {
  readonly timeoutMs: number;
  /** default 200 */
  readonly intervalMs?: number;
  /** what was awaited; a function is called at the deadline so it can describe the last state seen */
  readonly message?: string | (() => string);
}

/**
 * Polls `condition` until it returns a truthy value (which is returned) or the deadline passes (DEVNET_TIMEOUT).
 * A condition that throws counts as not met; the last error is attached to the timeout.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  options: WaitOptions,
): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const intervalMs = options.intervalMs ?? 200;
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const started = Date.now();
    try {
      const value = await condition();
      if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) break;
    const pause = Math.min(Math.max(0, intervalMs - (Date.now() - started)), Math.max(0, deadline - Date.now()));
    await sleep(pause);
  }
  const what = typeof options.message === 'function' ? options.message() : (options.message ?? 'condition');
  const why =
    lastError === undefined
      ? ''
      : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
  throw devnetError('DEVNET_TIMEOUT', `timed out after ${options.timeoutMs} ms waiting for ${what}${why}`, {
    timeoutMs: options.timeoutMs,
  });
}

/** A plain pause: only for pacing loops and observation windows, never in place of waiting for a condition. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
