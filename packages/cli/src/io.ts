import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/**
 * Where the CLI reads input and writes results. Secrets come from, in order: the environment variable the
 * caller names (for scripts), a hidden prompt on a terminal, or the next line of piped standard input.
 */
export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  /** True when a person types the input: secrets are then asked twice on creation. */
  readonly interactive: boolean;
  /** Reads one line of secret input (`prompt` is shown only on a terminal). Null when input is exhausted. */
  readSecret(prompt: string): Promise<string | null>;
  /** Everything left on standard input (a file piped in with `-`). */
  readAll(): Promise<string>;
}

export function processIo(): CliIo {
  const stdin = process.stdin;
  // Created on first use: attaching a reader to stdin at start-up would consume input meant for another reader.
  let piped: LineSource | undefined;
  const source = () => {
    piped ??= new LineSource(stdin);
    return piped;
  };
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    interactive: stdin.isTTY === true,
    readSecret: (prompt) => (stdin.isTTY ? readHidden(prompt) : source().line()),
    readAll: () => source().rest(),
  };
}

/** Successive lines of a non-terminal stream, buffered because a pipe delivers them at once. */
export class LineSource {
  readonly #lines: string[] = [];
  readonly #waiting: ((line: string | null) => void)[] = [];
  #ended = false;
  readonly #closed: Promise<void>;

  constructor(input: Readable) {
    const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
    rl.on('line', (line) => {
      const next = this.#waiting.shift();
      if (next) next(line);
      else this.#lines.push(line);
    });
    this.#closed = new Promise((resolve) =>
      rl.on('close', () => {
        this.#ended = true;
        for (const w of this.#waiting.splice(0)) w(null);
        resolve();
      }),
    );
  }

  line(): Promise<string | null> {
    const line = this.#lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  async rest(): Promise<string> {
    await this.#closed;
    return this.#lines.splice(0).join('\n');
  }
}

/** A prompt on the terminal whose typed characters are not echoed. */
function readHidden(prompt: string): Promise<string | null> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let typed = '';
    const finish = (value: string | null) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(typed);
        if (ch === '\u0003' || ch === '\u0004') return finish(null);
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}
