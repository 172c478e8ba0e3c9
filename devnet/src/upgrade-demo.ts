// `pnpm devnet upgrade-demo`: the whole upgrade story on 4 validators, each run by `baby-launcher`. Release 0.2.0 is
// built from source (HEAD plus devnet/upgrades/v0.2.0), rebuilt to check the digest, signed by 2 of the 3 release
// signers, proposed, voted, fetched and verified by every launcher, and switched to at the plan height while
// transfers flow. Prints the gap between the last block of the old release and the first of the new one.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BabyClient, TransferResult } from '@babychain/client';
import { sendTransfer } from '@babychain/client';
import { isBabyError } from '@babychain/codec';
import { Keyring } from '@babychain/crypto';
import { Devnet } from './devnet.ts';
import { devnetError } from './errors.ts';
import { DEV_BALANCE, DEV_CHAIN_ID, DEV_HOME, DEV_KEYRING, DEV_PASSPHRASE, ensureDevAccounts } from './keys.ts';
import { waitForNodes } from './launch.ts';
import { startArtifactServer } from './release.ts';
import {
  prepareRelease,
  proposalOutcome,
  proposeUpgrade,
  releaseSigners,
  sendUntilHalt,
  type UpgradeContext,
  VALIDATOR_FUNDS,
  waitForReady,
  waitForSwitch,
} from './upgrade-flow.ts';

export const DEMO_DIR = join(DEV_HOME, 'upgrade-demo');
const SOURCE_VERSION = '0.1.0';
/** Over 0.1.0's memo limit (256 bytes), within 0.2.0's (512 from app version 1). */
const LONG_MEMO_BYTES = 300;
/** What the demo writes in its directory, and so may delete there on the next run. */
const DEMO_ENTRIES = ['devnet', 'bucket', 'work'];

/** The moments of the demo another program may look at the chain in (the console's browser test does). */
export type DemoStage = 'started' | 'proposed' | 'scheduled' | 'switched';

export interface DemoOptions {
  readonly dir: string;
  readonly print: (line: string) => void;
  /** awaited at each stage, the demo paused meanwhile; the chain keeps committing */
  readonly watch?: (stage: DemoStage, devnet: Devnet) => Promise<void>;
}

export async function upgradeDemo(options: DemoOptions): Promise<number> {
  const { print } = options;
  const watch = options.watch ?? (async () => {});
  const dir = options.dir;
  await Devnet.remove(join(dir, 'devnet'));
  const strangers = existsSync(dir) ? readdirSync(dir).filter((name) => !DEMO_ENTRIES.includes(name)) : [];
  if (strangers.length > 0) {
    throw devnetError('DEVNET_DIR_NOT_DEVNET', `${dir} holds ${strangers.join(', ')}: not an upgrade demo directory`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const accounts = await ensureDevAccounts();
  const signers = releaseSigners();
  const devnet = await Devnet.create({
    dir: join(dir, 'devnet'),
    validators: 4,
    chainId: DEV_CHAIN_ID,
    accounts: accounts.map((a) => ({ address: a.address, balance: DEV_BALANCE })),
    govParams: signers.govParams,
    validatorFunds: VALIDATOR_FUNDS,
    launcher: { sourceVersion: SOURCE_VERSION },
  });
  const bucketDir = join(dir, 'bucket');
  mkdirSync(bucketDir, { recursive: true });
  const bucket = await startArtifactServer(bucketDir);
  try {
    print(`1. Starting 4 validators under baby-launcher, release ${SOURCE_VERSION} from source (${devnet.dir})`);
    devnet.startAll();
    const started = await waitForNodes(devnet, 2, 60_000);
    if (started !== 'ok') throw devnetError('DEVNET_UPGRADE_FAILED', started);
    const memoTo = accounts[1]?.address ?? '';
    const refused = await sendLongMemo(devnet.rpc(0, 10_000), memoTo).then(
      (sent) => `accepted as ${sent.id}`,
      (err: unknown) => (isBabyError(err) ? err.code : String(err)),
    );
    if (refused !== 'TX_MEMO_TOO_LONG') {
      throw devnetError('DEVNET_UPGRADE_FAILED', `a ${LONG_MEMO_BYTES}-byte memo on ${SOURCE_VERSION}: ${refused}`);
    }
    print(
      `   a ${LONG_MEMO_BYTES}-byte memo is refused by ${SOURCE_VERSION} with ${refused} (TX-8: at most 256 bytes)`,
    );
    await watch('started', devnet);
    const ctx: UpgradeContext = {
      devnet,
      workDir: join(dir, 'work'),
      bucketDir,
      bucketUrl: bucket.url,
      signerSeeds: signers.seeds,
      print,
    };
    print('2. Building release 0.2.0 from source (HEAD + devnet/upgrades/v0.2.0), twice, and signing it (2 of 3)');
    const prepared = await prepareRelease(ctx, { planName: 'v0.2.0', version: '0.2.0', appVersion: 1 });
    print(`3. Proposing the upgrade; the 4 validators vote yes (artifact server ${bucket.url})`);
    const { proposalId, plan } = await proposeUpgrade(ctx, prepared, {
      proposer: 0,
      votes: ['yes', 'yes', 'yes', 'yes'],
      heightIn: 4,
    });
    await watch('proposed', devnet);
    const outcome = await proposalOutcome(devnet, proposalId);
    print(`   proposal ${proposalId}: ${outcome}`);
    if (outcome !== 'passed') throw devnetError('DEVNET_UPGRADE_FAILED', `the proposal ended ${outcome}`);
    await watch('scheduled', devnet);
    print('4. Every launcher fetches the artifact, verifies size, sha256, signatures, version and expiry, unpacks it');
    const readyMs = await waitForReady(devnet, plan.name);
    print(`   all voting power ready ${(readyMs / 1000).toFixed(1)} s after the vote ended`);
    print(`5. Sending transfers until the halt at height ${plan.height}`);
    // About two transfers per block from the first development account, until the halt.
    const keyring = new Keyring(DEV_KEYRING);
    const { seed } = await keyring.unlock('validator-0', DEV_PASSPHRASE);
    const from = { seed, address: keyring.get('validator-0').address };
    const sent = await sendUntilHalt(devnet.rpc(0, 10_000), from, accounts[1]?.address ?? '', plan.height, 400);
    print(`   ${sent.length} transfers acknowledged before the switch`);
    const report = await waitForSwitch(devnet, plan, '0.2.0');
    print(
      `6. Switched: the last block on ${SOURCE_VERSION} (height ${plan.height - 1n}) and the first on 0.2.0 (height ${plan.height}) are ${report.gapMs} ms apart`,
    );
    const client = devnet.rpc(0, 10_000);
    // A transfer a node held at the halt is kept and admitted again by the new release, which commits it in one of
    // its first blocks, not always the first: each gets until 20 s after the switch.
    const committedBy = Date.now() + 20_000;
    const lost: string[] = [];
    for (const id of sent) {
      const timeoutMs = Math.max(1, committedBy - Date.now());
      const tx = await client.waitForTx(id, { timeoutMs }).catch(() => undefined);
      if (tx?.height === undefined) lost.push(id);
    }
    const status = await client.status();
    const upgrade = await client.upgrade();
    print(
      `7. Node 0 now runs ${status.version}, app version ${status.appVersion}; min fee ${status.params.minFee} (the migration's); applied: ${upgrade.governance.applied.map((a) => `${a.name}@${a.height}`).join(', ')}`,
    );
    print(
      `   transfers acknowledged before the halt and now committed: ${sent.length - lost.length} of ${sent.length}`,
    );
    await watch('switched', devnet);
    const more = await waitForNodes(devnet, Number(plan.height) + 5, 30_000);
    print(`   the chain keeps committing: ${more === 'ok' ? `height ${plan.height + 5n} on every node` : more}`);
    const memo = await sendLongMemo(client, memoTo).then(
      (sent) => ({ height: sent.height, code: undefined }),
      (err: unknown) => ({ height: undefined, code: isBabyError(err) ? err.code : String(err) }),
    );
    print(
      memo.height === undefined
        ? `8. A ${LONG_MEMO_BYTES}-byte memo on 0.2.0: ${memo.code ?? 'not committed'}`
        : `8. A ${LONG_MEMO_BYTES}-byte memo, refused by ${SOURCE_VERSION} with TX_MEMO_TOO_LONG, is committed at height ${memo.height} (0.2.0: memos up to 512 bytes from app version 1)`,
    );
    print(`\nThe devnet keeps running: pnpm devnet status --dir ${devnet.dir}`);
    return lost.length === 0 && more === 'ok' && memo.height !== undefined ? 0 : 1;
  } finally {
    await bucket.close();
  }
}

/**
 * A transfer with a memo over 0.1.0's TX-8 limit and within 0.2.0's, from the third development account (sendUntilHalt
 * uses the first with explicit nonces); waits for it to be committed.
 */
async function sendLongMemo(client: BabyClient, to: string): Promise<TransferResult> {
  const { seed } = await new Keyring(DEV_KEYRING).unlock('validator-2', DEV_PASSPHRASE);
  return sendTransfer(client, { seed, to, amount: 1_000n, memo: 'm'.repeat(LONG_MEMO_BYTES) });
}
