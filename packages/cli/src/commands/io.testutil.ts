/** A CliIo for the command tests, collecting what a command prints. */
import { Writable } from 'node:stream';
import type { CliIo } from '../io.ts';

export interface FakeIo extends CliIo {
  out(): string;
  err(): string;
  reset(): void;
}

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** A CliIo whose output is collected; secrets come from the environment, standard input is `stdin`. */
export function fakeIo(env: NodeJS.ProcessEnv, stdin = ''): FakeIo {
  const stdout = new Collect();
  const stderr = new Collect();
  return {
    stdout,
    stderr,
    env,
    interactive: false,
    readSecret: () => Promise.resolve(null),
    readAll: () => Promise.resolve(stdin),
    out: () => stdout.text,
    err: () => stderr.text,
    reset: () => {
      stdout.text = '';
      stderr.text = '';
    },
  };
}
