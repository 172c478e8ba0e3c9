import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromJson, sha256, toHex } from '@babychain/codec';
import { FAKE_GOV_RULES } from '@babychain/test-utils';
import { encodeReleaseInfo } from '@babychain/upgrade';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../program.ts';
import { packArtifact } from '../release/pack.ts';
import { fakeIo } from './io.testutil.ts';

const PASS = 'correct horse battery';
const COMMIT = 'ab'.repeat(20);

async function artifact(platform: string, overrides: { version?: string; sourceCommit?: string } = {}) {
  const info = { version: '1.1.0', sourceCommit: COMMIT, platform, appVersion: 1, entry: 'baby.mjs', ...overrides };
  return packArtifact([
    { path: 'release.json', bytes: encodeReleaseInfo(info), executable: false },
    { path: 'baby.mjs', bytes: new TextEncoder().encode(`// ${platform}\n`), executable: true },
  ]);
}

describe('baby release manifest, sign and verify', () => {
  const home = mkdtempSync(join(tmpdir(), 'baby-release-keys-'));
  const files = mkdtempSync(join(tmpdir(), 'baby-release-files-'));
  const signers: Record<string, string> = {};
  const linux = join(files, 'linux.tar.gz');
  const darwin = join(files, 'darwin.tar.gz');

  async function baby(args: string[]) {
    const io = fakeIo({ BABY_KEYRING_PASSPHRASE: PASS });
    const code = await runCli(['--home', home, ...args], io);
    return { code, out: io.out(), err: io.err() };
  }

  async function manifest(name: string, ...extra: string[]): Promise<string> {
    const out = join(files, name);
    const run = await baby([
      'release',
      'manifest',
      '--artifact',
      linux,
      '--artifact',
      darwin,
      '--plan',
      'v1-1',
      '--chain-id',
      'baby-1',
      '--version',
      '1.1.0',
      '--expires-in',
      '7d',
      '--out',
      out,
      ...extra,
    ]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    return out;
  }

  // The chain's values, as an operator gives them (a later flag in `extra` wins).
  const verify = (file: string, ...extra: string[]) =>
    baby([
      'release',
      'verify',
      file,
      '--signers',
      `${signers['alice']},${signers['bob']}`,
      '--chain-id',
      'baby-1',
      '--plan',
      'v1-1',
      '--current-version',
      '1.0.0',
      ...extra,
    ]);

  beforeAll(async () => {
    for (const name of ['alice', 'bob', 'mallory']) {
      const run = await baby(['keys', 'add', name, '--json']);
      signers[name] = (JSON.parse(run.out) as { publicKey: string }).publicKey;
    }
    writeFileSync(linux, await artifact('linux-x64'));
    writeFileSync(darwin, await artifact('darwin-arm64'));
  }, 30_000);

  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(files, { recursive: true, force: true });
  });

  it('writes an unsigned manifest with each artifact platform, digest and size, sorted by platform', async () => {
    const before = Date.now();
    const file = await manifest('unsigned.json');
    const signed = fromJson('babychain.v0.SignedManifest', JSON.parse(readFileSync(file, 'utf8')));
    expect(signed.signatures).toEqual([]);
    const m = signed.manifest;
    expect(m?.chainId).toBe('baby-1');
    expect(m?.planName).toBe('v1-1');
    expect(m?.version).toBe('1.1.0');
    expect(m?.sourceCommit).toBe(COMMIT);
    const week = 7n * 86_400_000n;
    expect(m?.expiresMs).toBeGreaterThanOrEqual(BigInt(before) + week);
    expect(m?.expiresMs).toBeLessThanOrEqual(BigInt(Date.now()) + week);
    const linuxBytes = readFileSync(linux);
    expect(m?.artifacts.map((a) => a.platform)).toEqual(['darwin-arm64', 'linux-x64']);
    expect(toHex(m?.artifacts[1]?.sha256 ?? new Uint8Array())).toBe(toHex(sha256(linuxBytes)));
    expect(m?.artifacts[1]?.size).toBe(BigInt(linuxBytes.length));
  });

  it('refuses artifacts of another version or commit, a bad duration and a file that is no artifact', async () => {
    const other = join(files, 'other.tar.gz');
    writeFileSync(other, await artifact('linux-arm64', { version: '1.2.0' }));
    const args = ['--plan', 'p', '--chain-id', 'c', '--expires-in', '7d', '--out', join(files, 'x.json')];
    const wrongVersion = await baby(['release', 'manifest', '--artifact', linux, '--artifact', other, ...args]);
    expect(wrongVersion.err).toMatch(/^error CLI_BAD_ARTIFACT: .*other\.tar\.gz is version 1\.2\.0, not 1\.1\.0/);
    writeFileSync(other, await artifact('linux-arm64', { sourceCommit: 'cd'.repeat(20) }));
    const wrongCommit = await baby(['release', 'manifest', '--artifact', linux, '--artifact', other, ...args]);
    expect(wrongCommit.err).toMatch(/^error CLI_BAD_ARTIFACT: .*was built from/);
    const twice = await baby(['release', 'manifest', '--artifact', linux, '--artifact', linux, ...args]);
    expect(twice.err).toMatch(/^error CLI_BAD_ARTIFACT: .*not the only linux-x64 artifact/);
    writeFileSync(other, 'plain text');
    const notArtifact = await baby(['release', 'manifest', '--artifact', other, ...args]);
    expect(notArtifact.err).toMatch(/^error CLI_BAD_ARTIFACT: /);
    const badDuration = await baby([
      'release',
      'manifest',
      '--artifact',
      linux,
      ...args.slice(0, 4),
      '--expires-in',
      '7 weeks',
      '--out',
      'x',
    ]);
    expect(badDuration.err).toMatch(/^error CLI_BAD_ARGUMENT: /);
    const missing = await baby(['release', 'manifest', '--artifact', join(files, 'nope.tar.gz'), ...args]);
    expect(missing.err).toMatch(/^error CLI_BAD_FILE: /);
  });

  it('signs with keyring keys, keeping signatures ascending by key, and verifies with the artifacts', async () => {
    const file = await manifest('signed.json');
    expect((await baby(['release', 'sign', file, '--key', 'bob'])).code).toBe(0);
    expect((await baby(['release', 'sign', file, '--key', 'alice'])).code).toBe(0);
    const signed = fromJson('babychain.v0.SignedManifest', JSON.parse(readFileSync(file, 'utf8')));
    expect(signed.signatures.map((s) => toHex(s.publicKey))).toEqual([signers['alice'], signers['bob']].sort());
    const ok = await verify(file, '--threshold', '2', '--artifact', linux, '--artifact', darwin);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^OK 1\.1\.0 for v1-1 on baby-1: 2 signature\(s\)/);
    const json = await verify(file, '--threshold', '2', '--json');
    expect(JSON.parse(json.out)).toMatchObject({ ok: true, version: '1.1.0', signatures: 2 });
  });

  it('prints the REL_ code of the first failure and exits 1', async () => {
    const file = await manifest('failing.json');
    await baby(['release', 'sign', file, '--key', 'alice']);
    expect((await verify(file, '--threshold', '2')).err).toMatch(/^error REL_TOO_FEW_SIGNATURES: /);
    expect((await verify(file, '--threshold', '1', '--plan', 'other')).err).toMatch(/^error REL_WRONG_PLAN: /);
    expect((await verify(file, '--threshold', '1', '--current-version', '1.1.0')).err).toMatch(
      /^error REL_VERSION_NOT_HIGHER: /,
    );
    const tampered = join(files, 'tampered.tar.gz');
    const bytes = readFileSync(linux);
    const last = bytes.length - 1;
    bytes[last] = (bytes[last] as number) ^ 1;
    writeFileSync(tampered, bytes);
    const digest = await verify(file, '--threshold', '1', '--artifact', tampered, '--platform', 'linux-x64');
    expect(digest.code).toBe(1);
    expect(digest.err).toMatch(/^error REL_DIGEST_MISMATCH: /);
    writeFileSync(tampered, Buffer.concat([readFileSync(linux), Buffer.from([0])]));
    expect((await verify(file, '--threshold', '1', '--artifact', tampered, '--platform', 'linux-x64')).err).toMatch(
      /^error REL_WRONG_SIZE: /,
    );
    await baby(['release', 'sign', file, '--key', 'mallory']);
    expect((await verify(file, '--threshold', '1')).err).toMatch(/^error REL_UNKNOWN_SIGNER: /);
    const expired = await manifest('expired.json', '--expires-in', '1s');
    await baby(['release', 'sign', expired, '--key', 'alice']);
    const text = JSON.parse(readFileSync(expired, 'utf8')) as { manifest: { expiresMs: string } };
    text.manifest.expiresMs = String(Date.now() - 1);
    writeFileSync(expired, JSON.stringify(text));
    // The expiry is checked before signatures, so the now-stale signature does not mask it.
    expect((await verify(expired, '--threshold', '1')).err).toMatch(/^error REL_EXPIRED: /);
  });

  it('refuses to sign with a missing key or a file that is not a manifest', async () => {
    const file = await manifest('unsignable.json');
    const noKey = await baby(['release', 'sign', file, '--key', 'nobody']);
    expect(noKey.code).toBe(1);
    expect(noKey.err).toMatch(/^error \S+: /);
    const junk = join(files, 'junk.json');
    writeFileSync(junk, '{"manifest": 5}');
    expect((await baby(['release', 'sign', junk, '--key', 'alice'])).err).toMatch(/^error CLI_BAD_FILE: /);
    expect((await verify(junk, '--threshold', '1')).err).toMatch(/^error CLI_BAD_FILE: /);
    const badSigner = await baby(['release', 'verify', file, '--signers', 'abc', '--threshold', '1']);
    expect(badSigner.err).toMatch(/^error CLI_BAD_ARGUMENT: /);
  });

  it("REL-4: checks against the chain's values, given or read from a node, never the manifest's own", async () => {
    const file = await manifest('chain-values.json');
    await baby(['release', 'sign', file, '--key', 'alice']);
    await baby(['release', 'sign', file, '--key', 'bob']);
    const bare = await baby(['release', 'verify', file, '--signers', `${signers['alice']},${signers['bob']}`]);
    expect(bare.code).toBe(1);
    expect(bare.err).toMatch(
      /^error CLI_BAD_ARGUMENT: give --chain-id, --plan, --current-version, --threshold, or --node/,
    );
    const node = await fakeUpgradeNode({
      chainId: 'baby-1',
      plan: 'v1-1',
      versionInForce: '1.0.0',
      signers: [signers['alice'], signers['bob']] as string[],
      threshold: 2,
    });
    try {
      const ok = await baby(['release', 'verify', file, '--node', node.url]);
      expect(ok.err).toBe('');
      expect(ok.out).toMatch(/^OK 1\.1\.0 for v1-1 on baby-1: 2 signature\(s\)/);
      // The node's chain runs 1.1.0 already: the manifest is not above the version in force there.
      node.set({ versionInForce: '1.1.0' });
      expect((await baby(['release', 'verify', file, '--node', node.url])).err).toMatch(
        /^error REL_VERSION_NOT_HIGHER: /,
      );
      node.set({ versionInForce: '1.0.0', chainId: 'baby-2' });
      expect((await baby(['release', 'verify', file, '--node', node.url])).err).toMatch(/^error REL_WRONG_PLAN: /);
    } finally {
      await node.close();
    }
  });
});

interface UpgradeFacts {
  chainId: string;
  plan: string;
  versionInForce: string;
  signers: string[];
  threshold: number;
}

/** A node that answers GET /upgrade with `facts` (changeable) and nothing else. */
async function fakeUpgradeNode(initial: UpgradeFacts) {
  let facts = initial;
  const zero = { yes: '0', no: '0', abstain: '0', veto: '0', totalPower: '1' };
  const server = createServer((req, res) => {
    if (req.url !== '/upgrade') return void res.writeHead(404).end();
    const decision = {
      height: '1',
      timeMs: '1',
      versionInForce: facts.versionInForce,
      releaseSigners: facts.signers,
      releaseThreshold: facts.threshold,
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        chainId: facts.chainId,
        height: '5',
        nodeVersion: '1.0.0',
        handlers: [],
        governance: {
          maturity: 'baby',
          appVersion: 0,
          version: '',
          versionInForce: facts.versionInForce,
          releaseSigners: facts.signers,
          releaseThreshold: facts.threshold,
          plan: {
            name: facts.plan,
            height: '50',
            appVersion: 1,
            version: '1.1.0',
            manifest: '',
            urls: [],
            artifacts: [],
            decision,
          },
          ready: { validators: [], power: '0', totalPower: '1' },
          attestations: [],
          proposals: [],
          results: [{ id: '1', title: 't', status: 'passed', tally: zero, endHeight: '4', reason: '' }],
          applied: [],
          params: { minFee: '1', maxBlockBytes: '2048', maxBlockTxs: 1 },
          govParams: {
            minDeposit: '1',
            babyVotingPeriod: '1',
            grownUpVotingPeriod: '1',
            babyUpgradeDelay: '1',
            grownUpUpgradeDelay: '1',
          },
          rules: FAKE_GOV_RULES,
        },
      }),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    set: (change: Partial<UpgradeFacts>) => {
      facts = { ...facts, ...change };
    },
    close: async () => {
      server.close();
      await once(server, 'close');
    },
  };
}
