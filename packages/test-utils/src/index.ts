// @babychain/test-utils: what tests share (README.md). Only tests, their helpers and benchmarks import it.
export {
  FAKE_CHAIN_ID,
  FAKE_GOV_PARAMS,
  FAKE_GOV_RULES,
  FAKE_MIN_FEE,
  FAKE_TX_SENDER,
  FakeBackend,
  fakeStatus,
  fakeTx,
} from './fake-backend.ts';
export { type FakeHandler, FakeNode, rpcError } from './fake-node.ts';
export { makeValidatorHome, type ValidatorHome } from './home.ts';
export { SeededRandom } from './random.ts';
export { thrownCode } from './thrown.ts';
