/**
 * What a block runs on: every account it may touch, read in one getMany (its transactions', the proposer's and
 * governance's `blockTouches`), and the context execute.ts needs (STATE-7's minimum fee and proposer, governance's
 * record and block).
 */
import type { Account } from '@babychain/codec';
import { toHex } from '@babychain/codec';
import type { ExecContext, PrecheckedTx } from './execute.ts';
import { touchedAddresses } from './execute.ts';
import type { Governance, Offence } from './governance.ts';
import type { StateStore } from './store.ts';

export interface RunAt {
  readonly height: bigint;
  readonly timeMs: bigint;
  readonly proposerAddress: Uint8Array;
  readonly minFee: bigint;
  /** the committed governance record (GOV-3) */
  readonly record: Uint8Array;
  /** the offences of the block's evidence, in block order (VAL-9) */
  readonly offences: readonly Offence[];
}

export async function runContext(
  store: StateStore,
  governance: Governance | undefined,
  prechecked: readonly PrecheckedTx[],
  at: RunAt,
): Promise<{ base: Map<string, Account>; ctx: ExecContext }> {
  const { record, minFee, proposerAddress: proposer } = at;
  if (governance === undefined && record.length > 0) {
    throw new Error('App: this chain has a governance record; open the App with its governance to execute blocks');
  }
  const addresses = touchedAddresses(prechecked, proposer);
  if (governance !== undefined) {
    for (const address of governance.blockTouches(record, at.height)) addresses.set(toHex(address), address);
  }
  const base = await loadAccounts(store, addresses);
  if (governance === undefined) return { base, ctx: { minFee, proposer } };
  const block = { height: at.height, timeMs: at.timeMs, offences: at.offences };
  return { base, ctx: { minFee, proposer, governance: { governance, record, block, prefetched: addresses } } };
}

async function loadAccounts(
  store: StateStore,
  addresses: ReadonlyMap<string, Uint8Array>,
): Promise<Map<string, Account>> {
  const hexes = [...addresses.keys()];
  const values = await store.accounts([...addresses.values()]);
  const out = new Map<string, Account>();
  values.forEach((v, i) => {
    if (v !== undefined) out.set(hexes[i] as string, v);
  });
  return out;
}
