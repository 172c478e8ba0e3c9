// `pnpm devnet <command>`: the local devnet manager (devnet/README.md).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isBabyError } from '@babychain/codec';
import { parseGroups, parseIndex, parseIntFlag } from './args.ts';
import { Devnet } from './devnet.ts';
import { devnetError } from './errors.ts';
import { formatStatusTable, formatUpgradeLine } from './format.ts';
import { DEV_DEVNET_DIR } from './keys.ts';
import { describeDevnet, launch, printLogTails, show } from './launch.ts';
import { addValidator, removeValidator } from './set-commands.ts';
import { DEMO_DIR, upgradeDemo } from './upgrade-demo.ts';
import { sleep } from './wait.ts';

const USAGE = `usage: pnpm devnet <command> [options]

  up [--validators 4] [--full-nodes 0] [--block-time-ms 900] [--keep]
                        create a fresh devnet funded from the development keyring and start it
                        (--keep: restart the existing one instead); the nodes keep running
  status [--json]       height, last block, peers, version, round/step, block time and finality of
                        every node, and the safety check (equal hashes at every height)
  start <i>             start node i             stop <i>     SIGTERM node i and wait for it
  kill <i>              kill -9 node i           pause <i>    SIGSTOP node i
  resume <i>            SIGCONT node i
  partition <groups>    split the network, e.g. 0,1|2,3 (every node in exactly one group)
  heal                  lift the partition
  down                  stop every node (data kept; "up --keep" restarts them)
  logs <i> [--lines 50] [--follow]
                        the end of node i's log
  add-validator         start a node with a new consensus key, sync it, propose it with its proof of
                        possession, have the validators vote, and wait until it signs blocks
  remove-validator <i>  propose removing node i from the set, vote, wait until it no longer signs
  upgrade-demo          the whole upgrade story on 4 validators run by baby-launcher: build release
                        0.2.0 from source, sign, propose, vote, pre-download, switch at the height
                        (default --dir .babychain-dev/upgrade-demo)

  every command takes --dir <dir> (default .babychain-dev/devnet)`;

const OPTIONS = {
  dir: { type: 'string' },
  validators: { type: 'string' },
  'full-nodes': { type: 'string' },
  'block-time-ms': { type: 'string' },
  keep: { type: 'boolean' },
  json: { type: 'boolean' },
  lines: { type: 'string' },
  follow: { type: 'boolean', short: 'f' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    console.error(`error DEVNET_BAD_ARGS: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help === true || command === undefined || command === 'help') {
    console.log(USAGE);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  const dir = resolve(values.dir ?? DEV_DEVNET_DIR);
  const expectArgs = (n: number) => {
    if (rest.length !== n) {
      throw devnetError(
        'DEVNET_BAD_ARGS',
        `"${command}" takes ${n === 0 ? 'no argument' : `${n} argument`}, got ${rest.length}`,
      );
    }
  };
  /** the node argument (checked before the devnet is loaded) and the devnet holding that node */
  const target = (): { devnet: Devnet; i: number } => {
    expectArgs(1);
    const i = parseIndex(rest[0]);
    const devnet = Devnet.load(dir);
    devnet.node(i);
    return { devnet, i };
  };
  try {
    switch (command) {
      case 'up': {
        expectArgs(0);
        const validators = parseIntFlag(values.validators, 'validators', 1, 64) ?? 4;
        const fullNodes = parseIntFlag(values['full-nodes'], 'full-nodes', 0, 64) ?? 0;
        const commitWaitMs = parseIntFlag(values['block-time-ms'], 'block-time-ms', 0, 600_000);
        const result = await launch({
          dir,
          validators,
          fullNodes,
          ...(commitWaitMs === undefined ? {} : { commitWaitMs }),
          keep: values.keep === true,
          waitHeight: 0,
          timeoutMs: 30_000,
          print: (line) => console.log(line),
        });
        await describeDevnet(result.devnet, (line) => console.log(line));
        if (!result.ok) {
          printLogTails(result.devnet);
          console.error(`\nerror DEVNET_TIMEOUT: ${result.reason}`);
          return 1;
        }
        console.log(`\nAll ${result.devnet.size} nodes answer. See them with: pnpm devnet status`);
        return 0;
      }
      case 'status': {
        expectArgs(0);
        return await status(Devnet.load(dir), values.json === true);
      }
      case 'start': {
        const { devnet, i } = target();
        const pid = devnet.start(i);
        console.log(`node ${i} started (pid ${pid}), log ${show(devnet.node(i).log)}`);
        if (devnet.state.partition !== null) {
          console.log('note: a partition is in force; run "partition" again to include this node in it');
        }
        return 0;
      }
      case 'stop': {
        const { devnet, i } = target();
        const { forced } = await devnet.stop(i);
        console.log(forced ? `node ${i} did not exit on SIGTERM within 20 s: killed` : `node ${i} stopped`);
        return 0;
      }
      case 'kill': {
        const { devnet, i } = target();
        if (!devnet.isRunning(i)) throw devnetError('DEVNET_NOT_RUNNING', `node ${i} is not running`);
        await devnet.kill(i);
        console.log(`node ${i} killed (SIGKILL)`);
        return 0;
      }
      case 'pause': {
        const { devnet, i } = target();
        devnet.pause(i);
        console.log(`node ${i} paused (SIGSTOP); "pnpm devnet resume ${i}" continues it`);
        return 0;
      }
      case 'resume': {
        const { devnet, i } = target();
        devnet.resume(i);
        console.log(`node ${i} resumed (SIGCONT)`);
        return 0;
      }
      case 'partition': {
        expectArgs(1);
        const groups = parseGroups(rest[0]);
        const devnet = Devnet.load(dir);
        const { skipped } = await devnet.partition(groups);
        console.log(`partitioned: ${groups.map((g) => g.join(',')).join(' | ')}`);
        if (skipped.length > 0) console.log(`not running, so not partitioned: node ${skipped.join(', ')}`);
        return 0;
      }
      case 'heal': {
        expectArgs(0);
        const { skipped } = await Devnet.load(dir).heal();
        console.log('partition lifted');
        if (skipped.length > 0) console.log(`not running: node ${skipped.join(', ')}`);
        return 0;
      }
      case 'down': {
        expectArgs(0);
        const devnet = Devnet.load(dir);
        const { forced } = await devnet.down();
        console.log(
          `all ${devnet.size} nodes stopped; data kept in ${show(dir)} ("pnpm devnet up --keep" restarts them)`,
        );
        if (forced.length > 0) console.log(`killed after 20 s without exiting: node ${forced.join(', ')}`);
        return 0;
      }
      case 'add-validator': {
        expectArgs(0);
        await addValidator(Devnet.load(dir), (line) => console.log(line));
        return 0;
      }
      case 'remove-validator': {
        const { devnet, i } = target();
        await removeValidator(devnet, i, (line) => console.log(line));
        return 0;
      }
      case 'upgrade-demo': {
        expectArgs(0);
        const demoDir = resolve(values.dir ?? DEMO_DIR);
        return await upgradeDemo({ dir: demoDir, print: (line) => console.log(line) });
      }
      case 'logs': {
        const { devnet, i } = target();
        const lines = parseIntFlag(values.lines, 'lines', 1, 100_000) ?? 50;
        for (const line of devnet.logTail(i, lines)) console.log(line);
        if (values.follow === true) await follow(devnet.node(i).log);
        return 0;
      }
      default:
        throw devnetError('DEVNET_BAD_ARGS', `unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    }
  } catch (err) {
    if (isBabyError(err)) {
      console.error(`error ${err.code}: ${err.message}`);
      return err.code === 'DEVNET_BAD_ARGS' ? 2 : 1;
    }
    throw err;
  }
}

async function status(devnet: Devnet, json: boolean): Promise<number> {
  const reports = await devnet.status();
  let safety: { ok: true; height: number; nodes: number[] } | { ok: false; error: string; code: string | undefined };
  try {
    const report = await devnet.checkSafety();
    safety = { ok: true, height: report.height, nodes: report.nodes };
  } catch (err) {
    safety = {
      ok: false,
      error: err instanceof Error ? err.message : String(err),
      code: isBabyError(err) ? err.code : undefined,
    };
  }
  if (json) {
    console.log(
      JSON.stringify(
        { dir: devnet.dir, partition: devnet.state.partition, nodes: reports, safety },
        // heights, times and power as the node sends them: decimal strings
        (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value),
        2,
      ),
    );
  } else {
    console.log(`devnet ${show(devnet.dir)}  chain ${devnet.state.chainId}`);
    console.log(formatStatusTable(reports));
    const upgrade = formatUpgradeLine(reports);
    if (upgrade !== null) console.log(upgrade);
    if (devnet.state.partition !== null) {
      console.log(`partition: ${devnet.state.partition.map((g) => g.join(',')).join(' | ')}`);
    }
    if (!safety.ok) {
      const verdict = safety.code === 'DEVNET_SAFETY_VIOLATION' ? 'VIOLATED' : 'not checked';
      console.log(`safety: ${verdict}: ${safety.error}`);
    } else if (safety.nodes.length < 2) {
      console.log(`safety: not checked (${safety.nodes.length === 0 ? 'no node answers' : 'one node answers'})`);
    } else {
      console.log(
        `safety: ok (equal block and app hashes up to height ${safety.height} on nodes ${safety.nodes.join(', ')})`,
      );
    }
  }
  return safety.ok || safety.code !== 'DEVNET_SAFETY_VIOLATION' ? 0 : 1;
}

/** Prints what is appended to `path` until interrupted. */
async function follow(path: string): Promise<void> {
  let offset = statSync(path).size;
  let stop = false;
  process.once('SIGINT', () => {
    stop = true;
  });
  while (!stop) {
    await sleep(300);
    const size = statSync(path).size;
    if (size < offset) offset = 0;
    if (size === offset) continue;
    const buffer = Buffer.alloc(size - offset);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, offset);
    } finally {
      closeSync(fd);
    }
    offset = size;
    process.stdout.write(buffer);
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
