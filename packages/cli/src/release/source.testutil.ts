/** A committed copy of this repository's working tree, without node_modules: what a release is built from. */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OWN_REPOSITORY } from './build.ts';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'release test',
  GIT_AUTHOR_EMAIL: 'release@test.invalid',
  GIT_COMMITTER_NAME: 'release test',
  GIT_COMMITTER_EMAIL: 'release@test.invalid',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
};

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', env: GIT_ENV }).trim();
}

/** Copies the tracked and untracked-but-not-ignored files of the repository into `dir` and commits them. */
export function snapshotSource(dir: string): string {
  const listed = execFileSync('git', ['-C', OWN_REPOSITORY, 'ls-files', '-co', '--exclude-standard', '-z'], {
    encoding: 'utf8',
  });
  for (const rel of new Set(listed.split('\0').filter((f) => f !== ''))) {
    const from = join(OWN_REPOSITORY, rel);
    if (!existsSync(from) || !lstatSync(from).isFile()) continue;
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    copyFileSync(from, join(dir, rel));
  }
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'snapshot');
  return git(dir, 'rev-parse', 'HEAD');
}
