/**
 * What the console knows of the chain right now, shared by every view: the blocks the node announces over its
 * websocket (RPC-9) and its status, read every few seconds. One subscription for the whole page, however many views
 * show it; when the socket drops it is opened again, and the blocks missed meanwhile are read with `GET /blocks`.
 */
import type { BlockSummary, NodeStatus } from '@babychain/client';
import { useEffect, useState } from 'preact/hooks';
import { client } from './client.ts';

/** One reading of the node's status, for the dashboard's charts. */
export interface StatusSample {
  readonly atMs: number;
  readonly status: NodeStatus;
}

export interface LiveState {
  /** the newest blocks, newest first (at most RECENT_BLOCKS) */
  readonly blocks: readonly BlockSummary[];
  readonly status: NodeStatus | undefined;
  /** status readings, oldest first (at most MAX_SAMPLES) */
  readonly samples: readonly StatusSample[];
  readonly connected: boolean;
  readonly error: unknown;
}

export const RECENT_BLOCKS = 20;
export const MAX_SAMPLES = 600;
const STATUS_EVERY_MS = 2000;
const RECONNECT_MS = 2000;

let state: LiveState = { blocks: [], status: undefined, samples: [], connected: false, error: undefined };
const listeners = new Set<(s: LiveState) => void>();
let started = false;

function update(change: Partial<LiveState>): void {
  state = { ...state, ...change };
  for (const listener of listeners) listener(state);
}

function addBlocks(blocks: readonly BlockSummary[]): void {
  const byHeight = new Map(state.blocks.map((b) => [b.height, b]));
  for (const b of blocks) byHeight.set(b.height, b);
  const sorted = [...byHeight.values()].sort((a, b) => (a.height < b.height ? 1 : a.height > b.height ? -1 : 0));
  update({ blocks: sorted.slice(0, RECENT_BLOCKS) });
}

async function readStatus(): Promise<void> {
  try {
    const status = await client.status();
    const samples = [...state.samples, { atMs: Date.now(), status }].slice(-MAX_SAMPLES);
    update({ status, samples, error: undefined });
  } catch (error) {
    update({ error });
  }
}

/** The blocks between what is shown and `upTo`, so a reconnect or a first load leaves no gap. */
async function fillTo(upTo: bigint): Promise<void> {
  const newest = state.blocks[0]?.height ?? 0n;
  const from = upTo - BigInt(RECENT_BLOCKS) + 1n > newest ? upTo - BigInt(RECENT_BLOCKS) + 1n : newest + 1n;
  if (upTo < 1n || from > upTo) return;
  addBlocks(await client.blocks(from < 1n ? 1n : from, upTo));
}

function subscribe(): void {
  const subscription = client.subscribeBlocks((block) => addBlocks([block]), {
    onError: (error) => {
      update({ connected: false, error });
      setTimeout(subscribe, RECONNECT_MS);
    },
  });
  subscription.ready.then(
    async () => {
      update({ connected: true });
      const status = await client.status();
      await fillTo(status.height);
    },
    (error: unknown) => {
      update({ connected: false, error });
      setTimeout(subscribe, RECONNECT_MS);
    },
  );
}

function start(): void {
  if (started) return;
  started = true;
  subscribe();
  void readStatus();
  setInterval(() => void readStatus(), STATUS_EVERY_MS);
}

/** The live state, re-rendering the caller on every change. */
export function useLive(): LiveState {
  const [current, setCurrent] = useState(state);
  useEffect(() => {
    start();
    listeners.add(setCurrent);
    setCurrent(state);
    return () => {
      listeners.delete(setCurrent);
    };
  }, []);
  return current;
}
