// The `baby gov` tests' fixtures: a node's /upgrade answer, the GovNode fake, the v4 release, and govCli to run them.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SignedManifest, Tx, TxBody } from '@babychain/codec';
import { BabyError, decodeTx, sha256, toHex, toJson } from '@babychain/codec';
import { addressFromPublicKey, encodeAddress, publicKeyFromSeed } from '@babychain/crypto';
import {
  FAKE_CHAIN_ID as CHAIN_ID,
  FAKE_GOV_PARAMS,
  FAKE_GOV_RULES,
  FakeNode,
  makeValidatorHome,
} from '@babychain/test-utils';
import { afterAll, beforeAll, beforeEach, expect, vi } from 'vitest';
import { runCli } from '../program.ts';
import { fakeIo } from './io.testutil.ts';

const PASS = 'correct horse battery';
const tally = (yes: string, total = '40') => ({ yes, no: '0', abstain: '0', veto: '0', totalPower: total });

/** A GET /upgrade answer: a baby chain at height 33 with plan v3 scheduled and two proposals in voting. */
export function upgradeAnswer() {
  return {
    chainId: CHAIN_ID,
    height: '33',
    nodeVersion: '0.2.0',
    handlers: ['v3'],
    governance: {
      maturity: 'baby',
      appVersion: 1,
      version: '0.2.0',
      versionInForce: '0.2.0',
      releaseSigners: ['07'.repeat(32)],
      releaseThreshold: 1,
      plan: {
        name: 'v3',
        height: '120',
        appVersion: 2,
        version: '0.3.0',
        manifest: '0a0b',
        urls: ['https://example.org/{sha256}'],
        artifacts: [{ platform: 'linux-x64', sha256: '03'.repeat(32), size: '1000' }],
        decision: {
          height: '29',
          timeMs: '1700000000000',
          versionInForce: '0.2.0',
          releaseSigners: ['07'.repeat(32)],
          releaseThreshold: 1,
        },
      },
      ready: { validators: ['04'.repeat(20), '05'.repeat(20)], power: '30', totalPower: '40' },
      attestations: [{ planName: 'v3', validator: '05'.repeat(20), platform: 'linux-x64', sha256: '03'.repeat(32) }],
      proposals: [
        {
          id: '4',
          title: 'cancel v3',
          kind: 'cancel-upgrade',
          proposer: '06'.repeat(20),
          deposit: '10000000',
          submitHeight: '30',
          votingEndHeight: '50',
          planName: 'v3',
          tally: { yes: '10', no: '10', abstain: '0', veto: '0', totalPower: '40' },
        },
      ],
      results: [
        { id: '3', title: 'v3', status: 'passed', tally: tally('40'), endHeight: '29', reason: '' },
        { id: '2', title: 'too soon', status: 'failed', tally: tally('40'), endHeight: '20', reason: 'UPG_TOO_EARLY' },
      ],
      applied: [{ name: 'v2', height: '20', appVersion: 1, version: '0.2.0' }],
      params: { minFee: '500', maxBlockBytes: '1048576', maxBlockTxs: 5000 },
      govParams: FAKE_GOV_PARAMS,
      rules: FAKE_GOV_RULES,
    },
  };
}

type Answer = ReturnType<typeof upgradeAnswer>;

/**
 * The shared fake node (which admits governance actions as a node does: signature, nonce, fee and deposit), with
 * what these tests script on top: the governance record it answers, extra status fields, a refusal of the next
 * governance transactions, and a rule that drops them from the mempool once admitted. A committed proposal joins
 * the record, as `gov propose` looks for it there.
 */
export class GovNode extends FakeNode {
  record: Answer = upgradeAnswer();
  statusExtra: Record<string, unknown> = {};
  /** the node's refusal of the next governance transactions */
  refuse: { code: string; message: string } | undefined;
  /** admit the next governance transactions, then drop them from the mempool with this rule's code */
  dropCode: string | undefined;

  constructor() {
    // rpc's TxJson schema lists only transfers: the lookup of a committed governance action would fail the check.
    super({ checkResponses: false });
  }

  override async status() {
    return { ...(await super.status()), ...this.statusExtra };
  }

  // The record is this test's script, literal strings and all; the CLI reads it as a node's /upgrade answer.
  override async upgrade() {
    return this.record as unknown as Awaited<ReturnType<FakeNode['upgrade']>>;
  }

  #refuseGovernance(bytes: Uint8Array): void {
    const action = decodeTx(bytes).body?.action;
    const governance = action !== undefined && action.case !== 'transfer';
    if (governance && this.refuse !== undefined) throw new BabyError(this.refuse.code, this.refuse.message);
  }

  override async checkTx(bytes: Uint8Array) {
    this.#refuseGovernance(bytes);
    return super.checkTx(bytes);
  }

  override submitTx(bytes: Uint8Array) {
    this.#refuseGovernance(bytes);
    const answer = super.submitTx(bytes);
    const action = decodeTx(bytes).body?.action;
    if (this.dropCode !== undefined && action?.case !== 'transfer') {
      this.drop(bytes, { reason: 'invalid', code: this.dropCode, message: 'closed' });
    }
    return answer;
  }

  override commitBlock(txs: readonly Uint8Array[]) {
    const block = super.commitBlock(txs);
    for (const tx of txs.map((bytes) => decodeTx(bytes))) {
      const body = tx.body;
      const key = body?.signer?.key;
      if (body?.action?.case !== 'submitProposal' || key?.case !== 'ed25519') continue;
      const proposals = this.record.governance.proposals;
      proposals.push({
        id: String(proposals.length + 10),
        title: body.action.value.title,
        kind: 'cancel-upgrade',
        proposer: toHex(addressFromPublicKey(key.value)),
        deposit: String(body.action.value.deposit),
        submitHeight: String(this.height),
        votingEndHeight: String(this.height + 20n),
        planName: 'v3',
        tally: tally('0'),
      });
    }
    return block;
  }

  /** The last submitted transaction, decoded. */
  last(): Tx {
    return decodeTx(this.submitted.at(-1) as Uint8Array);
  }
}

/** The v4 release's bytes, as every mirror of the plan serves them (a proposal checks them first). */
const ARTIFACT = new Uint8Array(2048).map((_, i) => i & 0xff);
export const manifest: SignedManifest = {
  manifest: {
    chainId: CHAIN_ID,
    planName: 'v4',
    version: '0.4.0',
    artifacts: [{ platform: 'linux-x64', sha256: sha256(ARTIFACT), size: 2048n, unpackedSize: 8192n }],
    expiresMs: 1_900_000_000_000n,
    sourceCommit: 'c'.repeat(40),
  },
  signatures: [{ publicKey: new Uint8Array(32).fill(7), signature: new Uint8Array(64).fill(1) }],
};

export const validatorSeed = new Uint8Array(32).fill(21);
export const validatorKey = publicKeyFromSeed(validatorSeed);
export const validatorAddress = encodeAddress(addressFromPublicKey(validatorKey), 'baby');

/**
 * Registers, in the calling describe, the start of a GovNode (with the plan's mirrors stubbed in fetch), a CLI home
 * with the keys `proposer` (funded) and `council` (a 1-of-2 multisig with the validator), the validator's home and
 * the v4 plan files; and returns the helpers the tests run the CLI with (`started.validatorHome` once started).
 */
export function govCli() {
  const home = mkdtempSync(join(tmpdir(), 'baby-gov-'));
  const files = mkdtempSync(join(tmpdir(), 'baby-gov-files-'));
  const node = new GovNode();
  const proposer = { address: '', publicKey: '' };
  const started = { validatorHome: '' };

  async function baby(args: string[], env: Record<string, string> = {}) {
    const io = fakeIo({ BABY_KEYRING_PASSPHRASE: PASS, BABY_NODE: node.url, ...env });
    const code = await runCli(['--home', home, ...args], io);
    return { code, out: io.out(), err: io.err() };
  }
  const json = (text: string) => JSON.parse(text) as Record<string, unknown>;
  const file = (name: string, text: string | Uint8Array) => {
    const path = join(files, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  const action = (): NonNullable<TxBody['action']> => node.last().body?.action as NonNullable<TxBody['action']>;
  /** The refusal's code, and that nothing reached the node. */
  async function refused(args: string[], env: Record<string, string> = {}) {
    const before = node.submitted.length;
    const run = await baby(args, env);
    expect(run.code, args.join(' ')).toBe(1);
    expect(node.submitted.length, args.join(' ')).toBe(before);
    expect(run.out).toBe('');
    return /^error ([A-Z_]+): /m.exec(run.err)?.[1];
  }

  beforeAll(async () => {
    await node.start();
    const realFetch = globalThis.fetch;
    vi.stubGlobal('fetch', (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      // The plan's mirrors: example.org serves the release, stale.example.org an older build of it.
      if (url.origin === 'https://example.org') return Promise.resolve(new Response(ARTIFACT));
      if (url.origin === 'https://stale.example.org') return Promise.resolve(new Response(ARTIFACT.map((b) => b ^ 1)));
      return realFetch(input, init);
    });
    Object.assign(proposer, json((await baby(['keys', 'add', 'proposer', '--json'])).out));
    await baby(['keys', 'add-multisig', 'council', '--threshold', '1', 'proposer', toHex(validatorKey)]);
    node.accounts.set(proposer.address, { balance: 100_000_000n, nonce: 3n, multisig: null });
    node.fund(validatorAddress, 100_000_000n);
    ({ home: started.validatorHome } = await makeValidatorHome({ chainId: CHAIN_ID, validatorSeed, parent: files }));
    file('release/v4.manifest.json', JSON.stringify(toJson('babychain.v0.SignedManifest', manifest)));
    file(
      'release/plan.json',
      JSON.stringify({ name: 'v4', height: 500, urls: ['https://example.org/{sha256}'], manifest: 'v4.manifest.json' }),
    );
  });

  afterAll(async () => {
    vi.unstubAllGlobals();
    await node.close();
  });

  beforeEach(() => {
    node.refuse = undefined;
    node.record = upgradeAnswer();
  });

  return { node, files, proposer, started, baby, json, file, action, refused };
}
