/** The RPC-4 summary of a committed block, as `GET /blocks` lists it and the websocket announces it. */
import { count, hexString, object, string, u64 } from './parse.ts';

export interface BlockSummary {
  readonly height: bigint;
  readonly hash: string;
  readonly appHash: string;
  readonly timeMs: bigint;
  readonly txs: number;
  readonly proposer: string;
}

export function parseBlockSummary(json: unknown, p: string): BlockSummary {
  const o = object(json, p);
  return {
    height: u64(o, 'height', p),
    hash: hexString(o, 'hash', p),
    appHash: hexString(o, 'appHash', p),
    timeMs: u64(o, 'timeMs', p),
    txs: count(o, 'txs', p),
    proposer: string(o, 'proposer', p),
  };
}
