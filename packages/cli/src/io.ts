import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/**
 * Where the CLI reads secrets and writes results. Secrets come from, in order: the environment variable the
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
}

export function processIo(): CliIo {
  const stdin = process.stdin;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    interactive: stdin.isTTY === true,
    readSecret: stdin.isTTY ? (prompt) => readHidden(prompt) : lineReader(stdin),
  };
}

/** Reads successive lines from a non-terminal stream, one per call; buffered because a pipe delivers them at once. */
export function lineReader(input: Readable): (prompt: string) => Promise<string | null> {
  const lines: string[] = [];
  const waiting: ((line: string | null) => void)[] = [];
  let ended = false;
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  rl.on('line', (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else lines.push(line);
  });
  rl.on('close', () => {
    ended = true;
    for (const w of waiting.splice(0)) w(null);
  });
  return () => {
    const line = lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (ended) return Promise.resolve(null);
    return new Promise((resolve) => waiting.push(resolve));
  };
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
