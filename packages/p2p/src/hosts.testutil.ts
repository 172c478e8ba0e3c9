// Test harness for the p2p tests: hosts on 127.0.0.1 port 0, closed after each test, and polling waits.
// Not exported from index.ts.
import { type LogContext, type LogLevel, loggerTo } from '@babychain/util';
import { afterEach } from 'vitest';
import { P2pHost } from './host.ts';
import type { P2pOptions } from './options.ts';

export interface LogLine {
  level: LogLevel;
  msg: string;
  ctx: LogContext | undefined;
}

export interface TestHost {
  host: P2pHost;
  logs: LogLine[];
}

/** The genesis hash every test host answers the handshake with, unless a test gives another (P2P-2). */
export const GENESIS = new Uint8Array(32).fill(0xab);

export function seed(n: number): Uint8Array {
  return new Uint8Array(32).fill(n);
}

const open: P2pHost[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

/** Starts a host with seed `n` listening on 127.0.0.1:0; it is closed after the test. */
export async function startHost(
  n: number,
  options: Partial<Omit<P2pOptions, 'nodeKeySeed' | 'logger'>> = {},
): Promise<TestHost> {
  const logs: LogLine[] = [];
  const host = await P2pHost.create({
    listen: ['/ip4/127.0.0.1/tcp/0'],
    genesisHash: GENESIS,
    redialIntervalMs: 200,
    ...options,
    nodeKeySeed: seed(n),
    logger: loggerTo((level, msg, ctx) => logs.push({ level, msg, ctx })),
  });
  open.push(host);
  return { host, logs };
}

/** Polls `condition` every 20 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Like waitFor, but runs `step` (e.g. a publish) before each check. */
export async function repeatUntil(
  step: (attempt: number) => Promise<unknown>,
  condition: () => boolean,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    await step(attempt);
    if (condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function connected(a: P2pHost, b: P2pHost): boolean {
  return a.peers().includes(b.peerId) && b.peers().includes(a.peerId);
}

export function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}
