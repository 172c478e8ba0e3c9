// The launcher crash test's child (crash.test.ts): a real Launcher on the home it is given, with short polls, its
// log lines on stdout. The test kills its whole process group (the launcher and the node it runs) at random
// points of a switch, then starts it again and checks what the restart resumes to.
// Usage: node crash-child.testutil.ts <home> [pre-upgrade hook] (pre-upgrade.test.ts kills it mid-hook)
import { loggerTo } from '@babychain/util';
import { Launcher } from './launcher.ts';

const home = process.argv[2];
const hook = process.argv[3];
if (home === undefined) throw new Error('usage: crash-child.testutil.ts <home>');
const launcher = new Launcher({
  home,
  pollMs: 50,
  switchTimeoutMs: 10_000,
  log: loggerTo((level, message) => process.stdout.write(`${level} ${message}\n`)),
  output: () => {},
  ...(hook === undefined ? {} : { preUpgradeHook: { path: hook, retries: 0, timeoutMs: 60_000, retryDelayMs: 50 } }),
});
process.on('SIGTERM', () => void launcher.stop());
await launcher.run();
