#!/usr/bin/env node
/** `baby-launcher`: run, install, add-upgrade, status (docs/upgrades.md). */
import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isBabyError } from '@babychain/codec';
import { createLogger } from '@babychain/util';
import { addUpgrade } from './added.ts';
import { installArtifact, installSource, launcherStatus } from './commands.ts';
import { SOURCE_TIMING } from './decisions.ts';
import { LauncherErrorCode, launcherError } from './errors.ts';
import { PRE_UPGRADE_DEFAULTS } from './hook.ts';
import { Launcher } from './launcher.ts';

const USAGE = `usage:
  baby-launcher run --home H [--node-arg ARG ...] [--backup-dir DIR] [--keep-backups N] [--unsafe-skip-backup]
                    [--source-idle MS] [--source-base MS] [--source-min-rate BYTES_PER_S]
                    [--pre-upgrade-hook PATH [--pre-upgrade-retries N] [--pre-upgrade-timeout-ms MS]]
  baby-launcher add-upgrade --home H PLAN --artifact FILE.tar.gz [--force]
  baby-launcher install --home H (--artifact FILE.tar.gz | --source REPO_ROOT --version X.Y.Z)
  baby-launcher status --home H`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      home: { type: 'string' },
      'node-arg': { type: 'string', multiple: true },
      artifact: { type: 'string' },
      source: { type: 'string' },
      version: { type: 'string' },
      'backup-dir': { type: 'string' },
      'keep-backups': { type: 'string' },
      'unsafe-skip-backup': { type: 'boolean' },
      'source-idle': { type: 'string' },
      'source-base': { type: 'string' },
      'source-min-rate': { type: 'string' },
      'pre-upgrade-hook': { type: 'string' },
      'pre-upgrade-retries': { type: 'string' },
      'pre-upgrade-timeout-ms': { type: 'string' },
      force: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.home === undefined) throw launcherError(LauncherErrorCode.BAD_USAGE, `--home is required\n${USAGE}`);
  const home = resolve(values.home);
  // Only add-upgrade takes one (the plan): a stray word elsewhere is a typo, not something to ignore.
  if (positionals.length > (command === 'add-upgrade' ? 1 : 0)) {
    throw launcherError(LauncherErrorCode.BAD_USAGE, `unexpected argument ${positionals.join(' ')}\n${USAGE}`);
  }
  switch (command) {
    case 'run': {
      const keep = values['keep-backups'];
      if (keep !== undefined && !/^[1-9][0-9]{0,3}$/.test(keep)) {
        throw launcherError(LauncherErrorCode.BAD_USAGE, `--keep-backups ${keep} is not a number from 1 to 9999`);
      }
      const launcher = new Launcher({
        home,
        // stdout carries the node's own lines: the launcher's, every level as before, go to stderr, JSON like the node's
        log: createLogger({ level: 'debug', to: 'stderr', bindings: { component: 'launcher' } }),
        nodeArgs: values['node-arg'] ?? [],
        ...(values['backup-dir'] === undefined ? {} : { backupDir: resolve(values['backup-dir']) }),
        ...(keep === undefined ? {} : { keepBackups: Number(keep) }),
        skipBackup: values['unsafe-skip-backup'] === true,
        sources: {
          idleMs: whole(values['source-idle'], '--source-idle', SOURCE_TIMING.idleMs),
          baseMs: whole(values['source-base'], '--source-base', SOURCE_TIMING.baseMs),
          minBytesPerSecond: whole(values['source-min-rate'], '--source-min-rate', SOURCE_TIMING.minBytesPerSecond),
        },
        ...preUpgradeHook(values),
      });
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.on(signal, () => void launcher.stop(signal));
      }
      return launcher.run();
    }
    case 'install': {
      if (values.artifact !== undefined) {
        const release = await installArtifact(home, resolve(values.artifact));
        process.stdout.write(`installed release ${release.info.version} (current)\n`);
        return 0;
      }
      if (values.source !== undefined && values.version !== undefined) {
        const release = installSource(home, resolve(values.source), values.version);
        process.stdout.write(`registered source release ${release.info.version} -> ${release.entryPath} (current)\n`);
        return 0;
      }
      throw launcherError(LauncherErrorCode.BAD_USAGE, `install needs --artifact or --source and --version\n${USAGE}`);
    }
    case 'add-upgrade': {
      const plan = positionals[0];
      if (plan === undefined || values.artifact === undefined) {
        throw launcherError(LauncherErrorCode.BAD_USAGE, `add-upgrade needs a plan name and --artifact\n${USAGE}`);
      }
      const added = addUpgrade(home, plan, resolve(values.artifact), values.force === true);
      process.stdout.write(
        `registered ${added.path} for plan ${plan} (sha256 ${added.sha256}, ${added.size} bytes); it is verified against the plan's manifest when the plan comes\n`,
      );
      return 0;
    }
    case 'status':
      process.stdout.write(`${JSON.stringify(launcherStatus(home), null, 2)}\n`);
      return 0;
    default:
      throw launcherError(LauncherErrorCode.BAD_USAGE, USAGE);
  }
}

/** LCH-10's flags: the hook, its retries (0 to 100) and its timeout per attempt. */
function preUpgradeHook(values: {
  'pre-upgrade-hook'?: string;
  'pre-upgrade-retries'?: string;
  'pre-upgrade-timeout-ms'?: string;
}) {
  const path = values['pre-upgrade-hook'];
  const retries = values['pre-upgrade-retries'];
  const timeout = values['pre-upgrade-timeout-ms'];
  if (path === undefined) {
    if (retries !== undefined || timeout !== undefined) {
      throw launcherError(
        LauncherErrorCode.BAD_USAGE,
        '--pre-upgrade-retries and --pre-upgrade-timeout-ms need --pre-upgrade-hook',
      );
    }
    return {};
  }
  try {
    // A missing or non-executable hook is found now, not at the halt in the middle of the night.
    accessSync(resolve(path), constants.X_OK);
  } catch (err) {
    throw launcherError(LauncherErrorCode.BAD_USAGE, `--pre-upgrade-hook ${path}: ${(err as Error).message}`);
  }
  if (retries !== undefined && !/^(?:[0-9]|[1-9][0-9]|100)$/.test(retries)) {
    throw launcherError(LauncherErrorCode.BAD_USAGE, `--pre-upgrade-retries ${retries} is not a number from 0 to 100`);
  }
  return {
    preUpgradeHook: {
      path: resolve(path),
      retries: retries === undefined ? PRE_UPGRADE_DEFAULTS.retries : Number(retries),
      timeoutMs: whole(timeout, '--pre-upgrade-timeout-ms', PRE_UPGRADE_DEFAULTS.timeoutMs),
      retryDelayMs: PRE_UPGRADE_DEFAULTS.retryDelayMs,
    },
  };
}

/** A flag's whole number from 1 up, or `fallback` when it is not given. */
function whole(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^[1-9][0-9]{0,11}$/.test(text))
    throw launcherError(LauncherErrorCode.BAD_USAGE, `${flag} ${text} is not a whole number`);
  return Number(text);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const code = isBabyError(err) ? `${err.code}: ` : '';
    process.stderr.write(`baby-launcher: ${code}${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
