// `baby gov` for validators (vote, attest, ready), the refusals of the gov commands, `gov show` and `baby status`.
import { join } from 'node:path';
import { sha256, toHex } from '@babychain/codec';
import { FAKE_CHAIN_ID as CHAIN_ID } from '@babychain/test-utils';
import { encodeReleaseInfo } from '@babychain/upgrade';
import { beforeAll, describe, expect, it } from 'vitest';
import { packArtifact } from '../release/pack.ts';
import { govCli, upgradeAnswer, validatorAddress, validatorKey, validatorSeed } from './gov.testutil.ts';

describe('baby gov', () => {
  const { node, files, started, baby, json, file, action, refused } = govCli();
  let validatorHome: string;
  beforeAll(() => {
    validatorHome = started.validatorHome;
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
      node.dropCode = 'GOV_UNKNOWN_PROPOSAL';
      const polls = () => node.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/txs/')).length;
      const before = polls();
      const run = await baby(['gov', 'vote', '4', 'yes', '--validator-home', validatorHome]);
      node.dropCode = undefined;
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
      const g = node.record.governance as Record<string, unknown>;
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

      node.record = upgradeAnswer();
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
