/** The node as a child process: `node <entry> start --home H ...`, its output passed through and its tail kept. */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Release } from './release.ts';

/** How many lines of output a report keeps. */
export const TAIL_LINES = 50;
/** How long a node has to stop after SIGTERM before it is killed. */
export const STOP_GRACE_MS = 20_000;

export type OutputSink = (line: string, stream: 'stdout' | 'stderr') => void;

export interface ChildExit {
  /** null when a signal ended it */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly atMs: number;
}

export class NodeChild {
  readonly release: Release;
  readonly exited: Promise<ChildExit>;
  readonly #child: ChildProcess;
  readonly #tail: string[] = [];
  #exit: ChildExit | undefined;

  /** `pidFile` gets the node's pid, so that a restarted launcher can find a node it left running. */
  constructor(release: Release, home: string, nodeArgs: readonly string[], output: OutputSink, pidFile: string) {
    this.release = release;
    this.#child = spawn(process.execPath, [release.entryPath, 'start', '--home', home, ...nodeArgs], {
      cwd: release.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      if (this.#child.pid !== undefined) writeFileSync(pidFile, `${this.#child.pid}\n`);
    } catch {
      // Best effort: without it a restarted launcher cannot stop a node it left running, nothing else.
    }
    const pipe = (stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr') => {
      if (stream === null) return Promise.resolve();
      const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
      lines.on('line', (line) => {
        this.#tail.push(line);
        if (this.#tail.length > TAIL_LINES) this.#tail.shift();
        output(line, name);
      });
      return new Promise<void>((resolve) => lines.once('close', resolve));
    };
    const drained = Promise.all([pipe(this.#child.stdout, 'stdout'), pipe(this.#child.stderr, 'stderr')]);
    this.exited = new Promise<ChildExit>((resolve) => {
      this.#child.once('error', (err) => {
        this.#tail.push(`baby-launcher: cannot start ${release.entryPath}: ${err.message}`);
        this.#exit ??= { code: null, signal: null, atMs: Date.now() };
        resolve(this.#exit);
      });
      this.#child.once('exit', (code, signal) => {
        const exit = { code, signal, atMs: Date.now() };
        // The last lines often say why it stopped: wait (briefly) until they are read.
        void Promise.race([drained, new Promise((r) => setTimeout(r, 1000).unref())]).then(() => {
          this.#exit ??= exit;
          resolve(this.#exit);
        });
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  /** The last TAIL_LINES lines of output. */
  tail(): string[] {
    return [...this.#tail];
  }

  signal(signal: NodeJS.Signals): void {
    if (this.#exit === undefined) this.#child.kill(signal);
  }

  /** SIGTERM (or `signal`), SIGKILL after `graceMs`; resolves with the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = STOP_GRACE_MS): Promise<ChildExit> {
    if (this.#exit !== undefined) return this.#exit;
    this.#child.kill(signal);
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
