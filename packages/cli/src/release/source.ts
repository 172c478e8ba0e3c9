/** The commit a release is built from: only a clean tree names what it contains (REL-6). */
import { execFileSync } from 'node:child_process';
import { BabyError } from '@babychain/codec';
import { CliErrorCode } from '../errors.ts';

function git(dir: string, args: readonly string[]): string {
  try {
    return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? (err as Error).message).trim();
    throw new BabyError(
      CliErrorCode.BAD_SOURCE,
      `${dir} is not a git checkout with a commit (git ${args[0]}: ${stderr})`,
      {
        source: dir,
      },
    );
  }
}

/** HEAD of `dir`; CLI_DIRTY_SOURCE when tracked files differ from it, unless `allowDirty`. */
export function sourceCommit(dir: string, allowDirty: boolean): string {
  const commit = git(dir, ['rev-parse', 'HEAD']);
  if (!/^[0-9a-f]{40}$/.test(commit)) {
    throw new BabyError(CliErrorCode.BAD_SOURCE, `git rev-parse HEAD in ${dir} printed "${commit}", not a commit id`);
  }
  if (!allowDirty) {
    // Staged and unstaged changes alike; a touched file with unchanged content is not a change.
    const changed = git(dir, ['diff', '--name-only', 'HEAD', '--']);
    if (changed !== '') {
      const files = changed.split('\n');
      throw new BabyError(
        CliErrorCode.DIRTY_SOURCE,
        `${dir} has uncommitted changes to ${files.length} tracked file(s) (${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''}); commit them or pass --allow-dirty`,
        { source: dir, files },
      );
    }
  }
  return commit;
}
