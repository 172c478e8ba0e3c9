// `baby genesis`: the three-operator ceremony of docs/validator.md ("A genesis across hosts", GEN-8), step by step,
// each operator in a home of its own; then what the field gets wrong, refused with a code and no stack trace.
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BabyNode } from '@babychain/node';
import { parseGenesis } from '@babychain/state';
import { describe, expect, it } from 'vitest';
import { runCli } from '../program.ts';
import { fakeIo } from './io.testutil.ts';

const PASS = 'correct horse battery';

/** Runs `baby --json …`; returns the exit code, the parsed stdout (when any) and stderr. */
async function baby(args: string[]): Promise<{ code: number; out: Record<string, unknown>; err: string }> {
  const io = fakeIo({ BABY_KEYRING_PASSPHRASE: PASS });
  const code = await runCli(['--json', ...args], io);
  return { code, out: io.out() === '' ? {} : (JSON.parse(io.out()) as Record<string, unknown>), err: io.err() };
}

async function ok(args: string[]): Promise<Record<string, unknown>> {
  const run = await baby(args);
  if (run.code !== 0) throw new Error(`baby ${args.join(' ')} exited ${run.code}: ${run.err}`);
  return run.out;
}

/** The error code a refused command printed (`{"error":{"code"}}` on stderr with --json). */
async function refused(args: string[]): Promise<string> {
  const run = await baby(args);
  expect(run.code).toBe(1);
  expect(run.err).not.toMatch(/\n\s+at /); // a typed refusal, never a stack trace
  return (JSON.parse(run.err) as { error: { code: string } }).error.code;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

interface Ceremony {
  dir: string;
  /** each operator's p2pAddress, as its init printed it */
  p2p: string[];
  draft: string;
  submissions: string[];
  homes: string[];
  genesis: string;
  hash: string;
}

/** docs/validator.md's walkthrough: the coordinator in `coord/`, operators op1..op3 in homes of their own. */
async function threeOperatorCeremony(): Promise<Ceremony> {
  const dir = mkdtempSync(join(tmpdir(), 'baby-genesis-'));
  const coord = join(dir, 'coord');
  mkdirSync(coord);
  const homes = [1, 2, 3].map((i) => join(dir, `op${i}`));
  // 1. each operator makes the key of its operator account and sends the coordinator its address
  const operators: string[] = [];
  for (const [i, home] of homes.entries()) {
    operators.push((await ok(['--home', home, 'keys', 'add', `op${i + 1}-operator`]))['address'] as string);
  }
  // 2. the coordinator drafts the genesis, funds the operators and shares the draft, announcing its hash
  const draft = join(coord, 'genesis.draft.json');
  // a start time already past, so that the nodes the last test starts make blocks at once
  const startAt = new Date().toISOString();
  await ok(['genesis', 'init', '--chain-id', 'walkthrough-1', '--genesis-time', startAt, '--out', draft]);
  let announced = '';
  for (const address of operators) {
    announced = (await ok(['genesis', 'add-account', draft, address, '1000BABY']))['draftHash'] as string;
  }
  // 3. each operator inits its home from its copy of the draft and signs its submission
  const submissions: string[] = [];
  const p2p: string[] = [];
  for (const [i, home] of homes.entries()) {
    const name = `op${i + 1}`;
    const copy = join(dir, `${name}-draft.json`);
    copyFileSync(draft, copy);
    const ports = ['--p2p-port', String(await freePort()), '--rpc-port', String(await freePort())];
    const init = ['init', '--moniker', name, '--validator', '--genesis', copy, ...ports];
    p2p.push((await ok(['--home', home, ...init]))['p2pAddress'] as string);
    const out = join(dir, `${name}.submission.json`);
    const signed = await ok([
      '--home',
      home,
      'genesis',
      'add-validator',
      copy,
      '--power',
      '10',
      '--operator',
      `${name}-operator`,
      '--out',
      out,
    ]);
    expect(signed['draftHash']).toBe(announced);
    expect(signed['operator']).toBe(operators[i]);
    submissions.push(out);
  }
  // 4. the coordinator collects (in whatever order the files came) and shares genesis.json and its hash
  const genesis = join(coord, 'genesis.json');
  const collected = await ok(['genesis', 'collect', draft, ...[...submissions].reverse(), '--out', genesis]);
  return { dir, p2p, draft, submissions, homes, genesis, hash: collected['genesisHash'] as string };
}

describe('baby genesis: the three-operator walkthrough (GEN-8)', () => {
  it('ends in one valid genesis with three validators, whose hash every operator checks', async () => {
    const c = await threeOperatorCeremony();
    // 5. each operator puts the genesis in its home and checks its hash against the coordinator's
    for (const home of c.homes) {
      copyFileSync(c.genesis, join(home, 'genesis.json'));
      const checked = await ok(['genesis', 'validate', join(home, 'genesis.json')]);
      expect(checked['genesisHash']).toBe(c.hash);
      expect(checked['chainId']).toBe('walkthrough-1');
      expect(checked['totalPower']).toBe('30');
      expect((checked['validators'] as unknown[]).length).toBe(3);
    }
    const genesis = parseGenesis(readFileSync(c.genesis, 'utf8'));
    expect(genesis.validators.map((v) => v.name).sort()).toEqual(['op1', 'op2', 'op3']);
    expect(genesis.accounts).toHaveLength(3);
    // the same submissions in another order give the same file
    const again = join(c.dir, 'again.json');
    await ok(['genesis', 'collect', c.draft, ...c.submissions, '--out', again]);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(c.genesis, 'utf8'));
  });

  it('refuses what goes wrong between hosts, each with its code', async () => {
    const c = await threeOperatorCeremony();
    const [s1, s2] = c.submissions as [string, string, string];
    const file = (name: string, text: string) => {
      const path = join(c.dir, name);
      writeFileSync(path, text);
      return path;
    };
    const text = readFileSync(s1, 'utf8');
    const json = JSON.parse(text) as { chainId: string; validator: { power: string } };
    const out = ['--out', join(c.dir, 'never.json')];
    // truncated in transit
    expect(await refused(['genesis', 'collect', c.draft, file('cut.json', text.slice(0, 120)), ...out])).toBe(
      'GENESIS_BAD_SUBMISSION',
    );
    // the power raised after signing
    const raised = { ...json, validator: { ...json.validator, power: '1000' } };
    expect(await refused(['genesis', 'collect', c.draft, file('raised.json', JSON.stringify(raised)), ...out])).toBe(
      'VAL_BAD_POSSESSION',
    );
    // signed for another chain
    const foreign = JSON.stringify({ ...json, chainId: 'other-1' });
    expect(await refused(['genesis', 'collect', c.draft, file('foreign.json', foreign), ...out])).toBe(
      'GENESIS_WRONG_CHAIN',
    );
    // submitted twice
    expect(await refused(['genesis', 'collect', c.draft, s1, s2, s1, ...out])).toBe('GENESIS_DUPLICATE_VALIDATOR');
    // the draft changed after the operators signed
    const op1 = (json as unknown as { validator: { operator: string } }).validator.operator;
    expect(await refused(['genesis', 'add-account', c.draft, op1, '1BABY'])).toBe('GENESIS_DUPLICATE_ACCOUNT');
    const changed = join(c.dir, 'changed.draft.json');
    copyFileSync(c.draft, changed);
    const treasury = (await ok(['--home', join(c.dir, 'treasury'), 'keys', 'add', 'treasury']))['address'] as string;
    await ok(['genesis', 'add-account', changed, treasury, '5BABY']);
    expect(await refused(['genesis', 'collect', changed, s1, ...out])).toBe('GENESIS_WRONG_DRAFT');
    // a validate of a broken genesis exits non-zero with the rule's code
    expect(await refused(['genesis', 'validate', c.draft])).toBe('GENESIS_NO_VALIDATORS');
    expect(
      await refused(['genesis', 'validate', file('half.json', readFileSync(c.genesis, 'utf8').slice(0, 50))]),
    ).toBe('GENESIS_MALFORMED');
    // a full node cannot run from a draft: only an operator joining the ceremony inits from one
    expect(await refused(['--home', join(c.dir, 'full'), 'init', '--moniker', 'full', '--genesis', c.draft])).toBe(
      'CLI_BAD_ARGUMENT',
    );
    // a file one step creates is never overwritten
    expect(await refused(['genesis', 'init', '--chain-id', 'walkthrough-1', '--out', c.draft])).toBe(
      'CLI_BAD_ARGUMENT',
    );
  });

  it('starts: the three nodes, each bootstrapping to the other two, commit the same first block', async () => {
    const c = await threeOperatorCeremony();
    for (const [i, home] of c.homes.entries()) {
      copyFileSync(c.genesis, join(home, 'genesis.json'));
      const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as {
        p2p: { bootstrap: string[] };
        logLevel: string;
      };
      config.p2p.bootstrap = c.p2p.filter((_, j) => j !== i);
      config.logLevel = 'silent';
      writeFileSync(join(home, 'config.json'), JSON.stringify(config));
    }
    const nodes: BabyNode[] = [];
    try {
      for (const home of c.homes) nodes.push(await BabyNode.open({ home }));
      const firstBlock = async (node: BabyNode) => {
        const r = await fetch(`${node.rpcUrl}/blocks/1`);
        return r.status === 200 ? ((await r.json()) as { hash: string }).hash : undefined;
      };
      let hashes: (string | undefined)[] = [];
      const deadline = Date.now() + 30_000;
      for (;;) {
        hashes = await Promise.all(nodes.map(firstBlock));
        if (hashes.every((h) => h !== undefined)) break;
        if (Date.now() > deadline) throw new Error(`no first block on every node: ${JSON.stringify(hashes)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(new Set(hashes).size).toBe(1);
    } finally {
      for (const node of nodes.reverse()) await node.close();
    }
  }, 60_000);
});
