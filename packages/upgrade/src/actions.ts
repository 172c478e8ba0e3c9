/**
 * The stateless rules of the governance actions (specs/governance.md GOV-4, GOV-5; VAL-4 and VAL-5 for a
 * validator-set change): what a transaction's action must be before any state is read.
 */
import type { SubmitProposal, TxBody } from '@babychain/codec';
import { ruleError as fail } from '@babychain/codec';
import { GovErrorCode } from './errors.ts';
import { VoteOption } from './tally.ts';
import { checkChangeShape, isValidatorChange } from './validators.ts';

/** GOV-4 */
export const MAX_TITLE_BYTES = 140;
/** The TxBody action cases governance executes. */
export const GOVERNANCE_ACTIONS: ReadonlySet<string> = new Set([
  'submitProposal',
  'vote',
  'attestRelease',
  'signalReady',
]);

const utf8 = new TextEncoder();

/** GOV-4 and GOV-5's stateless rules; the other governance actions have none. */
export function checkGovAction(body: TxBody): void {
  const action = body.action;
  switch (action?.case) {
    case 'submitProposal':
      checkSubmitShape(action.value, body.chainId);
      return;
    case 'vote': {
      const option = action.value.option;
      if (option < VoteOption.YES || option > VoteOption.VETO) {
        throw fail(GovErrorCode.BAD_OPTION, `vote option ${option} is not YES, NO, ABSTAIN or VETO`, 'GOV-5', {
          option,
        });
      }
      return;
    }
    case 'attestRelease':
    case 'signalReady':
      return;
    default:
      throw new Error(`governance does not execute the action "${action?.case ?? 'none'}"`);
  }
}

function checkSubmitShape(submit: SubmitProposal, chainId: string): void {
  const titleBytes = utf8.encode(submit.title).length;
  if (titleBytes < 1 || titleBytes > MAX_TITLE_BYTES) {
    throw fail(GovErrorCode.BAD_PROPOSAL, `title is ${titleBytes} bytes, 1 to ${MAX_TITLE_BYTES} allowed`, 'GOV-4', {
      titleBytes,
    });
  }
  const content = submit.content;
  // An upgrade without a plan sets the oneof case but no content.
  if (content === undefined || (content.case === 'softwareUpgrade' && content.value.plan === undefined)) {
    throw fail(GovErrorCode.BAD_PROPOSAL, 'a proposal needs exactly one content', 'GOV-4');
  }
  if (isValidatorChange(content)) checkChangeShape(content, chainId);
}
