import { isBabyError } from '@babychain/codec';
import { DEFAULT_ADDRESS_PREFIX } from '@babychain/crypto';
import { Command, CommanderError } from 'commander';
import { genesisCommand } from './commands/genesis.ts';
import { govCommand } from './commands/gov.ts';
import { keysCommand } from './commands/keys.ts';
import { initCommand, startCommand } from './commands/node.ts';
import { queryCommand } from './commands/query.ts';
import { releaseCommand } from './commands/release.ts';
import { statusCommand } from './commands/status.ts';
import { txCommand } from './commands/tx.ts';
import { completionCommand } from './completion.ts';
import type { CliIo } from './io.ts';

export function buildProgram(io: CliIo): Command {
  const program = new Command('baby')
    .description('Babychain node and wallet')
    .option('--home <dir>', 'home directory (default $BABY_HOME or ~/.babychain)')
    .option('--prefix <hrp>', 'address prefix of the chain', DEFAULT_ADDRESS_PREFIX)
    .option('--json', 'print machine-readable JSON');
  program.addCommand(keysCommand(io));
  program.addCommand(initCommand(io));
  program.addCommand(startCommand(io));
  program.addCommand(genesisCommand(io));
  program.addCommand(txCommand(io));
  program.addCommand(queryCommand(io));
  program.addCommand(statusCommand(io));
  program.addCommand(govCommand(io));
  program.addCommand(releaseCommand(io));
  program.addCommand(completionCommand(io, () => program));
  forEachCommand(program, (cmd) =>
    cmd.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) }),
  );
  return program;
}

function forEachCommand(cmd: Command, visit: (cmd: Command) => void): void {
  visit(cmd);
  for (const sub of cmd.commands) forEachCommand(sub, visit);
}

/** Runs the CLI; returns the process exit code. Errors print as `error CODE: message` (JSON with --json). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (isBabyError(err)) {
      if (argv.includes('--json'))
        io.stderr.write(`${JSON.stringify({ error: { code: err.code, message: err.message } })}\n`);
      else io.stderr.write(`error ${err.code}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
