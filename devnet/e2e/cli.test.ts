import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Devnet, NODE_MAIN } from '../src/devnet.ts';
import {
  disposeDevnet,
  expectSafe,
  log,
  logsOnFailure,
  newAccount,
  type ProgramRun,
  runProgram,
  secs,
  started,
} from './helpers.ts';

const PASS = 'e2e cli passphrase';
const FUNDS = 1_000_000_000n; // 1000 BABY

type Run = ProgramRun;

describe('baby CLI on a devnet', () => {
  const home = mkdtempSync(join(tmpdir(), 'babychain-e2e-cli-'));
  const files = mkdtempSync(join(tmpdir(), 'babychain-e2e-cli-files-'));
  let devnet: Devnet | undefined;
  const addresses: Record<string, string> = {};

  /** Runs `baby --home <home> …` as its own process, pointed at node `node` of the devnet. */
  function baby(args: string[], node = 0): Promise<Run> {
    const env: NodeJS.ProcessEnv = { ...process.env, BABY_KEYRING_PASSPHRASE: PASS };
    if (devnet !== undefined) env['BABY_NODE'] = devnet.node(node).rpcUrl;
    return runProgram(process.execPath, [NODE_MAIN, '--home', home, ...args], { env });
  }
  async function ok(args: string[], node = 0): Promise<string> {
    const run = await baby(args, node);
    if (run.code !== 0) throw new Error(`baby ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
    return run.stdout;
  }
  const json = async (args: string[], node = 0) =>
    JSON.parse(await ok([...args, '--json'], node)) as Record<string, unknown>;
  const balance = async (who: string, node = 0) =>
    BigInt((await json(['query', 'account', who], node))['balance'] as string);
  const file = (name: string, text: string) => {
    const path = join(files, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(async () => {
    const t0 = Date.now();
    for (const name of ['alice', 'bob', 'carol']) {
      addresses[name] = (await json(['keys', 'add', name]))['address'] as string;
    }
    addresses['treasury'] = (
      await json(['keys', 'add-multisig', 'treasury', '--threshold', '2', 'alice', 'bob', 'carol'])
    )['address'] as string;
    devnet = await started({
      accounts: [
        { address: addresses['alice'] as string, balance: FUNDS },
        { address: addresses['treasury'] as string, balance: FUNDS },
      ],
    });
    log('cli', `keys and a running devnet in ${secs(Date.now() - t0)}`);
  }, 90_000);

  afterAll(async () => {
    await disposeDevnet(devnet);
    rmSync(home, { recursive: true, force: true });
    rmSync(files, { recursive: true, force: true });
  }, 30_000);

  it('moves coins with tx send; query account shows both balances and the fee charged', async () => {
    logsOnFailure(() => devnet);
    const alice = addresses['alice'] as string;
    const status = await json(['status']);
    expect(status['chainId']).toBe(devnet?.state.chainId);

    const t0 = Date.now();
    const sent = await json(['tx', 'send', 'alice', 'bob', '1.5BABY', '--fee', '750', '--memo', 'e2e']);
    log('cli', `tx send committed at height ${String(sent['height'])} in ${secs(Date.now() - t0)}`);
    expect(sent).toMatchObject({ status: 'committed', amount: '1500000', fee: '750', nonce: '0' });

    // read through another node: the transfer is committed everywhere
    const after = await json(['query', 'account', alice], 2);
    expect(BigInt(after['balance'] as string)).toBe(FUNDS - 1_500_000n - 750n);
    expect(after['nonce']).toBe('1');
    expect(await balance('bob', 2)).toBe(1_500_000n);

    const tx = await json(['query', 'tx', sent['id'] as string], 1);
    expect(tx).toMatchObject({ id: sent['id'], height: sent['height'], from: alice });
    const block = await json(['query', 'block', sent['height'] as string], 3);
    expect(block['txIds']).toContain(sent['id']);

    const reused = await baby(['tx', 'send', 'alice', 'bob', '1', '--nonce', '0']);
    expect(reused.code).toBe(1);
    expect(reused.stderr).toMatch(/^error TX_BAD_NONCE: /);
    expect(await balance(alice)).toBe(FUNDS - 1_500_000n - 750n);
  }, 60_000);

  it('sends from a 2-of-3 multisig account: generate-only, two signatures, multisign, broadcast', async () => {
    logsOnFailure(() => devnet);
    const recipient = newAccount().address;
    const t0 = Date.now();
    const unsigned = file('unsigned.json', await ok(['tx', 'send', 'treasury', recipient, '2BABY', '--generate-only']));
    const sigA = file('sig-a.json', await ok(['tx', 'sign', unsigned, '--from', 'alice', '--multisig', 'treasury']));
    const sigC = file('sig-c.json', await ok(['tx', 'sign', unsigned, '--from', 'carol', '--multisig', 'treasury']));

    const tooFew = await baby(['tx', 'multisign', unsigned, 'treasury', sigA]);
    expect(tooFew.stderr).toMatch(/^error CLI_TOO_FEW_SIGNATURES: /);

    const signed = file('signed.json', await ok(['tx', 'multisign', unsigned, 'treasury', sigA, sigC]));
    const sent = await json(['tx', 'broadcast', signed], 1);
    log('cli', `multisig transfer committed at height ${String(sent['height'])} in ${secs(Date.now() - t0)}`);
    expect(sent).toMatchObject({ status: 'committed', amount: '2000000', fee: '500' });

    expect(await balance(recipient, 3)).toBe(2_000_000n);
    const treasury = await json(['query', 'account', 'treasury'], 3);
    expect(BigInt(treasury['balance'] as string)).toBe(FUNDS - 2_000_000n - 500n);
    expect(treasury['nonce']).toBe('1');

    if (devnet !== undefined) await expectSafe(devnet);
  }, 60_000);
});
