// `pnpm devnet add-validator` and `pnpm devnet remove-validator <i>` (specs/validators.md): the validator-set story
// on a running devnet, each step printed as it happens.
import { sendTransfer } from '@babychain/client';
import { toHex } from '@babychain/codec';
import { addressFromPublicKey, encodeAddress, publicKeyFromSeed } from '@babychain/crypto';
import { type Devnet, VALIDATOR_POWER } from './devnet.ts';
import { devnetError } from './errors.ts';
import { type VoteWord, validatorSeed } from './upgrade-flow.ts';
import { proposeJoin, proposeLeave, waitUntilOut, waitUntilSigning } from './validator-flow.ts';
import { waitFor } from './wait.ts';

type Print = (line: string) => void;

/** What a joining validator's operator gets for the fees of its votes: 10 BABY. */
const OPERATOR_FUNDS = 10_000_000n;

const prefixOf = (devnet: Devnet): string => devnet.genesis().addressPrefix;

/** Every node with a validator key votes yes if its key is in the set that signs the next block, else not at all. */
async function votesOfSet(devnet: Devnet, via: number): Promise<VoteWord[]> {
  const set = await devnet.rpc(via).validators();
  const keys = new Set(set.validators.map((v) => toHex(v.publicKey)));
  // A stopped validator cannot vote; the others must hold more than two thirds without it.
  return devnet.nodes.map((n, i) =>
    n.validator && devnet.isRunning(i) && keys.has(toHex(publicKeyFromSeed(validatorSeed(devnet, i)))) ? 'yes' : null,
  );
}

/** A running node of the set to ask and to propose through. */
async function runningVoter(devnet: Devnet, except: number): Promise<number> {
  const votes = await votesOfSet(devnet, devnet.validatorIndexes.find((i) => devnet.isRunning(i)) ?? 0);
  const i = votes.findIndex((v, n) => v === 'yes' && n !== except && devnet.isRunning(n));
  if (i < 0) throw devnetError('DEVNET_NOT_RUNNING', 'no running validator of the set to propose and vote');
  return i;
}

export async function addValidator(devnet: Devnet, print: Print): Promise<number> {
  const via = await runningVoter(devnet, -1);
  // VAL-6: one step brings in less than a third of the power that signs now
  const total = (await devnet.rpc(via).validators()).totalPower;
  const power = (total - 1n) / 3n < VALIDATOR_POWER ? (total - 1n) / 3n : VALIDATOR_POWER;
  if (power < 1n) {
    throw devnetError('DEVNET_BAD_ARGS', `a set of total power ${total} cannot take a validator in one step (VAL-6)`);
  }
  const i = await devnet.addFullNode({ validatorKey: true });
  devnet.start(i);
  const tip = (await devnet.rpc(via).status()).height;
  print(`node ${i} started with a new consensus key, not in the set yet; syncing to height ${tip}`);
  await waitFor(
    async () =>
      ((
        await devnet
          .rpc(i)
          .status()
          .catch(() => undefined)
      )?.height ?? -1n) >= tip || null,
    { timeoutMs: 120_000, intervalMs: 500, message: `node ${i} to sync` },
  );
  // Its operator (its key's own address) pays for its votes once it is in the set, as the others' do.
  const operator = encodeAddress(addressFromPublicKey(publicKeyFromSeed(validatorSeed(devnet, i))), prefixOf(devnet));
  await sendTransfer(devnet.rpc(via, 10_000), {
    seed: validatorSeed(devnet, via),
    to: operator,
    amount: OPERATOR_FUNDS,
  });
  print(`node ${i} synced, its operator ${operator} funded; proposing it (proof of possession by its key) and voting`);
  const outcome = await proposeJoin(devnet, i, { proposer: via, votes: await votesOfSet(devnet, via), via, power });
  if (outcome !== 'passed') throw devnetError('DEVNET_UPGRADE_FAILED', `the proposal to add node ${i} ${outcome}`);
  print('the proposal passed: the set changes two heights after the decision (VAL-7)');
  const signing = await waitUntilSigning(devnet, i, { via });
  print(
    `node ${i} signs as validator ${signing.index} from height ${signing.from}: it proposed block ${signing.proposed} ` +
      `and its precommit is in the commit of block ${signing.precommitted}`,
  );
  return i;
}

export async function removeValidator(devnet: Devnet, i: number, print: Print): Promise<void> {
  if (!devnet.node(i).validator) throw devnetError('DEVNET_BAD_ARGS', `node ${i} holds no validator key`);
  const via = await runningVoter(devnet, i);
  print(`proposing to remove node ${i} from the set and voting`);
  const outcome = await proposeLeave(devnet, i, { proposer: via, votes: await votesOfSet(devnet, via), via });
  if (outcome !== 'passed') {
    throw devnetError('DEVNET_UPGRADE_FAILED', `the proposal to remove node ${i} ${outcome}`);
  }
  const height = await waitUntilOut(devnet, i, { via });
  print(`node ${i} left the set: from height ${height} it follows the chain as a full node`);
}
