/**
 * Manifest files as the release commands pass them between people: a SignedManifest in its canonical JSON form
 * (`babychain.v0.SignedManifest`), written by `release manifest`, extended by `release sign`, read by `verify`.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Artifact, SignedManifest } from '@babychain/codec';
import { BabyError, fromJson, isBabyError, toHex, toJson } from '@babychain/codec';
import { describeArtifact, parseVersion, type ReleaseInfo } from '@babychain/upgrade';
import { CliErrorCode } from '../errors.ts';
import { releaseInfoOf } from './release-info.ts';

const UNIT_MS: Readonly<Record<string, bigint>> = { s: 1_000n, m: 60_000n, h: 3_600_000n, d: 86_400_000n };

/** `90s`, `30m`, `12h`, `7d` in milliseconds. */
export function parseDuration(text: string): bigint {
  const m = /^([1-9][0-9]{0,9})([smhd])$/.exec(text.trim());
  if (m === null) {
    throw new BabyError(CliErrorCode.BAD_ARGUMENT, `duration "${text}" is not a number followed by s, m, h or d (7d)`);
  }
  return BigInt(m[1] as string) * (UNIT_MS[m[2] as string] as bigint);
}

export function readManifestFile(path: string): SignedManifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new BabyError(CliErrorCode.BAD_FILE, `cannot read ${path}: ${(err as Error).message}`, { path });
  }
  try {
    return fromJson('babychain.v0.SignedManifest', JSON.parse(text));
  } catch (err) {
    const reason = isBabyError(err) ? `${err.code}: ${err.message}` : (err as Error).message;
    throw new BabyError(CliErrorCode.BAD_FILE, `${path} is not a SignedManifest in JSON (${reason})`, { path });
  }
}

/** Written beside and renamed over, so a reader never sees half a manifest. */
export function writeManifestFile(path: string, signed: SignedManifest): void {
  const partial = `${path}.partial`;
  writeFileSync(partial, `${JSON.stringify(toJson('babychain.v0.SignedManifest', signed), null, 2)}\n`);
  renameSync(partial, path);
}

export interface ArtifactFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface NewManifest {
  readonly chainId: string;
  readonly planName: string;
  /** default: the artifacts' version */
  readonly version?: string;
  readonly expiresMs: bigint;
  readonly artifacts: readonly ArtifactFile[];
}

/**
 * An unsigned manifest for artifacts built by `release build`: platform, digest and size from each artifact,
 * version and source commit from their release.json, which must agree with each other (and with `version`).
 */
export async function createManifest(input: NewManifest): Promise<SignedManifest> {
  if (input.artifacts.length === 0) throw new BabyError(CliErrorCode.BAD_ARGUMENT, 'give at least one --artifact');
  const described: { file: ArtifactFile; info: ReleaseInfo }[] = [];
  for (const file of input.artifacts) {
    let info: ReleaseInfo;
    try {
      info = await releaseInfoOf(file.bytes);
    } catch (err) {
      if (isBabyError(err)) throw new BabyError(err.code, `${file.path}: ${err.message}`, { path: file.path });
      throw err;
    }
    described.push({ file, info });
  }
  const first = (described[0] as { info: ReleaseInfo }).info;
  const version = input.version ?? first.version;
  parseVersion(version);
  for (const { file, info } of described) {
    const mismatch =
      info.version !== version
        ? `is version ${info.version}, not ${version}`
        : info.sourceCommit !== first.sourceCommit
          ? `was built from ${info.sourceCommit}, ${described[0]?.file.path} from ${first.sourceCommit}`
          : described.some((d) => d.file !== file && d.info.platform === info.platform)
            ? `is not the only ${info.platform} artifact`
            : undefined;
    if (mismatch !== undefined) {
      throw new BabyError(CliErrorCode.BAD_ARTIFACT, `${file.path} ${mismatch}`, { path: file.path });
    }
  }
  const artifacts: Artifact[] = described
    .map(({ file, info }) => describeArtifact(file.bytes, info.platform))
    .sort((a, b) => (a.platform < b.platform ? -1 : 1));
  return {
    manifest: {
      chainId: input.chainId,
      planName: input.planName,
      version,
      artifacts,
      expiresMs: input.expiresMs,
      sourceCommit: first.sourceCommit,
    },
    signatures: [],
  };
}

/** What `release manifest` and `release sign` print about a manifest. */
export function manifestSummary(signed: SignedManifest): Record<string, unknown> {
  const m = signed.manifest;
  return {
    chainId: m?.chainId,
    plan: m?.planName,
    version: m?.version,
    sourceCommit: m?.sourceCommit,
    expiresMs: m?.expiresMs,
    artifacts:
      m?.artifacts.map((a) => `${a.platform} ${toHex(a.sha256)} ${a.size} (unpacks to ${a.unpackedSize})`) ?? [],
    signatures: signed.signatures.map((s) => toHex(s.publicKey)),
  };
}
