// `baby completion bash|zsh|fish`: each script is printed by the real CLI and run in its real shell, which is asked
// to complete partial command lines. zsh and fish are skipped, saying so, where they are not installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = join(import.meta.dirname, 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'baby-completion-'));

function script(shell: string): string {
  const path = join(dir, `baby.${shell}`);
  writeFileSync(path, execFileSync(process.execPath, [MAIN, 'completion', shell], { encoding: 'utf8' }));
  return path;
}

function installed(shell: string): boolean {
  const found = spawnSync(shell, ['-c', 'exit 0']).status === 0;
  if (!found) console.warn(`${shell} is not installed: its completion test is skipped`);
  return found;
}

/** What bash completes for the words typed so far (the last one being completed). */
function bashComplete(path: string, words: string[]): string[] {
  const program = `source '${path}'; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${
    words.length - 1
  }; _baby; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', program], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('baby completion', () => {
  it('bash: completes commands, subcommands and each command its own options', () => {
    const path = script('bash');
    expect(bashComplete(path, ['baby', ''])).toEqual(
      expect.arrayContaining(['keys', 'tx', 'query', 'gov', 'status', 'completion']),
    );
    expect(bashComplete(path, ['baby', 'tx', 'se'])).toEqual(['send']);
    expect(bashComplete(path, ['baby', 'tx', 'send', '--ge'])).toEqual(['--generate-only']);
    expect(bashComplete(path, ['baby', '--home', '/tmp/h', 'tx', 'send', '--dr'])).toEqual(['--dry-run']);
    expect(bashComplete(path, ['baby', 'keys', 'show', '-'])).toEqual(
      expect.arrayContaining(['-a', '--address', '--home', '--json', '--help']),
    );
    expect(bashComplete(path, ['baby', 'gov', 'vote', '--dr'])).toEqual(['--dry-run']);
    // options of one command are not offered for another
    expect(bashComplete(path, ['baby', 'query', 'tx', '--ge'])).toEqual([]);
  });

  it.skipIf(!installed('zsh'))('zsh: the same, through compadd', () => {
    const path = script('zsh');
    const complete = (line: string) => {
      const words = line.split(' ');
      const program = [
        'compadd() { [[ "$1" == "--" ]] && shift; print -l -- "$@"; }',
        // an external command must still run inside the completion function: $path is zsh's PATH
        '_files() { command -v ls >/dev/null && print FILES; }',
        'compdef() { :; }',
        `source '${path}'`,
        `words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}`,
        '_baby',
      ].join('\n');
      return execFileSync('zsh', ['-f', '-c', program], { encoding: 'utf8' }).split('\n').filter(Boolean);
    };
    expect(complete('baby tx ')).toEqual(expect.arrayContaining(['send', 'sign', 'multisign', 'broadcast']));
    expect(complete('baby tx send --')).toEqual(expect.arrayContaining(['--dry-run', '--generate-only', '--home']));
    expect(complete('baby tx send alice ')).toEqual(['FILES']);
  });

  it.skipIf(!installed('fish'))('fish: the same, through complete -C', () => {
    const path = script('fish');
    const complete = (line: string) =>
      execFileSync('fish', ['--no-config', '-c', `source '${path}'; complete -C '${line}'`], { encoding: 'utf8' })
        .split('\n')
        .map((l) => l.split('\t')[0] as string)
        .filter(Boolean);
    expect(complete('baby tx se')).toEqual(['send']);
    expect(complete('baby keys show -')).toEqual(expect.arrayContaining(['-a', '--address']));
  });

  it('refuses a shell it does not know, naming the choices', () => {
    const run = spawnSync(process.execPath, [MAIN, 'completion', 'tcsh'], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/bash, zsh, fish/);
  });
});
