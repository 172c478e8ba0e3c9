// What `pnpm devnet up` and `pnpm start` share: (re)create the devnet funded from the development keyring, start
// it, wait for it, and say where everything is.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formatAmount } from '@babychain/client';
import { VALIDATOR_CHANGES_FROM } from '@babychain/upgrade';
import { Devnet, STATE_FILE } from './devnet.ts';
import { DEV_BALANCE, DEV_CHAIN_ID, DEV_KEYRING, DEV_PASSPHRASE, ensureDevAccounts, listDevAccounts } from './keys.ts';
import { VALIDATOR_FUNDS } from './upgrade-flow.ts';
import { waitFor } from './wait.ts';

export interface LaunchOptions {
  readonly dir: string;
  readonly validators: number;
  readonly fullNodes: number;
  /** the node's commit wait; undefined: the node's default */
  readonly commitWaitMs?: number;
  /** restart the devnet in `dir` instead of replacing it */
  readonly keep: boolean;
  /** wait until every node has committed this height (0: until every node answers /status) */
  readonly waitHeight: number;
  readonly timeoutMs: number;
  readonly print: (line: string) => void;
}

export type LaunchResult =
  | { readonly ok: true; readonly devnet: Devnet; readonly ms: number }
  | { readonly ok: false; readonly devnet: Devnet; readonly reason: string };

export async function launch(options: LaunchOptions): Promise<LaunchResult> {
  const { dir, print } = options;
  let devnet: Devnet;
  if (options.keep && existsSync(join(dir, STATE_FILE))) {
    devnet = Devnet.load(dir);
    print(`Restarting the devnet in ${show(dir)} (${devnet.size} nodes)`);
  } else {
    if (existsSync(join(dir, STATE_FILE))) print(`Replacing the devnet in ${show(dir)} (its nodes are killed)`);
    await Devnet.remove(dir);
    const accounts = await ensureDevAccounts();
    devnet = await Devnet.create({
      dir,
      validators: options.validators,
      fullNodes: options.fullNodes,
      chainId: DEV_CHAIN_ID,
      accounts: accounts.map((a) => ({ address: a.address, balance: DEV_BALANCE })),
      // Validator-set changes are in force from the first block (VAL-4), and each validator's own address, its
      // operator, can pay for its votes: `pnpm devnet add-validator` works on a fresh devnet.
      appVersion: VALIDATOR_CHANGES_FROM,
      validatorFunds: VALIDATOR_FUNDS,
      ...(options.commitWaitMs === undefined ? {} : { commitWaitMs: options.commitWaitMs }),
    });
    print(`Created a devnet of ${options.validators} validators in ${show(dir)} (chain id ${devnet.state.chainId})`);
  }
  const started = Date.now();
  devnet.startAll();
  const outcome = await waitForNodes(devnet, options.waitHeight, options.timeoutMs);
  if (outcome !== 'ok') return { ok: false, devnet, reason: outcome };
  return { ok: true, devnet, ms: Date.now() - started };
}

/** 'ok' once every node has committed `height` (0: answers /status); otherwise why not. */
export async function waitForNodes(devnet: Devnet, height: number, timeoutMs: number): Promise<string> {
  let last: (number | null)[] = [];
  try {
    return await waitFor(
      async () => {
        const dead = devnet.nodes.flatMap((_, i) => (devnet.isRunning(i) ? [] : [i]));
        if (dead.length > 0) return `node ${dead.join(', ')} exited`;
        last = await devnet.heights();
        return last.every((h) => h !== null && h >= height) ? 'ok' : null;
      },
      { timeoutMs, intervalMs: 300, message: 'the nodes' },
    );
  } catch {
    const seen = last.map((h, i) => `node${i}: ${h === null ? 'no answer' : `height ${h}`}`).join(', ');
    return `not every node reached height ${height} within ${timeoutMs / 1000} s (${seen || 'no answer'})`;
  }
}

/** The nodes, their addresses and logs, and the funded development accounts. */
export async function describeDevnet(devnet: Devnet, print: (line: string) => void): Promise<void> {
  print('');
  print('Nodes:');
  for (const [i, node] of devnet.nodes.entries()) {
    print(
      `  ${i}  ${node.moniker.padEnd(7)} ${(node.validator ? 'validator' : 'full node').padEnd(10)} pid ${node.pid ?? '-'}`,
    );
    print(`       rpc   ${node.rpcUrl}`);
    print(`       peer  ${node.peerId}`);
    print(`       log   ${show(node.log)}`);
  }
  const names = new Map(listDevAccounts().map((a) => [a.address, a.name]));
  print('');
  print(`Funded accounts (keyring ${show(DEV_KEYRING)}, passphrase "${DEV_PASSPHRASE}", development only):`);
  for (const a of devnet.state.accounts) {
    print(`  ${(names.get(a.address) ?? '').padEnd(12)} ${a.address}  ${formatBaby(BigInt(a.balance))} BABY`);
  }
}

/** base units (10^-6 BABY) as a decimal BABY amount, the client's formatAmount with the whole BABY grouped */
export function formatBaby(units: bigint): string {
  const [whole = '0', fraction] = formatAmount(units).split('.');
  const grouped = BigInt(whole).toLocaleString('en-US');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** a path relative to the current directory when that is shorter */
export function show(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && rel.length < path.length ? rel : path;
}

/** The last lines of every node's log, on stderr. */
export function printLogTails(devnet: Devnet, lines = 15): void {
  for (const [i, node] of devnet.nodes.entries()) {
    console.error(`\n--- last lines of ${show(node.log)} ---`);
    for (const line of devnet.logTail(i, lines)) console.error(line);
  }
}
