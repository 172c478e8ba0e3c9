/**
 * The launcher's files under the node home (specs/governance.md LCH-1) and the durable writes they need: every
 * file that decides what runs next is written to a temp file, fsynced, renamed and its directory fsynced.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { upgradeReportPath } from '@babychain/upgrade';
import { writeFileDurable } from '@babychain/util';

export interface LauncherPaths {
  readonly home: string;
  readonly data: string;
  readonly config: string;
  readonly validatorKey: string;
  readonly genesis: string;
  readonly root: string;
  readonly releases: string;
  readonly current: string;
  readonly artifacts: string;
  readonly downloads: string;
  /** the default backup directory: `<plan>/data` before each switch, `<plan>/failed-<ms>` after a rollback */
  readonly backups: string;
  readonly report: string;
  /** the release verified and unpacked for the scheduled plan, and whether SignalReady went out */
  readonly prepared: string;
  /** LCH-7: the switch in progress or the last one, so that a launcher killed at any instant resumes it */
  readonly journal: string;
  /** the pid of the node the launcher started, so that a restarted launcher never runs two */
  readonly childPid: string;
  /** LCH-9: artifacts an operator registered by hand, `<plan>.tar.gz` */
  readonly added: string;
}

export function launcherPaths(home: string): LauncherPaths {
  const root = join(home, 'launcher');
  return {
    home,
    data: join(home, 'data'),
    config: join(home, 'config.json'),
    validatorKey: join(home, 'priv_validator_key.json'),
    genesis: join(home, 'genesis.json'),
    root,
    releases: join(root, 'releases'),
    current: join(root, 'current'),
    artifacts: join(root, 'artifacts'),
    downloads: join(root, 'downloads'),
    backups: join(root, 'backups'),
    report: upgradeReportPath(home),
    prepared: join(root, 'prepared.json'),
    journal: join(root, 'switch.json'),
    childPid: join(root, 'node.pid'),
    added: join(root, 'added'),
  };
}

export function ensureLayout(paths: LauncherPaths): void {
  for (const dir of [paths.releases, paths.artifacts, paths.downloads, paths.backups, paths.added]) {
    mkdirSync(dir, { recursive: true });
  }
}

export function writeJsonDurable(path: string, value: unknown): void {
  writeFileDurable(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** The parsed JSON file, undefined when it does not exist. */
export function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as unknown;
}

/** LCH-1: the running release's version, undefined before anything is installed. */
export function readCurrent(paths: LauncherPaths): string | undefined {
  try {
    const text = readFileSync(paths.current, 'utf8').trim();
    return text === '' ? undefined : text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function writeCurrent(paths: LauncherPaths, version: string): void {
  writeFileDurable(paths.current, `${version}\n`);
}
