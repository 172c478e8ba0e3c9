import type { ScheduledUpgrade } from '@babychain/client';
import { Command } from 'commander';
import { chainContext, withNodeOption } from '../chain.ts';
import type { CliIo } from '../io.ts';
import { printResult } from '../output.ts';
import { percent } from './gov-show.ts';

/** `baby status`: what a node says about itself and the chain. */
export function statusCommand(io: CliIo): Command {
  return withNodeOption(
    new Command('status').description(
      "a node's chain id, app version, maturity, scheduled upgrade, height, sync state, peers and validator",
    ),
  ).action(async (_opts: unknown, cmd: Command) => {
    const ctx = chainContext(cmd, io);
    const status = await ctx.client().status();
    if (ctx.json) {
      printResult(io.stdout, true, { ...status });
      return;
    }
    const { validator, blockTimeMs } = status;
    printResult(io.stdout, false, {
      node: ctx.url,
      chainId: status.chainId,
      moniker: status.moniker,
      version: status.version,
      appVersion: status.appVersion,
      maturity: status.maturity,
      upgrade: describeUpgrade(status.upgrade),
      // UPG-9: a node started to skip a plan says so on every status, not only in its start log
      unsafeSkipUpgrades:
        status.unsafeSkipUpgrades === undefined ? undefined : `${status.unsafeSkipUpgrades.join(', ')} (UPG-9)`,
      height: status.height,
      lastBlockHash: status.lastBlockHash,
      lastBlockTime: status.lastBlockTimeMs > 0n ? new Date(Number(status.lastBlockTimeMs)).toISOString() : undefined,
      blockTime: blockTimeMs.p50 === null ? undefined : `${blockTimeMs.p50} ms (p50), ${blockTimeMs.p99} ms (p99)`,
      syncing: status.syncing,
      peers: status.peers,
      validator:
        validator === null ? 'no (full node)' : `#${validator.index} ${validator.address}, power ${validator.power}`,
      mempool: `${status.mempool.txs} txs, ${status.mempool.bytes} bytes`,
    });
  });
}

/** `v2 at height 120 (0.2.0), ready 75% of voting power` */
export function describeUpgrade(upgrade: ScheduledUpgrade | null): string {
  if (upgrade === null) return 'none scheduled';
  const { name, height, version, readyPower, totalPower } = upgrade;
  return `${name} at height ${height} (${version}), ready ${percent(readyPower, totalPower)} of voting power`;
}
