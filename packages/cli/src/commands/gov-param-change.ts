/**
 * `baby gov propose params`: the options turned into a GOV-9 parameter change, starting from the values in force.
 * Apart from gov.ts, which is the command tree.
 */
import type { GovernanceInfo } from '@babychain/client';
import type { GovParams, Params } from '@babychain/codec';
import { BabyError, compareBytes, fromHex, toHex } from '@babychain/codec';
import { parseAmount, parseWhole } from '../chain.ts';
import { CliErrorCode } from '../errors.ts';

export interface ParamOptions {
  minFee?: string;
  maxBlockBytes?: string;
  maxBlockTxs?: string;
  minDeposit?: string;
  votingPeriod?: string;
  upgradeDelay?: string;
  babyVotingPeriod?: string;
  grownUpVotingPeriod?: string;
  babyUpgradeDelay?: string;
  grownUpUpgradeDelay?: string;
  releaseSigners?: string;
  releaseThreshold?: string;
  grownUp?: boolean;
}

/**
 * GOV-9 replaces params and gov params as a whole, so each starts from the values in force and takes what the
 * options change; one that no option touches is left out of the proposal.
 */
export function paramChange(
  opts: ParamOptions,
  g: GovernanceInfo,
): { content: { params?: Params; govParams?: GovParams; grownUp?: boolean }; summary: string[] } {
  const summary: string[] = [];
  const grownUp = opts.grownUp === true;
  const stage = grownUp || g.maturity === 'grown-up' ? 'grownUp' : 'baby';
  const blocks = (text: string | undefined, flag: string) => (text === undefined ? undefined : parseWhole(text, flag));
  const count = (text: string | undefined, flag: string) => {
    const v = blocks(text, flag);
    if (v !== undefined && v > 0xffff_ffffn) throw new BabyError(CliErrorCode.BAD_ARGUMENT, `${flag} is too large`);
    return v === undefined ? undefined : Number(v);
  };

  const params: Params = { ...g.params };
  let paramsChanged = false;
  const setParam = <K extends keyof Params>(key: K, value: Params[K] | undefined) => {
    if (value === undefined) return;
    summary.push(`${key} ${String(g.params[key])} -> ${String(value)}`);
    params[key] = value;
    paramsChanged = true;
  };
  setParam('minFee', opts.minFee === undefined ? undefined : parseAmount(opts.minFee, '--min-fee', true));
  setParam('maxBlockBytes', blocks(opts.maxBlockBytes, '--max-block-bytes'));
  setParam('maxBlockTxs', count(opts.maxBlockTxs, '--max-block-txs'));

  const inForce: GovParams = {
    ...g.govParams,
    releaseSigners: g.releaseSigners.map((k) => fromHex(k)),
    releaseThreshold: g.releaseThreshold,
  };
  const govParams: GovParams = { ...inForce };
  let govChanged = false;
  const setGov = <K extends keyof GovParams>(key: K, value: GovParams[K] | undefined, shown?: string) => {
    if (value === undefined) return;
    summary.push(`${key} -> ${shown ?? String(value)}`);
    govParams[key] = value;
    govChanged = true;
  };
  setGov('minDeposit', opts.minDeposit === undefined ? undefined : parseAmount(opts.minDeposit, '--min-deposit'));
  setGov(`${stage}VotingPeriod`, blocks(opts.votingPeriod, '--voting-period'));
  setGov(`${stage}UpgradeDelay`, blocks(opts.upgradeDelay, '--upgrade-delay'));
  setGov('babyVotingPeriod', blocks(opts.babyVotingPeriod, '--baby-voting-period'));
  setGov('grownUpVotingPeriod', blocks(opts.grownUpVotingPeriod, '--grown-up-voting-period'));
  setGov('babyUpgradeDelay', blocks(opts.babyUpgradeDelay, '--baby-upgrade-delay'));
  setGov('grownUpUpgradeDelay', blocks(opts.grownUpUpgradeDelay, '--grown-up-upgrade-delay'));
  if (opts.releaseSigners !== undefined) {
    const keys = releaseSigners(opts.releaseSigners);
    setGov('releaseSigners', keys, keys.length === 0 ? 'none' : keys.map((k) => toHex(k)).join(','));
  }
  setGov('releaseThreshold', count(opts.releaseThreshold, '--release-threshold'));
  if (grownUp) summary.push('maturity -> grown-up');

  if (!paramsChanged && !govChanged && !grownUp) {
    throw new BabyError(
      CliErrorCode.BAD_ARGUMENT,
      'nothing to change: give at least one parameter option (--min-fee, --voting-period, ...) or --grown-up',
    );
  }
  return {
    content: {
      ...(paramsChanged ? { params } : {}),
      ...(govChanged ? { govParams } : {}),
      ...(grownUp ? { grownUp } : {}),
    },
    summary,
  };
}

/** Comma-separated hex keys, put in the strictly ascending order GOV-2 requires; "" is the empty set. */
function releaseSigners(text: string): Uint8Array[] {
  const parts = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  for (const p of parts) {
    if (!/^[0-9a-f]{64}$/.test(p)) {
      throw new BabyError(CliErrorCode.BAD_ARGUMENT, `release signer ${JSON.stringify(p)} is not 64 hex digits`);
    }
  }
  return [...new Set(parts)].map((p) => fromHex(p)).sort(compareBytes);
}
