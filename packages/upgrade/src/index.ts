export { compareVersions, parseVersion } from '@babychain/state';
export { checkGovAction, GOVERNANCE_ACTIONS, MAX_TITLE_BYTES } from './actions.ts';
export {
  type ArtifactRequester,
  type ArtifactSink,
  answerArtifactRequest,
  fetchArtifactFromPeers,
  MAX_ARTIFACT_REQUEST_BYTES,
  MAX_ARTIFACT_RESPONSE_BYTES,
  type PeerFetchFailure,
  type PeerFetchResult,
} from './artifact-protocol.ts';
export { artifactProtocol, artifactUrl, currentPlatform, MAX_ARTIFACT_CHUNK } from './artifact-source.ts';
export {
  collectGenesis,
  createSubmission,
  readSubmission,
  type SubmissionFile,
  type SubmissionJson,
  type SubmissionRequest,
} from './ceremony.ts';
export { GovErrorCode, ReleaseErrorCode, UpgradeErrorCode, ValidatorErrorCode } from './errors.ts';
export {
  createGovernance,
  type GovernanceOptions,
  handlerFor,
  handlerIndex,
  MAX_PROPOSALS_IN_VOTING,
  MAX_RESULTS,
  type MigrationContext,
  type UpgradeHandler,
} from './governance.ts';
export { admissibleOffences, checkOffences, jailOffenders } from './jailing.ts';
export {
  artifactFor,
  describeArtifact,
  MAX_ARTIFACT_BYTES,
  MAX_UNPACK_RATIO,
  MAX_UNPACKED_BYTES,
  type ManifestContext,
  manifestSignBytes,
  RELEASE_SIGN_DOMAIN,
  signManifest,
  verifyArtifactBytes,
  verifyManifest,
  withSignature,
} from './manifest.ts';
export { decidedManifestContext, planDecision } from './plan.ts';
export {
  POSSESSION_SIGN_DOMAIN,
  type PossessionEntry,
  possessionSignBytes,
  signPossession,
  verifyPossession,
} from './possession.ts';
export { decodeGovRecord, GOV_RECORD_KEY, versionInForce } from './record.ts';
export {
  checkReleaseInfo,
  encodeReleaseInfo,
  parseReleaseInfo,
  RELEASE_INFO_FILE,
  type ReleaseInfo,
} from './release-info.ts';
export { checkStartup, highestAppVersion } from './startup.ts';
export { type GovernanceStatusJson, governanceStatus } from './status.ts';
export {
  countVotes,
  exceedsShare,
  GOV_RULES,
  type OutcomeContext,
  type ProposalKind,
  ProposalStatus,
  type ProposalStatusName,
  type Share,
  type ShareBase,
  shareBase,
  statusName,
  tallyOutcome,
  VoteOption,
} from './tally.ts';
export {
  readUpgradeInfo,
  UPGRADE_EXIT_CODE,
  UPGRADE_INFO_FILE,
  type UpgradeInfo,
  upgradeInfoOf,
  writeUpgradeInfo,
} from './upgrade-info.ts';
export { type ExitReport, readUpgradeReport, type UpgradeReport, upgradeReportPath } from './upgrade-report.ts';
export {
  applyChange,
  checkChangeShape,
  genesisSet,
  isValidatorChange,
  MAX_VALIDATORS,
  type RecordSets,
  recordSets,
  shiftSets,
  VALIDATOR_CHANGES_FROM,
  type ValidatorChange,
} from './validators.ts';
