import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_CHAIN_ID as CHAIN_ID, FakeNode } from '@babychain/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../program.ts';
import { fakeIo } from './io.testutil.ts';

const PASS = 'correct horse battery';

describe('baby query and baby status', () => {
  const home = mkdtempSync(join(tmpdir(), 'baby-query-'));
  let node: FakeNode;
  let alice: { address: string };
  let bob: { address: string };
  let txId: string;

  async function baby(args: string[], env: Record<string, string> = {}) {
    const io = fakeIo({ BABY_KEYRING_PASSPHRASE: PASS, ...env });
    const code = await runCli(['--home', home, ...args], io);
    return { code, out: io.out(), err: io.err() };
  }
  const json = (text: string) => JSON.parse(text) as Record<string, unknown>;

  beforeAll(async () => {
    node = await new FakeNode({ fullNode: true }).start();
    alice = json((await baby(['keys', 'add', 'alice', '--json'])).out) as typeof alice;
    bob = json((await baby(['keys', 'add', 'bob', '--json'])).out) as typeof bob;
    node.fund(alice.address, 5_000_000n);
    const sent = await baby(['tx', 'send', 'alice', 'bob', '1BABY', '--memo', 'hello', '--json', '--node', node.url]);
    expect(sent.err).toBe('');
    txId = json(sent.out)['id'] as string;
  });

  afterAll(() => node.close());

  it('lists the validator set that signs the next block, with operators (VAL-3)', async () => {
    const run = await baby(['query', 'validators', '--json'], { BABY_NODE: node.url });
    expect(run.err).toBe('');
    const answer = json(run.out) as { totalPower: string; validators: Record<string, unknown>[] };
    expect(answer.totalPower).toBe('10');
    expect(answer.validators[0]).toMatchObject({ index: 0, power: '10' });
    expect(answer.validators[0]?.['operator']).toBe(answer.validators[0]?.['address']);
    const lines = await baby(['query', 'validators'], { BABY_NODE: node.url });
    expect(lines.out).toMatch(/1 validators, total power 10\n {2}0 {2}node0 {2}power 10/);
  });

  it('shows an account by key name or address, as JSON with decimal strings', async () => {
    const run = await baby(['query', 'account', 'alice', '--json'], { BABY_NODE: node.url });
    expect(run.err).toBe('');
    expect(json(run.out)).toEqual({
      address: alice.address,
      balance: String(5_000_000n - 1_000_000n - 500n),
      nonce: '1',
      height: String(node.height),
      multisig: null,
    });
    const human = await baby(['q', 'account', bob.address, '--node', node.url]);
    expect(human.out).toMatch(/^balance: +1000000 ubaby \(1 BABY\)$/m);
    expect(human.out).toMatch(/^nonce: +0$/m);
  });

  it('reads the node from --node, then $BABY_NODE', async () => {
    const run = await baby(['query', 'account', 'bob', '--node', 'http://127.0.0.1:9'], { BABY_NODE: node.url });
    expect(run.err).toMatch(/^error CLIENT_UNREACHABLE: /);
  });

  it('shows a block by height and the latest one', async () => {
    const latest = await baby(['query', 'block', 'latest', '--json', '--node', node.url]);
    expect(latest.err).toBe('');
    const block = json(latest.out);
    expect(block['height']).toBe(String(node.height));
    expect(block['txIds']).toEqual([txId]);
    const human = await baby(['query', 'block', String(node.height), '--node', node.url]);
    expect(human.out).toMatch(/^height: +\d+$/m);
    expect(human.out).toMatch(new RegExp(`^txIds: +${txId}$`, 'm'));
    const missing = await baby(['query', 'block', '999', '--node', node.url]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^error (CLI|RPC)_NOT_FOUND: /);
    const bad = await baby(['query', 'block', 'yesterday', '--node', node.url]);
    expect(bad.err).toMatch(/^error CLI_BAD_ARGUMENT: /);
  });

  it('shows a committed transaction and says when there is none', async () => {
    const run = await baby(['query', 'tx', txId, '--json', '--node', node.url]);
    expect(run.err).toBe('');
    expect(json(run.out)).toMatchObject({ id: txId, height: String(node.height), index: 0, from: alice.address });
    const human = await baby(['query', 'tx', txId, '--node', node.url]);
    expect(human.out).toMatch(/^amount: +1000000 ubaby \(1 BABY\)$/m);
    expect(human.out).toMatch(/^memo: +hello$/m);
    const none = await baby(['query', 'tx', '00'.repeat(32), '--node', node.url]);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/^error (CLI|RPC)_NOT_FOUND: /);
    const bad = await baby(['query', 'tx', 'xyz', '--node', node.url]);
    expect(bad.err).toMatch(/^error CLI_BAD_ARGUMENT: /);
  });

  it("prints the node's status", async () => {
    const run = await baby(['status', '--json', '--node', node.url]);
    expect(run.err).toBe('');
    expect(json(run.out)).toMatchObject({ chainId: CHAIN_ID, maturity: 'baby', height: String(node.height) });
    const human = await baby(['status', '--node', node.url]);
    expect(human.out).toMatch(new RegExp(`^chainId: +${CHAIN_ID}$`, 'm'));
    expect(human.out).toMatch(/^maturity: +baby$/m);
    expect(human.out).toMatch(/^validator: +no \(full node\)$/m);
  });
});
