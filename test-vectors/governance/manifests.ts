// Release signers and signed manifests for the generators of test-vectors/governance and test-vectors/upgrade,
// built from the protocol's pieces (ManifestSignDoc encoding, ed25519), never with packages/upgrade.
import type { Artifact, ManifestSignature, ReleaseManifest, SignedManifest } from '@babychain/codec';
import { compareBytes, encode, sha256, toHex } from '@babychain/codec';
import { publicKeyFromSeed, sign } from '@babychain/crypto';

export const CHAIN = 'babychain-vectors-1';
export const PLAN = 'v2-upgrade';
export const NOW = 1_700_000_000_000n;
export const DAY = 86_400_000n;

// --- keys: seed n = SHA-256("babychain release signer n") ----------------------------------------------------------
export interface Signer {
  n: number;
  seed: Uint8Array;
  publicKey: Uint8Array;
}
export const signerOf = (n: number): Signer => {
  const seed = sha256(new TextEncoder().encode(`babychain release signer ${n}`));
  return { n, seed, publicKey: publicKeyFromSeed(seed) };
};
// The set in force: three keys, ascending (GOV-2). Key 9 is not in it.
export const [s0, s1, s2] = [0, 1, 2].map(signerOf).sort((a, b) => compareBytes(a.publicKey, b.publicKey)) as [
  Signer,
  Signer,
  Signer,
];
export const outsider = signerOf(9);
export const SIGNERS = [s0, s1, s2].map((s) => toHex(s.publicKey));

// --- manifests ------------------------------------------------------------------------------------------------------
export const artifact = (platform: string, size = 1000n, unpackedSize = 4n * size): Artifact => ({
  platform,
  sha256: sha256(new TextEncoder().encode(`build for ${platform}`)),
  size,
  unpackedSize,
});

export function manifest(over: Partial<ReleaseManifest> = {}): ReleaseManifest {
  return {
    chainId: CHAIN,
    planName: PLAN,
    version: '1.1.0',
    artifacts: [artifact('darwin-arm64'), artifact('linux-x64')],
    expiresMs: NOW + DAY,
    sourceCommit: '0123456789abcdef0123456789abcdef01234567',
    ...over,
  };
}

/** REL-3: a signature over the canonical ManifestSignDoc */
export function signature(m: ReleaseManifest, s: Signer): ManifestSignature {
  const doc = encode('babychain.v0.ManifestSignDoc', { domain: 'babychain/release/v0', manifest: m });
  return { publicKey: s.publicKey, signature: sign(s.seed, doc) };
}

/** signed by `by`, in the given order (callers sort unless the case is about order) */
export function signed(m: ReleaseManifest, by: readonly Signer[]): SignedManifest {
  return { manifest: m, signatures: by.map((s) => signature(m, s)) };
}
export const sorted = (by: readonly Signer[]) => [...by].sort((a, b) => compareBytes(a.publicKey, b.publicKey));
