// `pnpm start`: the 4-validator development devnet, funded from the development keyring (.babychain-dev/keyring).
// Replaces any devnet in .babychain-dev/devnet, starts the validators, waits until each has committed height 2, says
// where to look, and exits with the nodes left running. `pnpm devnet down` stops them.
import { isBabyError } from '@babychain/codec';
import { DEV_DEVNET_DIR } from './keys.ts';
import { describeDevnet, launch, printLogTails, show } from './launch.ts';

const VALIDATORS = 4;
const HEIGHT = 2;
const TIMEOUT_MS = 60_000;

async function main(): Promise<number> {
  const print = (line: string) => console.log(line);
  const result = await launch({
    dir: DEV_DEVNET_DIR,
    validators: VALIDATORS,
    fullNodes: 0,
    keep: false,
    waitHeight: HEIGHT,
    timeoutMs: TIMEOUT_MS,
    print,
  });
  await describeDevnet(result.devnet, print);
  if (!result.ok) {
    printLogTails(result.devnet);
    console.error(`\nThe devnet did not start: ${result.reason}. Its nodes are killed; the logs stay.`);
    await result.devnet.killAll();
    return 1;
  }
  print(`
All ${VALIDATORS} validators committed height ${HEIGHT} (in ${(result.ms / 1000).toFixed(1)} s) and keep running.

Open the console (explorer, wallet, governance, node dashboard) in a browser:
  ${result.devnet.node(0).rpcUrl}/

Where to look next:
  pnpm devnet status          heights, peers, block time and finality of every node, and the safety check
  pnpm devnet logs 0 -f       follow node 0's log (every log: ${show(DEV_DEVNET_DIR)}/node<i>/node.log)
  curl ${result.devnet.node(0).rpcUrl}/status
  pnpm devnet kill 1 | pause 1 | partition '0,1|2,3' | heal     perturb the network (devnet/README.md)
  pnpm devnet down            stop every node (data kept; "pnpm devnet up --keep" restarts them)`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  if (!isBabyError(err)) throw err;
  console.error(`error ${err.code}: ${err.message}`);
  process.exitCode = 1;
}
