// `baby gov propose`: upgrades from a plan file (its mirrors fetched first), cancels and parameter changes (GOV-4).
import { join } from 'node:path';
import { fromHex } from '@babychain/codec';
import { FAKE_CHAIN_ID as CHAIN_ID, FAKE_MIN_FEE as MIN_FEE } from '@babychain/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { govCli, manifest } from './gov.testutil.ts';

describe('baby gov', () => {
  const { node, files, proposer, started, baby, json, file, action, refused } = govCli();
  let validatorHome: string;
  beforeAll(() => {
    validatorHome = started.validatorHome;
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
});
