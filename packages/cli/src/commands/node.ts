import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { BabyError } from '@babychain/codec';
import { BabyNode, initHome, initSoloHome, NODE_VERSION, UPGRADE_EXIT_CODE } from '@babychain/node';
import type { GenesisJson } from '@babychain/state';
import { loadConsole } from '@babychain/web';
import { Command, CommanderError } from 'commander';
import { CliErrorCode } from '../errors.ts';
import { resolveHome } from '../home.ts';
import type { CliIo } from '../io.ts';
import { printResult } from '../output.ts';

interface GlobalOptions {
  home?: string;
  json?: boolean;
}

interface InitOptions {
  moniker: string;
  genesis?: string;
  chainId?: string;
  validator: boolean;
  p2pPort: number;
  rpcPort: number;
  bootstrap: string[];
}

const port = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new BabyError(CliErrorCode.BAD_ARGUMENT, `${value} is not a port number`);
  }
  return n;
};

/** `baby init`: a home directory for a node joining a chain (`--genesis`) or starting a new one-validator chain. */
export function initCommand(io: CliIo): Command {
  return new Command('init')
    .description('create a node home: config, node key, validator key and genesis')
    .requiredOption('--moniker <name>', 'a human-readable name for this node')
    .option('--genesis <file>', 'the genesis file of the chain to join')
    .option('--chain-id <id>', 'start a new chain whose only validator is this node')
    .option('--validator', 'create a validator key (implied by --chain-id)', false)
    .option('--p2p-port <port>', 'libp2p TCP port on 127.0.0.1', port, 26656)
    .option('--rpc-port <port>', 'HTTP RPC port on 127.0.0.1', port, 26657)
    .option('--bootstrap <multiaddr...>', 'peers to connect to (/ip4/…/tcp/…/p2p/…)', [])
    .action(async (opts: InitOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const home = resolveHome(globals.home, io.env);
      if ((opts.genesis === undefined) === (opts.chainId === undefined)) {
        throw new BabyError(CliErrorCode.BAD_ARGUMENT, 'give exactly one of --genesis <file> and --chain-id <id>');
      }
      const common = {
        home,
        moniker: opts.moniker,
        p2pPort: opts.p2pPort,
        rpcPort: opts.rpcPort,
        bootstrap: opts.bootstrap,
      };
      let draft = false;
      let result: Awaited<ReturnType<typeof initHome>>;
      if (opts.genesis === undefined) {
        result = await initSoloHome({
          ...common,
          chainId: opts.chainId as string,
          genesis: { releaseVersion: NODE_VERSION },
        });
      } else {
        const genesis = JSON.parse(await readFile(opts.genesis, 'utf8')) as GenesisJson;
        // GEN-8: an operator inits its home from the ceremony's draft, then signs its submission with the new key
        draft = Array.isArray(genesis.validators) && genesis.validators.length === 0;
        if (draft && !opts.validator) {
          throw new BabyError(
            CliErrorCode.BAD_ARGUMENT,
            `${opts.genesis} is a draft without validators: only a validator joining its ceremony inits from it (--validator)`,
          );
        }
        result = await initHome({
          ...common,
          genesis,
          draft,
          ...(opts.validator ? { validatorSeed: new Uint8Array(randomBytes(32)) } : {}),
        });
      }
      const { validatorSeed: _, ...shown } = result as typeof result & { validatorSeed?: Uint8Array };
      printResult(io.stdout, globals.json === true, {
        home,
        ...shown,
        ...(draft
          ? { next: 'baby genesis add-validator <draft>; put the collected genesis.json here before start' }
          : {}),
      });
    });
}

const MAX_HEIGHT = (1n << 64n) - 1n;

/**
 * `--unsafe-skip-upgrade <height>` (UPG-9), repeatable: a decimal height from 1 to 2^64 − 1. Anything else is refused
 * rather than ignored, since a typo would leave the node halting (or applying) at the plan the operator meant to skip.
 */
export function skipHeight(value: string, previous: readonly bigint[] = []): bigint[] {
  if (!/^[0-9]{1,20}$/.test(value) || BigInt(value) < 1n || BigInt(value) > MAX_HEIGHT) {
    throw new BabyError(
      CliErrorCode.BAD_ARGUMENT,
      `--unsafe-skip-upgrade: ${JSON.stringify(value)} is not a block height (a whole number from 1 to ${MAX_HEIGHT})`,
    );
  }
  return [...previous, BigInt(value)];
}

interface StartOptions {
  unsafeSkipUpgrade: bigint[];
}

/** `baby start`: runs the node in the foreground until SIGINT or SIGTERM. */
export function startCommand(_io: CliIo): Command {
  return new Command('start')
    .description('run the node from its home directory until interrupted')
    .option(
      '--unsafe-skip-upgrade <height>',
      'LAST RESORT (UPG-9, docs/upgrades.md): do not halt for, nor apply, the upgrade plan scheduled at <height>; ' +
        'remove it and keep the app version. Repeatable. Only when validators with more than 2/3 of the power agree',
      skipHeight,
      [],
    )
    .action(async (opts: StartOptions, cmd: Command) => {
      const home = resolveHome(cmd.optsWithGlobals<GlobalOptions>().home, _io.env);
      const node = await BabyNode.open({ home, console: loadConsole, unsafeSkipUpgrades: opts.unsafeSkipUpgrade });
      const halted = await new Promise<boolean>((resolve) => {
        const stop = (upgrade: boolean) => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          void node.close().then(
            () => resolve(upgrade),
            () => resolve(upgrade),
          );
        };
        const onSignal = () => stop(false);
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        void node.halted.then(() => stop(true));
      });
      // UPG-4: status 3 tells a launcher to switch to the release named in data/upgrade-info.json.
      if (halted) {
        throw new CommanderError(
          UPGRADE_EXIT_CODE,
          'UPG_NEEDED',
          'halted at an upgrade height: see data/upgrade-info.json',
        );
      }
    });
}
