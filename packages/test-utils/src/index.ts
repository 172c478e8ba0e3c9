// @babychain/test-utils: what tests share (README.md). Only tests, their helpers and benchmarks import it.
export {
  FAKE_CHAIN_ID,
  FAKE_MIN_FEE,
  FAKE_TX_SENDER,
  type FakeAccount,
  type FakeAnswer,
  FakeBackend,
  type FakeBackendOptions,
  type FakeBlock,
  type FakeHandler,
  FakeNode,
  type FakeNodeOptions,
  type FakeRequest,
  fakeStatus,
  fakeTx,
  rpcError,
  type StaticFiles,
} from './fake-node.ts';
export { makeValidatorHome, type ValidatorHome, type ValidatorHomeOptions } from './home.ts';
export { SeededRandom } from './random.ts';
