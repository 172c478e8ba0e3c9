#!/usr/bin/env node
/** `baby-launcher`: run, install, status (docs/upgrades.md). */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isBabyError } from '@babychain/codec';
import { installArtifact, installSource, launcherStatus } from './commands.ts';
import { LauncherErrorCode, launcherError } from './errors.ts';
import { Launcher } from './launcher.ts';

const USAGE = `usage:
  baby-launcher run --home H [--node-arg ARG ...]
  baby-launcher install --home H (--artifact FILE.tar.gz | --source REPO_ROOT --version X.Y.Z)
  baby-launcher status --home H`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      home: { type: 'string' },
      'node-arg': { type: 'string', multiple: true },
      artifact: { type: 'string' },
      source: { type: 'string' },
      version: { type: 'string' },
    },
    strict: true,
  });
  if (values.home === undefined) throw launcherError(LauncherErrorCode.BAD_USAGE, `--home is required\n${USAGE}`);
  const home = resolve(values.home);
  switch (command) {
    case 'run': {
      const launcher = new Launcher({ home, nodeArgs: values['node-arg'] ?? [] });
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
    case 'status':
      process.stdout.write(`${JSON.stringify(launcherStatus(home), null, 2)}\n`);
      return 0;
    default:
      throw launcherError(LauncherErrorCode.BAD_USAGE, USAGE);
  }
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
