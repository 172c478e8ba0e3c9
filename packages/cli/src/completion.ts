/**
 * `baby completion bash|zsh|fish`: a completion script for the shell, generated from the command tree itself, so
 * that it never lists a command or option the CLI does not have. The script is static (a table of command paths,
 * their subcommands and their options): pressing TAB starts no Node process.
 */

import { Argument, Command } from 'commander';
import type { CliIo } from './io.ts';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface PathEntry {
  /** the subcommands' names from the root, space-separated ('' for the root) */
  readonly path: string;
  readonly subcommands: readonly string[];
  /** its own options and every ancestor's (commander accepts global options anywhere) */
  readonly options: readonly string[];
}

function flagsOf(cmd: Command): string[] {
  const flags = cmd.options.flatMap((o) => [o.long, o.short]).filter((f): f is string => f !== undefined);
  return [...flags, '--help'];
}

function table(root: Command): PathEntry[] {
  const out: PathEntry[] = [];
  const walk = (cmd: Command, path: string, inherited: readonly string[]) => {
    const options = [...new Set([...inherited, ...flagsOf(cmd)])];
    out.push({ path, subcommands: cmd.commands.map((c) => c.name()), options });
    for (const sub of cmd.commands) walk(sub, path === '' ? sub.name() : `${path} ${sub.name()}`, options);
  };
  walk(root, '', []);
  return out;
}

/** A shell `case` over the command paths, printing one list per path. */
function caseTable(entries: readonly PathEntry[], pick: (e: PathEntry) => readonly string[], indent: string): string {
  return entries.map((e) => `${indent}"${e.path}") echo "${pick(e).join(' ')}" ;;`).join('\n');
}

/** `_<name>_subcommands <path>` and `_<name>_options <path>`: the table, as bash and zsh both read it. */
function lookups(name: string, entries: readonly PathEntry[]): string {
  return `_${name}_subcommands() {
  case "$1" in
${caseTable(entries, (e) => e.subcommands, '    ')}
  esac
}
_${name}_options() {
  case "$1" in
${caseTable(entries, (e) => e.options, '    ')}
  esac
}`;
}

function bash(name: string, entries: readonly PathEntry[]): string {
  return `# bash completion for ${name}: source <(${name} completion bash), or save it in
# /etc/bash_completion.d/${name} or ~/.local/share/bash-completion/completions/${name}
${lookups(name, entries)}
_${name}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmdpath="" word i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    if [[ " $(_${name}_subcommands "$cmdpath") " == *" $word "* ]]; then cmdpath="\${cmdpath:+$cmdpath }$word"; fi
  done
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_${name}_options "$cmdpath")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_${name}_subcommands "$cmdpath")" -- "$cur"))
  fi
}
complete -o default -F _${name} ${name}
`;
}

function zsh(name: string, entries: readonly PathEntry[]): string {
  return `#compdef ${name}
# zsh completion for ${name}: save it as _${name} in a directory of $fpath, or source <(${name} completion zsh)
# after compinit
${lookups(name, entries)}
_${name}() {
  local cmdpath="" word i subs
  for ((i = 2; i < CURRENT; i++)); do
    word="\${words[i]}"
    [[ "$word" == -* ]] && continue
    if [[ " $(_${name}_subcommands "$cmdpath") " == *" $word "* ]]; then cmdpath="\${cmdpath:+$cmdpath }$word"; fi
  done
  if [[ "\${words[CURRENT]}" == -* ]]; then
    compadd -- \${=$(_${name}_options "$cmdpath")}
  else
    subs="$(_${name}_subcommands "$cmdpath")"
    if [[ -n "$subs" ]]; then compadd -- \${=subs}; else _files; fi
  fi
}
if [[ "$funcstack[1]" == "_${name}" ]]; then _${name} "$@"; else compdef _${name} ${name}; fi
`;
}

function fish(name: string, entries: readonly PathEntry[]): string {
  const sw = (pick: (e: PathEntry) => readonly string[]) =>
    entries.map((e) => `    case '${e.path}'\n        printf '%s\\n' ${pick(e).join(' ')}`).join('\n');
  return `# fish completion for ${name}: ${name} completion fish > ~/.config/fish/completions/${name}.fish
function __${name}_subcommands
    switch "$argv[1]"
${sw((e) => e.subcommands)}
    end
end
function __${name}_options
    switch "$argv[1]"
${sw((e) => e.options)}
    end
end
function __${name}_path
    set -l path
    for word in (commandline -opc)[2..-1]
        string match -q -- '-*' $word; and continue
        if contains -- $word (__${name}_subcommands (string join ' ' $path))
            set -a path $word
        end
    end
    string join ' ' $path
end
function __${name}_candidates
    set -l path (__${name}_path)
    if string match -q -- '-*' (commandline -ct)
        __${name}_options "$path"
    else
        __${name}_subcommands "$path"
    end
end
complete -c ${name} -f -a '(__${name}_candidates)'
complete -c ${name} -n 'test -z "$(__${name}_subcommands (__${name}_path))"' -F
`;
}

export function completionScript(root: Command, shell: Shell): string {
  const entries = table(root);
  const name = root.name();
  return shell === 'bash' ? bash(name, entries) : shell === 'zsh' ? zsh(name, entries) : fish(name, entries);
}

/** `completion <shell>`; `root` is the whole program, read when the command runs so that it lists every command. */
export function completionCommand(io: CliIo, root: () => Command): Command {
  return (
    new Command('completion')
      .description('print a shell completion script: bash, zsh or fish')
      .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
      .addHelpText(
        'after',
        '\nExamples:\n  source <(baby completion bash)\n  baby completion fish > ~/.config/fish/completions/baby.fish',
      )
      // commander refuses any other shell, naming the choices
      .action((shell: Shell) => {
        io.stdout.write(completionScript(root(), shell));
      })
  );
}
