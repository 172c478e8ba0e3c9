/**
 * inspectRelease against signatures it did not make: node:crypto's Ed25519 signs a sign document assembled here by
 * hand (REL-3: field 1 the domain, field 2 the manifest's encoding), and the REL-4 test vectors supply signatures
 * made by the release tooling, a bad one and one by a key outside the set.
 */
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode, type ReleaseManifest, sha256, toHex } from '@babychain/codec';
import { describe, expect, it } from 'vitest';
import { inspectRelease } from './release.ts';

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

function modelKey(n: number) {
  const seed = sha256(new TextEncoder().encode(`model release signer ${n}`));
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(-32));
  return { key, publicKey };
}

/** A protobuf length of at most two varint bytes, enough for these documents. */
function length(n: number): number[] {
  expect(n).toBeLessThan(1 << 14);
  return n < 128 ? [n] : [(n & 0x7f) | 0x80, n >> 7];
}

/** REL-3 by hand: field 1 the domain, field 2 the manifest's encoding, both length-delimited. */
function modelSignDoc(manifest: ReleaseManifest): Uint8Array {
  const domain = new TextEncoder().encode('babychain/release/v0');
  const body = encode('babychain.v0.ReleaseManifest', manifest);
  return new Uint8Array([0x0a, ...length(domain.length), ...domain, 0x12, ...length(body.length), ...body]);
}

const manifest: ReleaseManifest = {
  chainId: 'babychain-dev-1',
  planName: 'v2',
  version: '0.2.0',
  artifacts: [{ platform: 'linux-x64', sha256: new Uint8Array(32).fill(3), size: 1000n, unpackedSize: 4000n }],
  expiresMs: 1_800_000_000_000n,
  sourceCommit: 'ab'.repeat(20),
};

describe('inspectRelease', () => {
  it('decodes the manifest and finds valid signatures by keys in and out of the set', () => {
    const [a, b, c] = [modelKey(0), modelKey(1), modelKey(2)];
    const doc = modelSignDoc(manifest);
    const signatures = [a, b, c]
      .map((k) => ({ publicKey: k.publicKey, signature: new Uint8Array(sign(null, doc, k.key)) }))
      .sort((x, y) => Buffer.compare(x.publicKey, y.publicKey));
    // One signature over other bytes: a signer's valid signature of another manifest must not count.
    const forged = { ...(signatures[1] as (typeof signatures)[number]) };
    forged.signature = new Uint8Array(sign(null, modelSignDoc({ ...manifest, version: '9.9.9' }), b.key));
    const hex = toHex(encode('babychain.v0.SignedManifest', { manifest, signatures }));
    const set = [toHex(a.publicKey), toHex(b.publicKey)];

    const report = inspectRelease(hex, set);
    expect(report.manifest).toEqual({
      chainId: 'babychain-dev-1',
      planName: 'v2',
      version: '0.2.0',
      expiresMs: 1_800_000_000_000n,
      sourceCommit: 'ab'.repeat(20),
      artifacts: [{ platform: 'linux-x64', sha256: '03'.repeat(32), size: 1000n, unpackedSize: 4000n }],
    });
    expect(report.signatures.map((s) => [s.publicKey, s.valid, s.inSignerSet])).toEqual(
      signatures.map((s) => [toHex(s.publicKey), true, set.includes(toHex(s.publicKey))]),
    );
    expect(report.validInSet).toBe(2);

    const withForged = signatures.map((s, i) => (i === 1 ? forged : s));
    const bad = inspectRelease(toHex(encode('babychain.v0.SignedManifest', { manifest, signatures: withForged })), set);
    expect(bad.signatures[1]).toMatchObject({ valid: false, problem: 'SIG_MISMATCH' });
    expect(bad.signatures.filter((s) => s.valid)).toHaveLength(2);
  });

  it('agrees with the REL-4 vectors on which signatures verify and which keys are signers', () => {
    const file = join(import.meta.dirname, '../../../test-vectors/governance/release-manifests.json');
    const cases = (JSON.parse(readFileSync(file, 'utf8')) as { cases: VectorCase[] }).cases;
    const byId = (id: string) => cases.find((c) => c.id === id) as VectorCase;
    const inspect = (c: VectorCase) => inspectRelease(c.input.signedManifest, c.input.signers);

    const good = inspect(byId('rel-valid-two-of-three'));
    expect(good.manifest?.version).toBe('1.1.0');
    expect(good.signatures.map((s) => [s.valid, s.inSignerSet])).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(inspect(byId('rel-bad-signature')).signatures.some((s) => !s.valid)).toBe(true);
    expect(inspect(byId('rel-signature-of-another-manifest')).signatures.some((s) => !s.valid)).toBe(true);
    const unknown = inspect(byId('rel-unknown-signer'));
    expect(unknown.signatures.some((s) => !s.inSignerSet)).toBe(true);
    expect(unknown.validInSet).toBeLessThan(unknown.signatures.length);
  });

  it('reports a signed manifest without a manifest as nothing to verify, and undecodable bytes by code', () => {
    const { publicKey } = modelKey(0);
    const empty = toHex(
      encode('babychain.v0.SignedManifest', { signatures: [{ publicKey, signature: new Uint8Array(64) }] }),
    );
    expect(inspectRelease(empty, [toHex(publicKey)])).toEqual({
      manifest: null,
      signatures: [{ publicKey: toHex(publicKey), valid: false, problem: 'REL_BAD_MANIFEST', inSignerSet: true }],
      validInSet: 0,
    });
    expect(() => inspectRelease('ff', [])).toThrow(expect.objectContaining({ code: expect.stringMatching(/^CODEC_/) }));
  });
});

interface VectorCase {
  readonly id: string;
  readonly input: { readonly signedManifest: string; readonly signers: string[] };
}
