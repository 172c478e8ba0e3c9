import { proposalBody } from '@babychain/client';
import { toHex } from '@babychain/codec';
import { addressFromPublicKey, publicKeyFromSeed } from '@babychain/crypto';
import { signPossession } from '@babychain/upgrade';
import { type Devnet, VALIDATOR_POWER } from './devnet.ts';
import { devnetError } from './errors.ts';
import { castVotes, type GovSigner, proposalOutcome, sendAs, type VoteWord, validatorSeed } from './upgrade-flow.ts';
import { waitFor } from './wait.ts';

export interface SetChangeOptions {
  /** who proposes (and pays the deposit): validator i's operator, or any funded key */
  readonly proposer: GovSigner;
  /** validator i votes `votes[i]` */
  readonly votes: readonly VoteWord[];
  /** the node that answers the queries: one that runs throughout */
  readonly via?: number;
}

/** Node i's consensus key (its home's priv_validator_key.json). */
function keyOf(devnet: Devnet, i: number): Uint8Array {
  return publicKeyFromSeed(validatorSeed(devnet, i));
}

/**
 * Proposes adding node i to the set with `power` (its operator: its key's own address), signed for by its consensus
 * key (VAL-5); the validators vote. Returns the proposal's outcome once it is tallied.
 */
export async function proposeJoin(
  devnet: Devnet,
  i: number,
  options: SetChangeOptions & { readonly power?: bigint },
): Promise<string> {
  const seed = validatorSeed(devnet, i);
  const publicKey = publicKeyFromSeed(seed);
  const power = options.power ?? VALIDATOR_POWER;
  const name = devnet.node(i).moniker;
  const operator = addressFromPublicKey(publicKey);
  const possession = signPossession(seed, devnet.state.chainId, { power, name, operator });
  return decide(devnet, options, `add ${name}`, {
    kind: 'add-validator',
    publicKey,
    power,
    name,
    operator,
    possession,
  });
}

/** Proposes removing node i's key from the set; the validators vote. Returns the proposal's outcome. */
export function proposeLeave(devnet: Devnet, i: number, options: SetChangeOptions): Promise<string> {
  return decide(devnet, options, `remove ${devnet.node(i).moniker}`, {
    kind: 'remove-validator',
    publicKey: keyOf(devnet, i),
  });
}

async function decide(
  devnet: Devnet,
  options: SetChangeOptions,
  title: string,
  content: Parameters<typeof proposalBody>[0]['content'],
): Promise<string> {
  const via = devnet.rpc(options.via ?? 0, 10_000);
  const before = (await via.upgrade()).governance;
  const known = new Set([...before.proposals, ...before.results].map((p) => p.id));
  await sendAs(devnet, options.proposer, (c) =>
    proposalBody({ ...c, deposit: before.govParams.minDeposit, title, content }),
  );
  const after = (await via.upgrade()).governance;
  const mine = after.proposals.find((p) => !known.has(p.id) && p.title === title);
  if (mine === undefined) throw devnetError('DEVNET_UPGRADE_FAILED', `the proposal "${title}" is not in voting`);
  const id = BigInt(mine.id);
  await castVotes(devnet, id, options.votes);
  return proposalOutcome(devnet, id, 120_000, options.via);
}

/** Where a validator was seen signing: a block it proposed and a commit that carries its precommit. */
export interface Signing {
  /** its index in the set that signs from `from` on */
  readonly index: number;
  readonly from: bigint;
  readonly proposed: bigint;
  readonly precommitted: bigint;
}

/**
 * Waits until node i's key is in the set that signs the next block (VAL-3, as node `via` reports it), then until a
 * committed block was proposed by it and a commit carries its precommit. The commits a node serves are the ones it
 * built when it decided, which may lack a slow validator's precommit, so the blocks are read until both are seen.
 */
export async function waitUntilSigning(
  devnet: Devnet,
  i: number,
  options: { readonly via?: number; readonly timeoutMs?: number } = {},
): Promise<Signing> {
  const client = devnet.rpc(options.via ?? 0);
  const publicKey = keyOf(devnet, i);
  const key = toHex(publicKey);
  const address = toHex(addressFromPublicKey(publicKey));
  const timeoutMs = options.timeoutMs ?? 120_000;
  const inSet = await waitFor(
    async () => {
      const set = await client.validators().catch(() => undefined);
      const index = set?.validators.find((v) => toHex(v.publicKey) === key)?.index;
      return set === undefined || index === undefined ? null : { index, from: set.height };
    },
    { timeoutMs, intervalMs: 500, message: `node ${i} to be in the set` },
  );
  // The set answered signs from `from` on; no other change is pending in this flow, so its indexes hold after it.
  let next = inSet.from;
  let proposed: bigint | undefined;
  let precommitted: bigint | undefined;
  return waitFor(
    async () => {
      const tip = (await client.status().catch(() => undefined))?.height ?? 0n;
      for (; next <= tip; next++) {
        const block = await client.block(next).catch(() => undefined);
        if (block === undefined) break;
        if (proposed === undefined && toHex(block.header.proposerAddress) === address) proposed = next;
        if (precommitted === undefined && block.commit?.signatures.some((s) => s.validatorIndex === inSet.index)) {
          precommitted = next;
        }
      }
      return proposed === undefined || precommitted === undefined ? null : { ...inSet, proposed, precommitted };
    },
    { timeoutMs, intervalMs: 500, message: `node ${i} to propose a block and precommit one` },
  );
}

/** Waits until node i's key is no longer in the set that signs the next block; returns that height. */
export function waitUntilOut(
  devnet: Devnet,
  i: number,
  options: { readonly via?: number; readonly timeoutMs?: number } = {},
): Promise<bigint> {
  const client = devnet.rpc(options.via ?? 0);
  const key = toHex(keyOf(devnet, i));
  return waitFor(
    async () => {
      const set = await client.validators().catch(() => undefined);
      if (set === undefined || set.validators.some((v) => toHex(v.publicKey) === key)) return null;
      return set.height;
    },
    { timeoutMs: options.timeoutMs ?? 120_000, intervalMs: 500, message: `node ${i} to leave the set` },
  );
}
