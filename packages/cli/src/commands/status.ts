import { Command } from 'commander';
import { chainContext, withNodeOption } from '../chain.ts';
import type { CliIo } from '../io.ts';
import { printResult } from '../output.ts';

/** `baby status`: what a node says about itself and the chain. */
export function statusCommand(io: CliIo): Command {
  return withNodeOption(
    new Command('status').description("a node's chain id, maturity, height, sync state, peers and validator"),
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
      maturity: status.maturity,
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
