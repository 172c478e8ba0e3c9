import { readFileSync } from 'node:fs';
import { BabyClient } from '@babychain/client';
import { BabyError, fromHex, sha256, toHex } from '@babychain/codec';
import { DEFAULT_ADDRESS_PREFIX, Keyring } from '@babychain/crypto';
import {
  artifactFor,
  currentPlatform,
  type ManifestContext,
  signManifest,
  verifyArtifactBytes,
  verifyManifest,
  withSignature,
} from '@babychain/upgrade';
import { Command } from 'commander';
import { NODE_ENV, withNodeOption } from '../chain.ts';
import { CliErrorCode } from '../errors.ts';
import { keyringDir, resolveHome } from '../home.ts';
import type { CliIo } from '../io.ts';
import { printResult } from '../output.ts';
import { buildRelease, OWN_REPOSITORY } from '../release/build.ts';
import {
  createManifest,
  manifestSummary,
  parseDuration,
  readManifestFile,
  writeManifestFile,
} from '../release/manifest-file.ts';
import { readPassphrase } from '../secrets.ts';

interface VerifyOptions {
  artifact: string[];
  signers?: string;
  threshold?: number;
  chainId?: string;
  plan?: string;
  currentVersion?: string;
  platform: string;
  node?: string;
}

/**
 * What `release verify` checks a manifest against: each value given, the rest read from a node (its chain id, the
 * scheduled plan, GOV-3's version in force, the signer set in force). Never the manifest's own claims: a check that
 * took them from the manifest would pass a manifest for another chain or plan.
 */
async function verifyContext(opts: VerifyOptions, cmd: Command, io: CliIo): Promise<Omit<ManifestContext, 'nowMs'>> {
  const given = {
    chainId: opts.chainId,
    planName: opts.plan,
    currentVersion: opts.currentVersion,
    signers: opts.signers === undefined ? undefined : parseSigners(opts.signers),
    threshold: opts.threshold,
  };
  const missing = Object.entries({
    '--chain-id': given.chainId,
    '--plan': given.planName,
    '--current-version': given.currentVersion,
    '--signers': given.signers,
    '--threshold': given.threshold,
  })
    .filter(([, v]) => v === undefined)
    .map(([flag]) => flag);
  if (missing.length === 0) return given as Omit<ManifestContext, 'nowMs'>;
  const url = cmd.optsWithGlobals<{ node?: string }>().node ?? io.env[NODE_ENV];
  if (url === undefined) {
    throw new BabyError(
      CliErrorCode.BAD_ARGUMENT,
      `give ${missing.join(', ')}, or --node <url> to read them from a node of the chain`,
      { missing },
    );
  }
  const gov = await new BabyClient({ url }).upgrade();
  const planName = given.planName ?? gov.governance.plan?.name;
  if (planName === undefined) {
    throw new BabyError(CliErrorCode.BAD_ARGUMENT, `${url} has no plan scheduled: give --plan`);
  }
  return {
    chainId: given.chainId ?? gov.chainId,
    planName,
    currentVersion: given.currentVersion ?? gov.governance.versionInForce,
    signers: given.signers ?? gov.governance.releaseSigners.map((k) => fromHex(k)),
    threshold: given.threshold ?? gov.governance.releaseThreshold,
  };
}

interface GlobalOptions {
  home?: string;
  json?: boolean;
  prefix?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const nonNegative = (what: string) => (value: string) => {
  const n = Number(value);
  if (!/^\d{1,9}$/.test(value) || !Number.isSafeInteger(n)) {
    throw new BabyError(CliErrorCode.BAD_ARGUMENT, `${what} ${JSON.stringify(value)} is not a non-negative integer`);
  }
  return n;
};

function readArtifactFile(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    throw new BabyError(CliErrorCode.BAD_FILE, `cannot read ${path}: ${(err as Error).message}`, { path });
  }
}

function parseSigners(text: string): Uint8Array[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((hex) => {
      if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
        throw new BabyError(CliErrorCode.BAD_ARGUMENT, `signer "${hex}" is not a 32-byte public key in hex`);
      }
      return fromHex(hex);
    });
}

/** `baby release …`: build, describe, sign and check release artifacts (specs/governance.md REL-1..REL-6). */
export function releaseCommand(io: CliIo): Command {
  const release = new Command('release').description(
    'build reproducible release artifacts and create, sign and verify their manifests',
  );

  release
    .command('build')
    .description('bundle the node of a source tree into a reproducible artifact (REL-5, REL-6)')
    .option('--source <dir>', 'a git checkout of the source to build', OWN_REPOSITORY)
    .requiredOption('--out <file>', 'where to write the artifact (.tar.gz)')
    .option('--version <x.y.z>', 'the release version (default: packages/node/package.json of the source)')
    .option('--app-version <n>', 'the app version the release implements', nonNegative('--app-version'), 0)
    .option('--allow-dirty', 'build even when tracked files differ from the commit', false)
    .action(
      async (
        opts: { source: string; out: string; version?: string; appVersion: number; allowDirty: boolean },
        cmd: Command,
      ) => {
        const json = cmd.optsWithGlobals<GlobalOptions>().json === true;
        const started = performance.now();
        const built = await buildRelease({
          source: opts.source,
          out: opts.out,
          appVersion: opts.appVersion,
          allowDirty: opts.allowDirty,
          ...(opts.version === undefined ? {} : { version: opts.version }),
        });
        const { path, sha256: digest, size, version, platform, sourceCommit } = built;
        if (json) printResult(io.stdout, true, { path, sha256: digest, size, version, platform, sourceCommit });
        else {
          printResult(io.stdout, false, { path, sha256: digest, size, version, platform, sourceCommit });
          io.stderr.write(`built in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
        }
      },
    );

  release
    .command('manifest')
    .description('write an unsigned manifest (SignedManifest JSON) for built artifacts')
    .requiredOption('--artifact <file>', 'an artifact from release build (repeat for each platform)', collect, [])
    .requiredOption('--plan <name>', 'the upgrade plan the release is for')
    .requiredOption('--chain-id <id>', 'the chain the release is for')
    .option('--version <x.y.z>', "the release version (default: the artifacts')")
    .requiredOption('--expires-in <duration>', 'how long signatures stay usable: 90s, 30m, 12h, 7d')
    .requiredOption('--out <file>', 'where to write the manifest')
    .action(
      async (
        opts: { artifact: string[]; plan: string; chainId: string; version?: string; expiresIn: string; out: string },
        cmd: Command,
      ) => {
        const expiresMs = BigInt(Date.now()) + parseDuration(opts.expiresIn);
        const signed = await createManifest({
          chainId: opts.chainId,
          planName: opts.plan,
          expiresMs,
          artifacts: opts.artifact.map((path) => ({ path, bytes: readArtifactFile(path) })),
          ...(opts.version === undefined ? {} : { version: opts.version }),
        });
        writeManifestFile(opts.out, signed);
        printResult(io.stdout, cmd.optsWithGlobals<GlobalOptions>().json === true, {
          path: opts.out,
          ...manifestSummary(signed),
        });
      },
    );

  release
    .command('sign')
    .description("add a release signer's signature to a manifest file (REL-3)")
    .argument('<manifest>', 'the manifest file; rewritten with the signature added')
    .requiredOption('--key <name>', 'the signing key in the keyring')
    .action(async (file: string, opts: { key: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const keyring = new Keyring(
        keyringDir(resolveHome(globals.home, io.env)),
        globals.prefix ?? DEFAULT_ADDRESS_PREFIX,
      );
      const signed = readManifestFile(file);
      if (signed.manifest === undefined) throw new BabyError(CliErrorCode.BAD_FILE, `${file} has no manifest`);
      const key = keyring.get(opts.key);
      if (key.kind !== 'ed25519') {
        throw new BabyError(
          CliErrorCode.BAD_ARGUMENT,
          `--key "${key.name}" is a multisig key; release signers sign alone`,
        );
      }
      const secret = await keyring.unlock(key.name, await readPassphrase(io, 'unlock'));
      let updated: typeof signed;
      try {
        updated = withSignature(signed, signManifest(signed.manifest, secret.seed));
      } finally {
        secret.seed.fill(0);
      }
      writeManifestFile(file, updated);
      printResult(io.stdout, globals.json === true, { path: file, signer: key.publicKey, ...manifestSummary(updated) });
    });

  withNodeOption(
    release
      .command('verify')
      .description(
        'check a manifest (REL-4) and artifacts against it (REL-5) as a chain would; prints OK or the failing REL_ code',
      )
      .argument('<manifest>', 'the manifest file')
      .option('--artifact <file>', 'an artifact to check against the manifest (repeatable)', collect, [])
      .option(
        '--signers <hex,...>',
        "the release signer set: public keys in hex, comma-separated (default: the node's)",
      )
      .option('--threshold <n>', "signatures required (default: the node's)", nonNegative('--threshold'))
      .option('--chain-id <id>', "the chain's id (default: the node's)")
      .option('--plan <name>', "the plan's name (default: the node's scheduled plan)")
      .option('--current-version <x.y.z>', 'the version in force, GOV-3 ("" before any; default: the node\'s)')
      .option(
        '--platform <os-arch>',
        'the platform of artifacts whose digest the manifest does not list',
        currentPlatform(),
      ),
  ).action(async (file: string, opts: VerifyOptions, cmd: Command) => {
    const signed = readManifestFile(file);
    const ctx = await verifyContext(opts, cmd, io);
    const manifest = verifyManifest(signed, { ...ctx, nowMs: BigInt(Date.now()) });
    const checked: string[] = [];
    for (const path of opts.artifact) {
      const bytes = readArtifactFile(path);
      const digest = sha256(bytes);
      // An artifact is checked against the entry with its digest, else the one for --platform, whose
      // check then says how it differs.
      const entry =
        manifest.artifacts.find((a) => toHex(a.sha256) === toHex(digest)) ?? artifactFor(manifest, opts.platform);
      if (entry === undefined) {
        throw new BabyError(
          CliErrorCode.BAD_ARTIFACT,
          `${path}: the manifest lists no artifact with its digest and none for ${opts.platform}`,
          { path },
        );
      }
      verifyArtifactBytes(bytes, entry);
      checked.push(`${path} (${entry.platform})`);
    }
    const json = cmd.optsWithGlobals<GlobalOptions>().json === true;
    if (json) {
      printResult(io.stdout, true, {
        ok: true,
        version: manifest.version,
        signatures: signed.signatures.length,
        artifacts: checked,
      });
    } else {
      io.stdout.write(
        `OK ${manifest.version} for ${manifest.planName} on ${manifest.chainId}: ${signed.signatures.length} signature(s)${checked.length > 0 ? `, ${checked.join(', ')}` : ''}\n`,
      );
    }
  });

  return release;
}
