// The consensus simulation's parts (sim.testutil.ts): constants, node records, logger, store dir and virtual clock.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsensusMessage } from '@babychain/codec';
import type { Clock, CommittedBlock, ConsensusDriver, DoubleSignGuard, TimeoutParams, Wal } from '@babychain/consensus';
import type { App } from '@babychain/state';
import { type LogContext, type Logger, loggerTo } from '@babychain/util';
import type { ChainStore } from './chain-store.ts';

export const SIM_CHAIN_ID = 'sim-chain-1';
export const GENESIS_TIME_MS = 1_700_000_000_000n;
/** the funded account of the genesis */
export const WALLET_SEED = new Uint8Array(32).fill(99);
export const WALLET_BALANCE = 10_000_000n;

/** One run of a node's driver and stores; a crash ends it and a restart makes a new one. */
export interface Incarnation {
  /** false once crashed or closed */
  readonly owner: { alive: boolean };
  readonly driver: ConsensusDriver;
  readonly app: App;
  readonly chain: ChainStore;
  readonly wal: Wal;
  readonly guard: DoubleSignGuard | undefined;
  readonly close: () => Promise<void>;
}

export interface CommitRecord {
  readonly height: bigint;
  readonly hash: string;
  readonly appHash: string;
  readonly via: CommittedBlock['via'];
  /** virtual ms */
  readonly atMs: number;
}

export interface LogEntry {
  readonly level: string;
  readonly msg: string;
  readonly ctx: LogContext | undefined;
}

export interface SimNode {
  readonly id: string;
  readonly n: number;
  /** index in the validator set, undefined for a full node */
  readonly validatorIndex: number | undefined;
  readonly seed: Uint8Array | undefined;
  readonly dir: string;
  /** transactions `reap` offers (committed ones are removed) */
  readonly pool: Uint8Array[];
  /** every height this node committed, across restarts */
  readonly commits: Map<bigint, CommitRecord>;
  readonly logs: LogEntry[];
  /** the upgrade halt this node reported (UPG-4), and when (virtual ms) */
  halted: { readonly height: bigint; readonly atMs: number } | undefined;
  incarnation: Incarnation | undefined;
}

/** A message a node broadcast (whatever the links did with it). */
export interface Sent {
  readonly from: SimNode;
  readonly at: number;
  readonly message: ConsensusMessage;
}

export interface RequestRecord {
  readonly kind: 'blocks' | 'catchUp';
  readonly from: string;
  readonly to: string;
  readonly at: number;
  served: boolean;
}

/** A broadcast message waiting for the next delivery. */
export interface Envelope {
  readonly from: SimNode;
  readonly seq: number;
  readonly message: ConsensusMessage;
}

/** A request (block sync, catch-up) waiting for the next delivery. */
export interface PendingRequest {
  readonly from: SimNode;
  readonly to: SimNode;
  readonly seq: number;
  readonly record: RequestRecord;
  readonly serve: () => Promise<unknown>;
  readonly resolve: (value: never) => void;
  readonly reject: (err: unknown) => void;
}

export type StoreName = 'app' | 'chain' | 'wal' | 'guard';

export interface SimOptions {
  readonly validators: number;
  /** full nodes (not in the validator set) */
  readonly followers?: number;
  readonly commitWaitMs?: number;
  readonly timeouts?: TimeoutParams;
  /** a height every node's software must not run: an upgrade plan it has no handler for (UPG-4) */
  readonly haltAt?: bigint;
  /** GEN-5: the chain starts at this app version, its App running the real governance; absent: no governance */
  readonly appVersion?: number;
}

export const noop = () => {};

export function recordingLogger(logs: LogEntry[]): Logger {
  return loggerTo((level, msg, ctx) => {
    if (level !== 'debug') logs.push({ level, msg, ctx });
  });
}

/**
 * Wraps a store so that its calls fail once the incarnation `owner` crashed, and reports its async ones: `started`
 * when a call returned a promise, `settled` when that promise settled (`resolved` false: it rejected).
 */
export function trackCalls<T extends object>(
  target: T,
  owner: { alive: boolean },
  started: () => void,
  settled: (method: string, args: readonly unknown[], resolved: boolean) => void,
): T {
  return new Proxy(target, {
    get: (t, prop) => {
      const value: unknown = Reflect.get(t, prop, t);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (!owner.alive) throw new Error('crashed');
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(t, args);
        if (result instanceof Promise) {
          started();
          result.then(
            () => settled(String(prop), args, true),
            () => settled(String(prop), args, false),
          );
        }
        return result;
      };
    },
  });
}

/** A tmpfs directory when there is one: fsync is then free, and the suite stays fast. */
export function baseDir(): string {
  const root = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  return mkdtempSync(join(root, 'babysim-'));
}

export interface Timer {
  readonly at: number;
  readonly n: number;
  readonly seq: number;
  readonly fn: () => void;
  readonly owner: { alive: boolean };
  cancelled: boolean;
}

/** The virtual time of a simulation and the timers its nodes set on it. */
export class VirtualClock {
  /** virtual ms */
  now: number;
  #timers: Timer[] = [];
  #timerSeq = new Map<number, number>();

  constructor(now: number) {
    this.now = now;
  }

  /** the Clock of node `n`'s incarnation `owner`: its timers never fire once the incarnation is dead */
  clockFor(n: number, owner: { alive: boolean }): Clock {
    return {
      now: () => this.now,
      setTimeout: (fn, ms) => {
        const seq = (this.#timerSeq.get(n) ?? 0) + 1;
        this.#timerSeq.set(n, seq);
        const timer: Timer = { at: this.now + Math.max(0, ms), n, seq, fn, owner, cancelled: false };
        this.#timers.push(timer);
        return timer;
      },
      clearTimeout: (handle) => {
        if (handle !== undefined && handle !== null) (handle as Timer).cancelled = true;
      },
    };
  }

  /** the timer due first, among those still live */
  next(): Timer | undefined {
    this.#timers = this.#timers.filter((t) => !t.cancelled && t.owner.alive);
    let best: Timer | undefined;
    for (const t of this.#timers) {
      if (
        best === undefined ||
        t.at < best.at ||
        (t.at === best.at && (t.n < best.n || (t.n === best.n && t.seq < best.seq)))
      ) {
        best = t;
      }
    }
    return best;
  }

  /** Fires `timer`, moving the time to it. */
  fire(timer: Timer): void {
    timer.cancelled = true;
    if (timer.at > this.now) this.now = timer.at;
    timer.fn();
  }
}
