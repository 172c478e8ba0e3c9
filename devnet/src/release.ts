// Releases for the devnet's upgrades: a new release is the repository's HEAD plus an overlay directory (the files a
// real release commit would change), committed in a scratch clone so it has a commit id, then built with
// `baby release build` (REL-6) exactly as a validator would rebuild it to attest (UPG-7).
import { execFile } from 'node:child_process';
import { cpSync, createReadStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './devnet.ts';
import { devnetError } from './errors.ts';

const run = promisify(execFile);
const CLI_MAIN = join(REPO_ROOT, 'packages', 'cli', 'src', 'main.ts');
/** The overlays of the demo's releases: devnet/upgrades/<plan>/ mirrors the repository's paths. */
export const OVERLAYS_DIR = join(REPO_ROOT, 'devnet', 'upgrades');

/** A fixed identity and date, so the same overlay on the same HEAD is the same commit on every machine. */
const COMMIT_ENV = {
  GIT_AUTHOR_NAME: 'Babychain devnet',
  GIT_AUTHOR_EMAIL: 'devnet@babychain.invalid',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_NAME: 'Babychain devnet',
  GIT_COMMITTER_EMAIL: 'devnet@babychain.invalid',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
};

export interface BuiltRelease {
  readonly planName: string;
  readonly version: string;
  readonly appVersion: number;
  readonly path: string;
  readonly sha256: string;
  readonly size: bigint;
  readonly platform: string;
  readonly sourceCommit: string;
  /** wall-clock ms of `baby release build` */
  readonly buildMs: number;
}

/** The repository's HEAD commit: what a release is built on. */
export async function headCommit(): Promise<string> {
  return (await run('git', ['-C', REPO_ROOT, 'rev-parse', 'HEAD'])).stdout.trim();
}

/**
 * A scratch clone of `base` with the overlays `devnet/upgrades/<name>/` laid over it in order (a release carries the
 * releases before it) and committed; returns its directory. The last overlay names the release.
 */
export async function releaseSource(workDir: string, overlays: readonly string[], base: string): Promise<string> {
  const planName = overlays.at(-1);
  if (planName === undefined) throw devnetError('DEVNET_BAD_ARGS', 'a release needs at least one overlay');
  const dirs = overlays.map((name) => join(OVERLAYS_DIR, name));
  const missing = dirs.find((d) => !existsSync(d));
  if (missing !== undefined) throw devnetError('DEVNET_BAD_ARGS', `no overlay ${missing}`);
  const dir = join(workDir, `src-${planName}`);
  mkdirSync(workDir, { recursive: true });
  await run('git', ['clone', '--quiet', '--shared', '--no-checkout', REPO_ROOT, dir]);
  await run('git', ['-C', dir, 'checkout', '--quiet', '--detach', base]);
  for (const overlay of dirs) cpSync(overlay, dir, { recursive: true });
  await run('git', ['-C', dir, 'add', '--all']);
  await run('git', ['-C', dir, 'commit', '--quiet', '--no-verify', '-m', `release for plan ${planName}`], {
    env: { ...process.env, ...COMMIT_ENV },
  });
  return dir;
}

/** `baby release build` of `source` into `out`. */
export async function buildRelease(
  source: string,
  out: string,
  release: { planName: string; version: string; appVersion: number },
): Promise<BuiltRelease> {
  const started = Date.now();
  const { stdout } = await run(
    process.execPath,
    [
      CLI_MAIN,
      'release',
      'build',
      '--source',
      source,
      '--out',
      out,
      '--version',
      release.version,
      '--app-version',
      String(release.appVersion),
      '--json',
    ],
    { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  const built = JSON.parse(stdout) as {
    path: string;
    sha256: string;
    size: number | string;
    platform: string;
    sourceCommit: string;
  };
  return {
    ...release,
    path: built.path,
    sha256: built.sha256,
    size: BigInt(built.size),
    platform: built.platform,
    sourceCommit: built.sourceCommit,
    buildMs: Date.now() - started,
  };
}

/** Serves files of `dir` by name (`/<sha256 hex>`), like a release bucket; `close()` takes it down. */
export async function startArtifactServer(
  dir: string,
  options: { trickle?: boolean } = {},
): Promise<{ url: string; server: Server; requests(): number; close(): Promise<void> }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const name = (req.url ?? '/').slice(1);
    const path = join(dir, name);
    if (!/^[0-9a-f]{64}$/.test(name) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    if (options.trickle === true) {
      // A mirror at one byte a second (fault F13's trickling source, docs/architecture.md): never idle, never done.
      const bytes = readFileSync(path);
      let sent = 0;
      const timer = setInterval(() => res.write(bytes.subarray(sent, ++sent)), 1000);
      res.on('close', () => clearInterval(timer));
      return;
    }
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
