// The state runners of test-vectors/README.md, on this implementation's real state tree (kept in memory).
import type { Account } from '@babychain/codec';
import { fromHex, fromJson, toHex } from '@babychain/codec';
import { decodeAddress, encodeAddress } from '@babychain/crypto';
import {
  type AccountMap,
  EMPTY_HASH,
  executeBlockTxs,
  genesisFromJson,
  genesisParams,
  StateTree,
  treeChanges,
  verifyStateProof,
} from '@babychain/state';
import { MemoryLevel } from 'memory-level';

type Input = Record<string, unknown>;

/** A state tree in memory, fed the way the node feeds it: one computed update per block, then commit. */
async function memoryTree(): Promise<{ tree: StateTree; apply: (accounts: AccountMap) => Promise<Uint8Array> }> {
  const db = new MemoryLevel<Uint8Array, Uint8Array>({ keyEncoding: 'view', valueEncoding: 'view' });
  const tree = await StateTree.open(db, EMPTY_HASH);
  const apply = async (accounts: AccountMap) => {
    const update = await tree.computeUpdate(treeChanges(accounts));
    await db.batch(update.writes.map((w) => (w.type === 'put' ? { ...w } : { type: 'del' as const, key: w.key })));
    tree.commit(update);
    return update.root;
  };
  return { tree, apply };
}

export async function state(input: Input): Promise<Record<string, unknown>> {
  const genesis = genesisFromJson(input['genesis']);
  const params = genesisParams(genesis);
  const accounts = new Map<string, Account>(
    genesis.accounts.map((a) => [toHex(a.address), { balance: a.balance, nonce: 0n }]),
  );
  const { apply } = await memoryTree();
  let root = await apply(accounts);
  for (const block of input['blocks'] as { proposer: string; txs: string[] }[]) {
    const execution = executeBlockTxs(
      block.txs.map((t) => fromHex(t)),
      accounts,
      {
        chainId: genesis.chainId,
        params,
        minFee: params.minFee,
        proposer: decodeAddress(block.proposer, genesis.addressPrefix),
      },
    );
    for (const [address, account] of execution.changes) accounts.set(address, account);
    root = await apply(execution.changes);
  }
  return {
    appHash: toHex(root),
    accounts: [...accounts]
      .map(([address, a]) => ({
        address: encodeAddress(fromHex(address), genesis.addressPrefix),
        balance: a.balance.toString(),
        nonce: a.nonce.toString(),
      }))
      .sort((x, y) => x.address.localeCompare(y.address)),
  };
}

export async function stateRoot(input: Input): Promise<Record<string, unknown>> {
  const accounts = new Map<string, Account>();
  for (const a of input['accounts'] as { address: string; balance: string; nonce: string }[]) {
    accounts.set(a.address, { balance: BigInt(a.balance), nonce: BigInt(a.nonce) });
  }
  const { apply } = await memoryTree();
  return { root: toHex(await apply(accounts)) };
}

export function stateProof(input: Input): Record<string, unknown> {
  const account = input['account'] as { balance: string; nonce: string } | null;
  verifyStateProof(
    fromHex(input['root'] as string),
    fromHex(input['address'] as string),
    account === null ? null : { balance: BigInt(account.balance), nonce: BigInt(account.nonce) },
    fromJson('babychain.v0.StateProof', input['proof']),
  );
  return {};
}
