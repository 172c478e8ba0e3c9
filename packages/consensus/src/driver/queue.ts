/**
 * One event at a time: every input of the driver (a message, a timeout, a synced batch) runs through this queue,
 * so that the engine and the application never see two at once.
 */
import type { Logger } from '@babychain/util';
import { codeOf } from './code-of.ts';

export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();
  #closed = false;
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Stops running queued work and resolves when what runs now has finished. */
  close(): Promise<void> {
    this.#closed = true;
    return this.#tail;
  }

  /** Queues `fn`; a failure is logged and the queue goes on (the returned promise never rejects). */
  run(fn: () => Promise<void>): Promise<void> {
    this.#tail = this.runOrThrow(fn).catch((err: unknown) => {
      this.#log.error('consensus step failed', { code: codeOf(err) }, err);
    });
    return this.#tail;
  }

  runOrThrow(fn: () => Promise<void>): Promise<void> {
    const run = this.#tail.then(async () => {
      if (this.#closed) return;
      await fn();
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Queues `fn` and gives its result; undefined when the queue closed before it ran. */
  result<T>(fn: () => Promise<T>): Promise<T | undefined> {
    let result: T | undefined;
    return this.runOrThrow(async () => {
      result = await fn();
    }).then(() => result);
  }
}
