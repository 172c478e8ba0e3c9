/**
 * Release manifests (specs/governance.md REL-1..REL-5): signing by release signers and the verification that
 * consensus runs on a plan and a launcher runs again before it unpacks anything.
 */
import { gunzipSync } from 'node:zlib';
import type { Artifact, ManifestSignature, ReleaseManifest, SignedManifest } from '@babychain/codec';
import { bytesEqual, compareBytes, ruleError as fail, manifestSignBytes, sha256, toHex } from '@babychain/codec';
import { publicKeyFromSeed, sign, verifyDetailed } from '@babychain/crypto';
import { compareVersions, parseVersion } from '@babychain/state';
import { ReleaseErrorCode } from './errors.ts';

// REL-3's sign bytes live in codec, so that the client verifies signatures in a browser against the same bytes.
export { manifestSignBytes, RELEASE_SIGN_DOMAIN } from '@babychain/codec';
/** REL-1: the download cap, 256 MiB. */
export const MAX_ARTIFACT_BYTES = 268_435_456;
/** REL-1: the most an artifact may unpack to, 1 GiB. */
export const MAX_UNPACKED_BYTES = 1_073_741_824;
/** REL-1: the most an artifact may unpack to per byte of it: a gzip bomb cannot be signed into a plan. */
export const MAX_UNPACK_RATIO = 32;
const SOURCE_COMMIT = /^[0-9a-f]{40}$/;
const PLATFORM = /^[a-z0-9]+-[a-z0-9]+$/;

/** What a manifest is checked against (REL-4). */
export interface ManifestContext {
  readonly chainId: string;
  readonly planName: string;
  /** the release version in force ("" before any upgrade) */
  readonly currentVersion: string;
  /** Unix ms: the block time for consensus, the wall clock for a launcher */
  readonly nowMs: bigint;
  readonly signers: readonly Uint8Array[];
  readonly threshold: number;
}

/** One release signer's signature over `manifest`. */
export function signManifest(manifest: ReleaseManifest, seed: Uint8Array): ManifestSignature {
  return { publicKey: publicKeyFromSeed(seed), signature: sign(seed, manifestSignBytes(manifest)) };
}

/** `signed` with `signature` added (or replacing the same key's), keeping REL-3's ascending key order. */
export function withSignature(signed: SignedManifest, signature: ManifestSignature): SignedManifest {
  const others = signed.signatures.filter((s) => !bytesEqual(s.publicKey, signature.publicKey));
  const signatures = [...others, signature].sort((a, b) => compareBytes(a.publicKey, b.publicKey));
  return { ...(signed.manifest === undefined ? {} : { manifest: signed.manifest }), signatures };
}

/** REL-4, in the spec's order; throws the first failure's REL_* BabyError. */
export function verifyManifest(signed: SignedManifest, ctx: ManifestContext): ReleaseManifest {
  const manifest = signed.manifest;
  if (manifest === undefined) throw fail(ReleaseErrorCode.BAD_MANIFEST, 'the release has no manifest', 'REL-1');
  if (manifest.chainId !== ctx.chainId || manifest.planName !== ctx.planName) {
    throw fail(
      ReleaseErrorCode.WRONG_PLAN,
      `the manifest is for plan "${manifest.planName}" on "${manifest.chainId}", not "${ctx.planName}" on "${ctx.chainId}"`,
      'REL-4',
    );
  }
  parseVersion(manifest.version);
  if (!SOURCE_COMMIT.test(manifest.sourceCommit)) {
    throw fail(ReleaseErrorCode.BAD_MANIFEST, 'source_commit is not 40 lowercase hex digits', 'REL-1');
  }
  checkArtifacts(manifest.artifacts);
  if (compareVersions(manifest.version, ctx.currentVersion) <= 0) {
    throw fail(
      ReleaseErrorCode.VERSION_NOT_HIGHER,
      `release ${manifest.version} is not above the version in force ${ctx.currentVersion}`,
      'REL-4',
      { version: manifest.version, current: ctx.currentVersion },
    );
  }
  if (ctx.nowMs >= manifest.expiresMs) {
    throw fail(ReleaseErrorCode.EXPIRED, `the manifest expired at ${manifest.expiresMs} (now ${ctx.nowMs})`, 'REL-4', {
      expiresMs: manifest.expiresMs,
    });
  }
  checkSignatures(signed.signatures, manifest, ctx);
  return manifest;
}

function checkArtifacts(artifacts: readonly Artifact[]): void {
  if (artifacts.length === 0) throw fail(ReleaseErrorCode.BAD_ARTIFACT, 'the manifest lists no artifact', 'REL-1');
  let previous = '';
  for (const a of artifacts) {
    if (!PLATFORM.test(a.platform) || a.platform <= previous) {
      throw fail(ReleaseErrorCode.BAD_ARTIFACT, `platform "${a.platform}" is malformed or out of order`, 'REL-1');
    }
    previous = a.platform;
    if (a.sha256.length !== 32) {
      throw fail(
        ReleaseErrorCode.BAD_ARTIFACT,
        `the ${a.platform} digest is ${a.sha256.length} bytes, not 32`,
        'REL-1',
      );
    }
    if (a.size < 1n || a.size > BigInt(MAX_ARTIFACT_BYTES)) {
      throw fail(
        ReleaseErrorCode.BAD_ARTIFACT,
        `the ${a.platform} size ${a.size} is outside 1..${MAX_ARTIFACT_BYTES}`,
        'REL-1',
      );
    }
    const maxUnpacked = BigInt(Math.min(MAX_UNPACKED_BYTES, MAX_UNPACK_RATIO * Number(a.size)));
    if (a.unpackedSize < 1n || a.unpackedSize > maxUnpacked) {
      throw fail(
        ReleaseErrorCode.BAD_ARTIFACT,
        `the ${a.platform} unpacked size ${a.unpackedSize} is outside 1..${maxUnpacked} (at most ${MAX_UNPACK_RATIO} times its size and ${MAX_UNPACKED_BYTES})`,
        'REL-1',
      );
    }
  }
}

function checkSignatures(signatures: readonly ManifestSignature[], manifest: ReleaseManifest, ctx: ManifestContext) {
  for (let i = 1; i < signatures.length; i++) {
    const a = signatures[i - 1] as ManifestSignature;
    const b = signatures[i] as ManifestSignature;
    if (compareBytes(a.publicKey, b.publicKey) >= 0) {
      throw fail(ReleaseErrorCode.SIGNATURES_UNSORTED, 'signatures are not strictly ascending by key', 'REL-4');
    }
  }
  const signBytes = manifestSignBytes(manifest);
  for (const s of signatures) {
    if (!ctx.signers.some((k) => bytesEqual(k, s.publicKey))) {
      throw fail(ReleaseErrorCode.UNKNOWN_SIGNER, `key ${toHex(s.publicKey)} is not a release signer`, 'REL-4', {
        publicKey: toHex(s.publicKey),
      });
    }
  }
  for (const s of signatures) {
    const result = verifyDetailed(s.publicKey, signBytes, s.signature);
    if (!result.ok) {
      throw fail(
        ReleaseErrorCode.BAD_SIGNATURE,
        `the signature of ${toHex(s.publicKey)} does not verify (${result.reason})`,
        'REL-4',
        {
          publicKey: toHex(s.publicKey),
        },
      );
    }
  }
  if (ctx.threshold < 1 || signatures.length < ctx.threshold) {
    throw fail(
      ReleaseErrorCode.TOO_FEW_SIGNATURES,
      `${signatures.length} signatures, the release threshold is ${ctx.threshold}`,
      'REL-4',
      { count: signatures.length, threshold: ctx.threshold },
    );
  }
}

/**
 * REL-1's entry for an artifact's bytes: digest, size and the length of its gunzipped tar stream. Refuses
 * (REL_BAD_ARTIFACT) bytes that are not gzip or that unpack past MAX_UNPACKED_BYTES, without unpacking further.
 */
export function describeArtifact(bytes: Uint8Array, platform: string): Artifact {
  let unpacked: number;
  try {
    unpacked = gunzipSync(bytes, { maxOutputLength: MAX_UNPACKED_BYTES }).length;
  } catch (err) {
    throw fail(
      ReleaseErrorCode.BAD_ARTIFACT,
      `the ${platform} artifact does not gunzip: ${(err as Error).message}`,
      'REL-1',
    );
  }
  return { platform, sha256: sha256(bytes), size: BigInt(bytes.length), unpackedSize: BigInt(unpacked) };
}

/** The manifest's artifact for `platform`, or undefined. */
export function artifactFor(manifest: ReleaseManifest, platform: string): Artifact | undefined {
  return manifest.artifacts.find((a) => a.platform === platform);
}

/** REL-5: size, then SHA-256, before anything is unpacked. */
export function verifyArtifactBytes(bytes: Uint8Array, artifact: Artifact): void {
  if (BigInt(bytes.length) !== artifact.size) {
    throw fail(
      ReleaseErrorCode.WRONG_SIZE,
      `the artifact is ${bytes.length} bytes, the manifest says ${artifact.size}`,
      'REL-5',
      {
        size: bytes.length,
        expected: artifact.size,
      },
    );
  }
  const digest = sha256(bytes);
  if (!bytesEqual(digest, artifact.sha256)) {
    throw fail(
      ReleaseErrorCode.DIGEST_MISMATCH,
      `the artifact's sha256 is ${toHex(digest)}, the manifest says ${toHex(artifact.sha256)}`,
      'REL-5',
      {
        got: toHex(digest),
        expected: toHex(artifact.sha256),
      },
    );
  }
}
