import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SignedManifest, Tx, TxBody } from '@babychain/codec';
import { BabyError, decodeTx, fromHex, sha256, toHex, toJson, txSignBytes } from '@babychain/codec';
import { addressFromPublicKey, encodeAddress, publicKeyFromSeed, verify } from '@babychain/crypto';
import { encodeReleaseInfo } from '@babychain/upgrade';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../program.ts';
import { packArtifact } from '../release/pack.ts';
import { CHAIN_ID, FakeNode, fakeIo, MIN_FEE, RuleError } from './fake-node.testutil.ts';

const PASS = 'correct horse battery';
const tally = (yes: string, total = '40') => ({ yes, no: '0', abstain: '0', veto: '0', totalPower: total });

/** A GET /upgrade answer: a baby chain at height 33 with plan v3 scheduled and two proposals in voting. */
function upgradeAnswer() {
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
      govParams: {
        minDeposit: '10000000',
        babyVotingPeriod: '20',
        grownUpVotingPeriod: '2000',
        babyUpgradeDelay: '5',
        grownUpUpgradeDelay: '200',
      },
    },
  };
}

type Answer = ReturnType<typeof upgradeAnswer>;

/**
 * The CLI's fake node, also executing governance actions: it checks signature, nonce and fee as for a transfer,
 * takes the deposit, and lists each proposal in the /upgrade answer (served through a stubbed fetch, since the
 * shared fake node has no such route).
 */
class GovNode extends FakeNode {
  upgrade: Answer = upgradeAnswer();
  statusExtra: Record<string, unknown> = {};
  /** the node's refusal of the next governance transactions */
  refuse: { code: string; message: string } | undefined;
  /** admit the next governance transactions, then drop them from the mempool with this rule's code */
  drop: string | undefined;
  readonly #dropped = new Map<string, string>();

  override tx(id: string) {
    const code = this.#dropped.get(id);
    if (code === undefined) return super.tx(id);
    throw new RuleError('RPC_TX_DROPPED', `transaction ${id} left the mempool uncommitted (${code}): closed`, 410);
  }

  override status() {
    return { ...super.status(), ...this.statusExtra };
  }

  override submit(hex: string, mode: string) {
    const bytes = fromHex(hex);
    const tx = decodeTx(bytes);
    const body = tx.body;
    if (body?.action === undefined || body.action.case === 'transfer') return super.submit(hex, mode);
    if (mode !== 'check') this.submitted.push(hex);
    if (this.refuse !== undefined) throw new BabyError(this.refuse.code, this.refuse.message);
    const key = body.signer?.key;
    const sig = tx.signatures[0]?.signature ?? new Uint8Array(64);
    if (key?.case !== 'ed25519' || !verify(key.value, txSignBytes(body), sig)) {
      throw new BabyError('TX_BAD_SIGNATURE', 'bad signature');
    }
    const sender = encodeAddress(addressFromPublicKey(key.value), 'baby');
    const account = this.accounts.get(sender) ?? { balance: 0n, nonce: 0n, multisig: null };
    if (body.nonce !== account.nonce) throw new BabyError('TX_BAD_NONCE', `the account is at ${account.nonce}`);
    if (body.fee < MIN_FEE) throw new BabyError('TX_FEE_TOO_LOW', 'fee too low');
    const deposit = body.action.case === 'submitProposal' ? body.action.value.deposit : 0n;
    if (account.balance < body.fee + deposit) throw new BabyError('TX_INSUFFICIENT_FUNDS', 'insufficient funds');
    if (mode === 'check') {
      this.checked.push(hex);
      return {
        id: toHex(sha256(bytes)),
        sender,
        fee: String(body.fee),
        nonce: String(body.nonce),
        accountNonce: String(account.nonce),
      };
    }
    account.balance -= body.fee + deposit;
    account.nonce += 1n;
    this.accounts.set(sender, account);
    const id = toHex(sha256(bytes));
    if (this.drop !== undefined) {
      this.#dropped.set(id, this.drop);
      return { id, status: 'pending' };
    }
    this.height += 1n;
    this.blocks.push({ height: this.height, timeMs: 1_700_000_000_000n + this.height * 1000n, txIds: [id] });
    this.committed.set(id, { id, height: this.height, index: 0, sender, tx, bytes });
    if (body.action.case === 'submitProposal') {
      this.upgrade.governance.proposals.push({
        id: String(this.upgrade.governance.proposals.length + 10),
        title: body.action.value.title,
        kind: 'cancel-upgrade',
        proposer: toHex(addressFromPublicKey(key.value)),
        deposit: String(deposit),
        submitHeight: String(this.height),
        votingEndHeight: String(this.height + 20n),
        planName: 'v3',
        tally: tally('0'),
      });
    }
    return mode === 'async' ? { id } : { id, status: 'pending' };
  }

  /** The last submitted transaction, decoded. */
  last(): Tx {
    return decodeTx(fromHex(this.submitted.at(-1) as string));
  }
}

/** The v4 release's bytes, as every mirror of the plan serves them (a proposal checks them first). */
const ARTIFACT = new Uint8Array(2048).map((_, i) => i & 0xff);
const manifest: SignedManifest = {
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

const validatorSeed = new Uint8Array(32).fill(21);
const validatorKey = publicKeyFromSeed(validatorSeed);
const validatorAddress = encodeAddress(addressFromPublicKey(validatorKey), 'baby');

describe('baby gov', () => {
  const home = mkdtempSync(join(tmpdir(), 'baby-gov-'));
  const files = mkdtempSync(join(tmpdir(), 'baby-gov-files-'));
  const validatorHome = join(files, 'validator');
  let node: GovNode;
  let proposer: { address: string; publicKey: string };

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
    node = await new GovNode().start();
    const realFetch = globalThis.fetch;
    vi.stubGlobal('fetch', (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname === '/upgrade' && url.origin === node.url) return Promise.resolve(Response.json(node.upgrade));
      // The plan's mirrors: example.org serves the release, stale.example.org an older build of it.
      if (url.origin === 'https://example.org') return Promise.resolve(new Response(ARTIFACT));
      if (url.origin === 'https://stale.example.org') return Promise.resolve(new Response(ARTIFACT.map((b) => b ^ 1)));
      return realFetch(input, init);
    });
    proposer = json((await baby(['keys', 'add', 'proposer', '--json'])).out) as typeof proposer;
    await baby(['keys', 'add-multisig', 'council', '--threshold', '1', 'proposer', toHex(validatorKey)]);
    node.accounts.set(proposer.address, { balance: 100_000_000n, nonce: 3n, multisig: null });
    node.fund(validatorAddress, 100_000_000n);
    file(
      'validator/priv_validator_key.json',
      JSON.stringify({ seed: toHex(validatorSeed), publicKey: toHex(validatorKey) }),
    );
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
    node.upgrade = upgradeAnswer();
  });

  describe('propose', () => {
    it('proposes the plan file with its signed manifest, the height --height-in after the earliest, min fee and the next nonce', async () => {
      const nonce = node.accounts.get(proposer.address)?.nonce as bigint;
      const run = await baby([
        'gov',
        'propose',
        'upgrade',
        '--plan',
        join(files, 'release', 'plan.json'),
        '--height-in',
        '10',
        '--deposit',
        '10BABY',
        '--title',
        'Upgrade to v4',
        '--from',
        'proposer',
        '--json',
      ]);
      expect(run.err).toBe('');
      expect(run.code).toBe(0);
      const tx = node.last();
      expect(tx.body).toMatchObject({ chainId: CHAIN_ID, fee: MIN_FEE, nonce, memo: '' });
      expect(tx.body?.signer?.key).toEqual({ case: 'ed25519', value: fromHex(proposer.publicKey) });
      // /upgrade says height 33, baby: voting 20, delay 5; the next block is 34
      expect(action()).toEqual({
        case: 'submitProposal',
        value: {
          deposit: 10_000_000n,
          title: 'Upgrade to v4',
          content: {
            case: 'softwareUpgrade',
            value: {
              plan: {
                name: 'v4',
                height: 34n + 20n + 5n + 10n,
                appVersion: 2,
                release: manifest,
                urls: ['https://example.org/{sha256}'],
              },
            },
          },
        },
      });
      expect(json(run.out)).toMatchObject({
        status: 'committed',
        height: String(node.height),
        from: proposer.address,
        action: 'propose',
        kind: 'software-upgrade',
        proposal: '11',
        plan: 'v4',
        planHeight: '69',
        appVersion: 2,
        version: '0.4.0',
        deposit: '10000000',
        fee: '500',
        nonce: String(nonce),
      });
      expect(node.balance(proposer.address)).toBe(100_000_000n - 10_000_000n - 500n - 0n);
    });

    it("takes the plan's own height and the minimum deposit in force, from any signer, and prints lines", async () => {
      const run = await baby([
        'gov',
        'propose',
        'upgrade',
        '--plan',
        join(files, 'release', 'plan.json'),
        '--title',
        'v4',
        '--validator-home',
        validatorHome,
      ]);
      // The only lines on stderr say which mirror was checked (a proposal fetches them first).
      expect(run.err).toMatch(/^(checked .*\n)+$/);
      const plan = action().case === 'submitProposal' ? action().value : undefined;
      expect(plan).toMatchObject({ deposit: 10_000_000n, content: { value: { plan: { height: 500n } } } });
      expect(run.out).toMatch(/^status: +committed$/m);
      expect(run.out).toMatch(/^proposal: +\d+$/m);
      expect(run.out).toMatch(/^deposit: +10000000 ubaby \(10 BABY\)$/m);
      expect(run.out).toMatch(/^fee: +500 ubaby \(0\.0005 BABY\)$/m);
    });

    it('proposes a cancel', async () => {
      const run = await baby([
        'gov',
        'propose',
        'cancel',
        'v3',
        '--deposit',
        '12BABY',
        '--title',
        'stop v3',
        '--validator-home',
        validatorHome,
        '--json',
      ]);
      expect(run.err).toBe('');
      expect(action()).toEqual({
        case: 'submitProposal',
        value: { deposit: 12_000_000n, title: 'stop v3', content: { case: 'cancelUpgrade', value: { name: 'v3' } } },
      });
    });

    it('proposes parameters starting from those in force, changing only what is given', async () => {
      const signer = 'aa'.repeat(32);
      const run = await baby([
        'gov',
        'propose',
        'params',
        '--min-fee',
        '100',
        '--voting-period',
        '30',
        '--grown-up',
        '--release-signers',
        `${signer},${'07'.repeat(32)}`,
        '--release-threshold',
        '2',
        '--title',
        'grow up',
        '--from',
        'proposer',
        '--json',
      ]);
      expect(run.err).toBe('');
      expect(action()).toEqual({
        case: 'submitProposal',
        value: {
          deposit: 10_000_000n,
          title: 'grow up',
          content: {
            case: 'paramChange',
            value: {
              params: { minFee: 100n, maxBlockBytes: 1_048_576n, maxBlockTxs: 5000 },
              govParams: {
                minDeposit: 10_000_000n,
                babyVotingPeriod: 20n,
                // --grown-up: the voting period given is the grown-up one
                grownUpVotingPeriod: 30n,
                babyUpgradeDelay: 5n,
                grownUpUpgradeDelay: 200n,
                releaseSigners: [fromHex('07'.repeat(32)), fromHex(signer)],
                releaseThreshold: 2,
              },
              maturity: 1,
            },
          },
        },
      });
      expect(json(run.out)['changes']).toContain('minFee 500 -> 100');

      await baby(['gov', 'propose', 'params', '--grown-up', '--title', 'only grow', '--from', 'proposer']);
      const grown = action();
      const content = grown.case === 'submitProposal' ? grown.value.content : undefined;
      expect(content?.case === 'paramChange' ? content.value : undefined).toEqual({ maturity: 1 });
    });
  });

  describe('the plan sources, before a deposit is spent', () => {
    const stalePlan = () =>
      file(
        'release/stale-plan.json',
        JSON.stringify({
          name: 'v4',
          height: 500,
          urls: ['https://example.org/{sha256}', 'https://stale.example.org/{sha256}'],
          manifest: 'v4.manifest.json',
        }),
      );

    it('fetches every URL for every artifact, and refuses to propose when one serves other bytes', async () => {
      const code = await refused([
        'gov',
        'propose',
        'upgrade',
        '--plan',
        stalePlan(),
        '--title',
        'v4',
        '--from',
        'proposer',
      ]);
      expect(code).toBe('REL_DIGEST_MISMATCH');
      const ok = await baby([
        'gov',
        'propose',
        'upgrade',
        '--plan',
        join(files, 'release', 'plan.json'),
        '--title',
        'v4',
        '--from',
        'proposer',
      ]);
      expect(ok.code).toBe(0);
      expect(ok.err).toMatch(/^checked https:\/\/example\.org\/[0-9a-f]{64} \(linux-x64\): 2048 bytes/m);
    });

    it('proposes without fetching when told to (--skip-fetch-check)', async () => {
      const before = node.submitted.length;
      const run = await baby([
        'gov',
        'propose',
        'upgrade',
        '--plan',
        stalePlan(),
        '--title',
        'v4',
        '--from',
        'proposer',
        '--skip-fetch-check',
      ]);
      expect(run.code).toBe(0);
      expect(node.submitted.length).toBe(before + 1);
      expect(run.err).not.toMatch(/checked/);
    });
  });

  describe('validator transactions', () => {
    it("votes with the validator's consensus key from its home", async () => {
      for (const [word, option] of [
        ['yes', 1],
        ['NO', 2],
        ['abstain', 3],
        ['veto', 4],
      ] as const) {
        const run = await baby(['gov', 'vote', '4', word, '--validator-home', validatorHome, '--json']);
        expect(run.err, word).toBe('');
        expect(action()).toEqual({ case: 'vote', value: { proposalId: 4n, option } });
        expect(node.last().body?.signer?.key).toEqual({ case: 'ed25519', value: validatorKey });
        expect(json(run.out)).toMatchObject({ from: validatorAddress, action: 'vote', proposal: '4', fee: '500' });
      }
    });

    it('attests the digest of an artifact file with the platform from its release.json', async () => {
      const info = {
        version: '0.4.0',
        sourceCommit: 'c'.repeat(40),
        platform: 'linux-arm64',
        appVersion: 2,
        entry: 'baby.js',
      };
      const artifact = await packArtifact([
        { path: 'release.json', bytes: encodeReleaseInfo(info), executable: false },
        { path: 'baby.js', bytes: new TextEncoder().encode('// baby'), executable: true },
      ]);
      const path = file('v4-linux-arm64.tar.gz', artifact);
      const run = await baby(['gov', 'attest', 'v4', '--artifact', path, '--validator-home', validatorHome, '--json']);
      expect(run.err).toBe('');
      expect(action()).toEqual({
        case: 'attestRelease',
        value: { planName: 'v4', platform: 'linux-arm64', sha256: sha256(artifact) },
      });
      expect(json(run.out)).toMatchObject({
        action: 'attest',
        platform: 'linux-arm64',
        sha256: toHex(sha256(artifact)),
      });

      const given = await baby([
        'gov',
        'attest',
        'v4',
        '--platform',
        'linux-x64',
        '--sha256',
        '08'.repeat(32),
        '--validator-home',
        validatorHome,
      ]);
      expect(given.err).toBe('');
      expect(action()).toEqual({
        case: 'attestRelease',
        value: { planName: 'v4', platform: 'linux-x64', sha256: new Uint8Array(32).fill(8) },
      });
    });

    it('signals ready, and returns after admission with --no-wait', async () => {
      const run = await baby(['gov', 'ready', 'v3', '--validator-home', validatorHome, '--no-wait', '--json']);
      expect(run.err).toBe('');
      expect(action()).toEqual({ case: 'signalReady', value: { planName: 'v3' } });
      expect(json(run.out)).toMatchObject({ status: 'pending', action: 'ready', plan: 'v3' });
      expect(json(run.out)['height']).toBeUndefined();
    });
  });

  describe('refusals', () => {
    it('ends the wait at once, with the reason, when the node drops an admitted vote', async () => {
      node.drop = 'GOV_UNKNOWN_PROPOSAL';
      const polls = () => node.requests.filter((r) => r.startsWith('GET /txs/')).length;
      const before = polls();
      const run = await baby(['gov', 'vote', '4', 'yes', '--validator-home', validatorHome]);
      node.drop = undefined;
      expect(run.code).toBe(1);
      expect(run.err).toMatch(/^error RPC_TX_DROPPED: .*\(GOV_UNKNOWN_PROPOSAL\)/m);
      expect(polls() - before).toBe(1);
    });

    it("--dry-run has the node check the signed vote, with governance's own refusals, and submits nothing", async () => {
      const submitted = node.submitted.length;
      const ok = await baby(['gov', 'vote', '4', 'yes', '--validator-home', validatorHome, '--dry-run', '--json']);
      expect(ok.err).toBe('');
      expect(json(ok.out)).toMatchObject({ status: 'checked, not submitted (dry run)', action: 'vote', proposal: '4' });
      expect(node.checked.length).toBeGreaterThan(0);
      node.refuse = { code: 'GOV_UNKNOWN_PROPOSAL', message: 'no proposal 99' };
      const refused = await baby(['gov', 'vote', '99', 'yes', '--validator-home', validatorHome, '--dry-run']);
      node.refuse = undefined;
      expect(refused.err).toBe('error GOV_UNKNOWN_PROPOSAL: no proposal 99\n');
      expect(node.submitted.length).toBe(submitted);
    });

    it("surfaces the node's refusal with its code", async () => {
      for (const code of ['GOV_NOT_VALIDATOR', 'UPG_NO_SUCH_PLAN', 'REL_EXPIRED', 'GOV_DEPOSIT_TOO_LOW']) {
        node.refuse = { code, message: 'refused' };
        const run = await baby(['gov', 'ready', 'v9', '--validator-home', validatorHome]);
        expect(run.code).toBe(1);
        expect(run.err).toBe(`error ${code}: refused\n`);
      }
      node.refuse = undefined;
      const broke = await baby([
        'gov',
        'propose',
        'cancel',
        'v3',
        '--deposit',
        '1000BABY',
        '--title',
        't',
        '--from',
        'proposer',
        '--json',
      ]);
      expect(JSON.parse(broke.err)).toMatchObject({ error: { code: 'TX_INSUFFICIENT_FUNDS' } });
    });

    it('refuses a bad vote option word or proposal id before signing', async () => {
      expect(await refused(['gov', 'vote', '4', 'maybe', '--validator-home', validatorHome])).toBe('CLI_BAD_ARGUMENT');
      expect(await refused(['gov', 'vote', 'four', 'yes', '--validator-home', validatorHome])).toBe('CLI_BAD_ARGUMENT');
    });

    it('needs exactly one signer, a single key', async () => {
      expect(await refused(['gov', 'ready', 'v3'])).toBe('CLI_NO_SIGNER');
      expect(await refused(['gov', 'ready', 'v3', '--from', 'proposer', '--validator-home', validatorHome])).toBe(
        'CLI_BAD_ARGUMENT',
      );
      expect(await refused(['gov', 'ready', 'v3', '--from', 'council'])).toBe('CLI_BAD_ARGUMENT');
      expect(await refused(['gov', 'ready', 'v3', '--from', 'nobody'])).toBe('CRYPTO_KEY_NOT_FOUND');
    });

    it('refuses an unreadable or malformed validator key', async () => {
      const bad = (name: string, text: string) => {
        file(`${name}/priv_validator_key.json`, text);
        return join(files, name);
      };
      for (const dir of [
        join(files, 'no-such-home'),
        bad('not-json', '{'),
        bad('no-seed', JSON.stringify({ publicKey: toHex(validatorKey) })),
        bad('short-seed', JSON.stringify({ seed: 'abcd' })),
        bad('other-key', JSON.stringify({ seed: toHex(validatorSeed), publicKey: '00'.repeat(32) })),
      ]) {
        expect(await refused(['gov', 'vote', '4', 'yes', '--validator-home', dir]), dir).toBe('CLI_BAD_VALIDATOR_KEY');
      }
    });

    it('refuses a missing or malformed plan file or manifest', async () => {
      const propose = (plan: string, ...more: string[]) => [
        'gov',
        'propose',
        'upgrade',
        '--plan',
        plan,
        '--title',
        't',
        '--from',
        'proposer',
        ...more,
      ];
      expect(await refused(propose(join(files, 'missing.json')))).toBe('CLI_BAD_FILE');
      expect(await refused(propose(file('broken.json', '{ name')))).toBe('CLI_BAD_FILE');
      const plan = { name: 'v4', height: 500, urls: ['https://example.org/a'], manifest: 'release/v4.manifest.json' };
      expect(
        await refused(propose(file('no-manifest-file.json', JSON.stringify({ ...plan, manifest: 'gone.json' })))),
      ).toBe('CLI_BAD_FILE');
      expect(await refused(propose(file('no-manifest.json', JSON.stringify({ ...plan, manifest: undefined }))))).toBe(
        'CLI_BAD_PLAN',
      );
      expect(await refused(propose(file('no-name.json', JSON.stringify({ ...plan, name: 4 }))))).toBe('CLI_BAD_PLAN');
      expect(await refused(propose(file('bad-urls.json', JSON.stringify({ ...plan, urls: 'x' }))))).toBe(
        'CLI_BAD_PLAN',
      );
      expect(await refused(propose(file('no-height.json', JSON.stringify({ ...plan, height: undefined }))))).toBe(
        'CLI_BAD_PLAN',
      );
      file('not-manifest.json', JSON.stringify({ manifest: { chainId: 5 } }));
      expect(
        await refused(propose(file('bad-manifest.json', JSON.stringify({ ...plan, manifest: 'not-manifest.json' })))),
      ).toBe('CLI_BAD_PLAN');
      expect(await refused(propose(join(files, 'release', 'plan.json'), '--height-in', '0'))).toBe('CLI_BAD_ARGUMENT');
      expect(await refused(propose(join(files, 'release', 'plan.json'), '--deposit', '2eth'))).toBe('CLI_BAD_ARGUMENT');
    });

    it('refuses a parameter change that changes nothing, and malformed parameter values', async () => {
      const params = (...more: string[]) => ['gov', 'propose', 'params', '--title', 't', '--from', 'proposer', ...more];
      expect(await refused(params())).toBe('CLI_BAD_ARGUMENT');
      expect(await refused(params('--voting-period', 'soon'))).toBe('CLI_BAD_ARGUMENT');
      expect(await refused(params('--release-signers', 'abc'))).toBe('CLI_BAD_ARGUMENT');
    });

    it('refuses an attestation without a digest, or an artifact without release.json', async () => {
      const attest = (...more: string[]) => ['gov', 'attest', 'v4', '--validator-home', validatorHome, ...more];
      expect(await refused(attest())).toBe('CLI_BAD_ARGUMENT');
      expect(await refused(attest('--platform', 'linux-x64'))).toBe('CLI_BAD_ARGUMENT');
      expect(await refused(attest('--platform', 'linux-x64', '--sha256', 'abc'))).toBe('CLI_BAD_ARGUMENT');
      expect(await refused(attest('--artifact', join(files, 'none.tar.gz')))).toBe('CLI_BAD_FILE');
      const bare = await packArtifact([{ path: 'baby.js', bytes: new Uint8Array(1), executable: true }]);
      expect(await refused(attest('--artifact', file('bare.tar.gz', bare)))).toBe('CLI_BAD_ARTIFACT');
      expect(await refused(attest('--artifact', file('text.tar.gz', 'not gzip')))).toBe('CLI_BAD_ARTIFACT');
    });
  });

  describe('show', () => {
    it('shows the plan with its ready share, proposals with tallies, attestations, results and applied upgrades', async () => {
      const run = await baby(['gov', 'show']);
      expect(run.err).toBe('');
      expect(run.out).toContain(`chain:           ${CHAIN_ID} at height 33\n`);
      expect(run.out).toMatch(/^app version: +1 \(release 0\.2\.0 in force\)$/m);
      expect(run.out).toMatch(/^maturity: +baby: voting 20 blocks, upgrade delay 5 blocks$/m);
      expect(run.out).toMatch(/^min deposit: +10000000 ubaby \(10 BABY\)$/m);
      expect(run.out).toMatch(/^release signers: +1 of 1: 070707070707…$/m);
      expect(run.out).toContain(
        [
          'scheduled upgrade:',
          '  v3 at height 120: app version 2, release 0.3.0',
          '  ready: 75% of voting power (30 of 40, 2 validators)',
          '  decided at height 29 (2023-11-14T22:13:20.000Z): above release 0.2.0, signed by 1 of the 1 signers of then',
          `  artifact: linux-x64 sha256 ${'03'.repeat(32)} (1000 bytes)`,
          '  url: https://example.org/{sha256}',
        ].join('\n'),
      );
      expect(run.out).toContain(`attestations:\n  v3 linux-x64 030303030303… by 050505050505…\n`);
      expect(run.out).toContain(
        [
          'proposals in voting:',
          '  #4 cancel-upgrade v3: "cancel v3", voting ends at height 50',
          '     yes 25%, no 25%, abstain 0%, veto 0% of 40 power (voted 50%)',
          '     deposit 10 BABY by 060606060606…, submitted at height 30',
        ].join('\n'),
      );
      expect(run.out).toContain('  #3 "v3": passed at height 29; yes 100%');
      expect(run.out).toContain('  #2 "too soon": failed (UPG_TOO_EARLY) at height 20;');
      expect(run.out).toContain('applied upgrades:\n  v2 at height 20: app version 1, release 0.2.0\n');
    });

    it('says what is absent, and gives the whole record as JSON', async () => {
      const g = node.upgrade.governance as Record<string, unknown>;
      Object.assign(g, { plan: null, attestations: [], proposals: [], results: [], applied: [], releaseSigners: [] });
      const run = await baby(['gov', 'show']);
      for (const line of [
        'scheduled upgrade: none',
        'attestations: none',
        'proposals in voting: none',
        'recent results: none',
        'applied upgrades: none',
      ]) {
        expect(run.out).toContain(`${line}\n`);
      }
      expect(run.out).toMatch(/^release signers: +none \(no software upgrade can pass\)$/m);

      node.upgrade = upgradeAnswer();
      const asJson = await baby(['gov', 'show', '--json']);
      expect(asJson.err).toBe('');
      expect(json(asJson.out)).toEqual(upgradeAnswer());
    });
  });

  describe('baby status', () => {
    it('shows the app version, maturity and the scheduled upgrade with its ready share', async () => {
      node.statusExtra = {
        appVersion: 1,
        upgrade: { name: 'v2', height: '120', version: '0.2.0', readyPower: '30', totalPower: '40' },
      };
      const run = await baby(['status']);
      expect(run.out).toMatch(/^appVersion: +1$/m);
      expect(run.out).toMatch(/^maturity: +baby$/m);
      expect(run.out).toMatch(/^upgrade: +v2 at height 120 \(0\.2\.0\), ready 75% of voting power$/m);
      const asJson = json((await baby(['status', '--json'])).out);
      expect(asJson).toMatchObject({ appVersion: 1, upgrade: { name: 'v2', height: '120', readyPower: '30' } });

      node.statusExtra = { appVersion: 0, upgrade: null };
      expect((await baby(['status'])).out).toMatch(/^upgrade: +none scheduled$/m);
    });
  });
});
