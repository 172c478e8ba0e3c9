/**
 * Proposal contents (specs/governance.md GOV-8..GOV-10, UPG-2): what consensus checks on a plan, a cancel and a
 * parameter change, at submission and again when they pass.
 */
import type {
  Genesis,
  GovParams,
  GovState,
  MetaOf,
  ParamChange,
  Plan,
  PlanDecision,
  ReleaseManifest,
} from '@babychain/codec';
import { BabyError, isBabyError } from '@babychain/codec';
import { Maturity, validateGovParams, validateParams, withGovDefaults } from '@babychain/state';
import { GovErrorCode, UpgradeErrorCode, type UpgradeErrorCodeValue } from './errors.ts';
import { type ManifestContext, verifyManifest } from './manifest.ts';
import { appVersionInForce, versionInForce } from './record.ts';

const PLAN_NAME = /^[a-z0-9._-]{1,64}$/;
const MAX_URLS = 8;
const MAX_URL_BYTES = 512;
const utf8 = new TextEncoder();

/** What a plan is checked against: the record and the block it is checked in. */
export interface PlanContext {
  readonly genesis: Genesis;
  readonly state: GovState;
  readonly govParams: GovParams;
  /** the block time (REL-4 `now`) */
  readonly nowMs: bigint;
  /**
   * At submission: the plan's height must exceed the proposal's voting end plus the upgrade delay. When passing:
   * it must exceed the current height.
   */
  readonly minHeightExclusive: bigint;
  readonly when: 'submission' | 'passing';
}

/** UPG-2's name rule (also GOV-10's): 1 to 64 of a-z 0-9 . _ -, not `.` or `..`, not an applied upgrade's name. */
export function checkPlanName(name: string, state: GovState): void {
  // `.` and `..` would name directories a launcher keeps per plan (LCH-8) outside where they belong.
  if (!PLAN_NAME.test(name) || name === '.' || name === '..') {
    throw fail(UpgradeErrorCode.BAD_NAME, `plan name ${JSON.stringify(name)} is not 1 to 64 of a-z 0-9 . _ -`, {
      name,
    });
  }
  if (state.applied.some((a) => a.name === name)) {
    throw fail(UpgradeErrorCode.BAD_NAME, `an upgrade named "${name}" was applied already`, { name });
  }
}

/** UPG-2 in the spec's order; returns the verified manifest. */
export function checkPlan(plan: Plan, ctx: PlanContext): ReleaseManifest {
  checkPlanName(plan.name, ctx.state);
  const expected = appVersionInForce(ctx.genesis, ctx.state) + 1;
  if (plan.appVersion !== expected) {
    throw fail(UpgradeErrorCode.BAD_APP_VERSION, `app version ${plan.appVersion}, the next one is ${expected}`, {
      appVersion: plan.appVersion,
      expected,
    });
  }
  if (plan.height <= ctx.minHeightExclusive) {
    const what = ctx.when === 'submission' ? 'the end of voting plus the upgrade delay' : 'the current height';
    throw fail(
      UpgradeErrorCode.TOO_EARLY,
      `plan height ${plan.height} is not above ${what} (${ctx.minHeightExclusive})`,
      {
        height: plan.height,
        minHeightExclusive: ctx.minHeightExclusive,
      },
    );
  }
  checkUrls(plan.urls);
  return verifyManifest(plan.release ?? { signatures: [] }, {
    chainId: ctx.genesis.chainId,
    planName: plan.name,
    currentVersion: versionInForce(ctx.genesis, ctx.state),
    nowMs: ctx.nowMs,
    signers: ctx.govParams.releaseSigners,
    threshold: ctx.govParams.releaseThreshold,
  });
}

/**
 * UPG-8: what a plan passing in the block at `height`, time `timeMs`, was checked against; the record keeps it with
 * the plan (GOV-8), so that every later check of the release uses the same inputs.
 */
export function planDecision(
  genesis: Genesis,
  state: GovState,
  govParams: GovParams,
  height: bigint,
  timeMs: bigint,
): PlanDecision {
  return {
    height,
    timeMs,
    versionInForce: versionInForce(genesis, state),
    releaseSigners: [...govParams.releaseSigners],
    releaseThreshold: govParams.releaseThreshold,
  };
}

/** UPG-8: REL-4's inputs for a scheduled plan's release, from its decision and never from a clock. */
export function decidedManifestContext(chainId: string, planName: string, decision: PlanDecision): ManifestContext {
  return {
    chainId,
    planName,
    currentVersion: decision.versionInForce,
    nowMs: decision.timeMs,
    signers: decision.releaseSigners,
    threshold: decision.releaseThreshold,
  };
}

function checkUrls(urls: readonly string[]): void {
  if (urls.length < 1 || urls.length > MAX_URLS) {
    throw fail(UpgradeErrorCode.BAD_URL, `${urls.length} urls, 1 to ${MAX_URLS} are needed`, { count: urls.length });
  }
  urls.forEach((url, index) => {
    const scheme = url.startsWith('http://') || url.startsWith('https://');
    if (!scheme || utf8.encode(url).length > MAX_URL_BYTES) {
      throw fail(UpgradeErrorCode.BAD_URL, `url ${index} is not http(s) of at most ${MAX_URL_BYTES} bytes`, {
        index,
      });
    }
  });
}

/**
 * GOV-9: the change as it will be applied. Governance params take GOV-2's defaults for absent fields, exactly as
 * a genesis does, since the canonical encoding cannot tell an absent field from a zero one.
 */
export function checkParamChange(change: ParamChange, version: string): ParamChange {
  const hasGrownUp = change.maturity === Maturity.GROWN_UP;
  if (change.maturity !== Maturity.BABY && !hasGrownUp) {
    throw badParams(`maturity ${change.maturity} is unknown`, 'maturity');
  }
  if (change.params === undefined && change.govParams === undefined && !hasGrownUp) {
    throw badParams('the change sets no params, no gov params and no maturity', 'none');
  }
  const out: ParamChange = { maturity: change.maturity };
  if (change.params !== undefined) {
    rethrowAsBadParams(() => validateParams(change.params as NonNullable<ParamChange['params']>));
    out.params = change.params;
  }
  if (change.govParams !== undefined) {
    const filled = withGovDefaults(change.govParams);
    rethrowAsBadParams(() => validateGovParams(filled, version));
    out.govParams = filled;
  }
  return out;
}

function rethrowAsBadParams(check: () => void): void {
  try {
    check();
  } catch (err) {
    if (!isBabyError(err)) throw err;
    throw new BabyError(GovErrorCode.BAD_PARAMS, err.message, { ...err.meta, rule: 'GOV-9' }, { cause: err });
  }
}

function badParams(message: string, param: string): BabyError {
  return new BabyError(GovErrorCode.BAD_PARAMS, message, { rule: 'GOV-9', param });
}

function fail<Code extends UpgradeErrorCodeValue>(code: Code, message: string, meta: MetaOf<Code>): BabyError {
  return new BabyError<UpgradeErrorCodeValue>(code, message, { rule: 'UPG-2', ...meta });
}
