import { Type } from 'typebox';
import { Address, closed, Hash, Hex, Integer, NonEmptyHex, Nullable, U64, uint64 } from './scalars.ts';

export { Address, Hash, Hex, NonEmptyHex, U64, UINT64_MAX } from './scalars.ts';

// ---------------------------------------------------------------------------------------------------------------
// Canonical JSON of embedded messages (ENC canonical JSON: uint64 as decimal strings, bytes as hex)
// ---------------------------------------------------------------------------------------------------------------

const HeaderJson = Type.Object(
  {
    version: Integer,
    chainId: Type.String(),
    height: U64,
    timeMs: U64,
    lastBlockHash: Hex,
    lastCommitHash: Hex,
    txRoot: Hex,
    validatorsHash: Hex,
    nextValidatorsHash: Hex,
    appHash: Hex,
    proposerAddress: Hex,
    evidenceHash: Type.Union([Hex], { description: 'BLK-11: empty when the block carries no evidence' }),
  },
  { ...closed, description: 'the canonical JSON of the block header (ENC-13)' },
);

const VoteJson = Type.Object(
  {
    type: Type.Union([Type.Literal(1), Type.Literal(2)], { description: '1 prevote, 2 precommit' }),
    height: U64,
    round: Integer,
    blockHash: Type.Union([Hex], { description: 'empty: nil' }),
    timeMs: U64,
    validatorIndex: Integer,
    signature: Hex,
  },
  closed,
);

const EvidenceJson = Type.Object(
  { voteA: VoteJson, voteB: VoteJson },
  { ...closed, description: 'the canonical JSON of a DuplicateVoteEvidence (CONS-9, CONS-13)' },
);

const CommitJson = Type.Object(
  {
    height: U64,
    round: Integer,
    blockHash: Hex,
    signatures: Type.Array(Type.Object({ validatorIndex: Integer, timeMs: U64, signature: Hex }, closed)),
  },
  { ...closed, description: 'the canonical JSON of the commit certifying the block (CONS-8)' },
);

const MultisigKeyJson = Type.Object({ threshold: Integer, publicKeys: Type.Array(Hex) }, closed);

const TxJson = Type.Object(
  {
    body: Nullable(
      Type.Object(
        {
          chainId: Type.String(),
          signer: Nullable(
            Type.Object(
              {
                key: Nullable(
                  Type.Union([
                    Type.Object({ case: Type.Literal('ed25519'), value: Hex }, closed),
                    Type.Object({ case: Type.Literal('multisig'), value: MultisigKeyJson }, closed),
                  ]),
                ),
              },
              closed,
            ),
          ),
          nonce: U64,
          fee: U64,
          memo: Type.String(),
          action: Nullable(
            Type.Object(
              { case: Type.Literal('transfer'), value: Type.Object({ to: Hex, amount: U64 }, closed) },
              closed,
            ),
          ),
        },
        closed,
      ),
    ),
    signatures: Type.Array(Type.Object({ keyIndex: Integer, signature: Hex }, closed)),
  },
  { ...closed, description: 'the canonical JSON of the transaction (TX-1)' },
);

// ---------------------------------------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------------------------------------

export const NoParams = Type.Object({}, closed);

const Percentiles = Type.Object(
  { p50: Nullable(Type.Number()), p99: Nullable(Type.Number()), samples: Integer },
  closed,
);

export const StatusResult = Type.Object(
  {
    chainId: Type.String(),
    moniker: Type.String(),
    version: Type.String(),
    nodeId: Type.String({ description: 'the libp2p peer id' }),
    maturity: Type.Union([Type.Literal('baby'), Type.Literal('grown-up')]),
    height: U64,
    lastBlockHash: Hex,
    appHash: Hex,
    lastBlockTimeMs: uint64('the last block header time (ms), the genesis time at height 0'),
    round: Integer,
    step: Type.String(),
    syncing: Type.Boolean(),
    peers: Integer,
    peerIds: Type.Array(Type.String()),
    validator: Nullable(
      Type.Object(
        {
          index: Nullable(Integer, {
            description: 'VAL-3: its index in the set of the height being decided; null while the key is not in it',
          }),
          address: Address,
          power: U64,
        },
        closed,
      ),
      { description: 'this node signs with a validator key: where it stands in the set (VAL-3)' },
    ),
    blockTimeMs: Percentiles,
    finalityMs: Percentiles,
    evidence: Integer,
    mempool: Type.Object({ txs: Integer, bytes: Integer }, closed),
    appVersion: Type.Integer({ minimum: 0, description: 'UPG-3: the app version in force' }),
    unsafeSkipUpgrades: Type.Optional(
      Type.Array(U64, {
        description: 'UPG-9: the heights at which this node skips a scheduled plan (only when its operator set any)',
      }),
    ),
    upgrade: Nullable(
      Type.Object(
        {
          name: Type.String(),
          height: U64,
          version: Type.String(),
          readyPower: U64,
          totalPower: U64,
        },
        { ...closed, description: 'the scheduled upgrade and the voting power whose launcher is ready for it' },
      ),
    ),
    params: Type.Object(
      {
        minFee: uint64('STATE-4: the lowest fee a transaction may pay'),
        maxBlockBytes: uint64('BLK-10'),
        maxBlockTxs: Integer,
      },
      closed,
    ),
  },
  closed,
);

export const BlockParams = Type.Object(
  {
    height: Type.String({
      pattern: `^(latest|0|[1-9][0-9]{0,19})$`,
      description: 'a height (decimal) or "latest"',
    }),
  },
  closed,
);

export const BlockResult = Type.Object(
  {
    height: U64,
    hash: Hash,
    header: HeaderJson,
    txIds: Type.Array(Hash),
    txs: Type.Array(Hex, { description: 'the canonical transaction encodings, in block order' }),
    commit: Nullable(CommitJson),
    evidence: Type.Array(EvidenceJson, { description: 'CONS-13: the equivocations the block commits' }),
  },
  closed,
);

export const BlockByHashParams = Type.Object({ hash: Hash }, closed);

export const BlocksParams = Type.Object(
  {
    from: Type.Optional(Type.Union([U64], { description: 'RPC-4: a range [from, to] (with `to`)' })),
    to: Type.Optional(U64),
    limit: Type.Optional(Type.Union([U64], { description: 'RPC-4: without a range, a page of 1 to 100 blocks (20)' })),
    cursor: Type.Optional(
      Type.Union([U64], { description: "RPC-4: the height a page starts at, going down: a page's `next` (the tip)" }),
    ),
  },
  closed,
);

export const ValidatorsParams = Type.Object(
  {
    height: Type.Optional(
      Type.Union([U64], {
        description: 'VAL-3: the height whose signing set to answer (up to the one being decided); absent: that one',
      }),
    ),
    limit: Type.Optional(Type.Union([U64], { description: 'RPC-2: a page of 1 to 100 validators' })),
    cursor: Type.Optional(
      Type.Union([U64], { description: "RPC-2: a page's `next`: the index (CONS-2 order) the next page starts at" }),
    ),
  },
  closed,
);

export const BlockSummary = Type.Object(
  {
    height: U64,
    hash: Hash,
    appHash: Hex,
    timeMs: U64,
    txs: Integer,
    proposer: Type.String({ description: 'the proposer address, empty when the header does not hold 20 bytes' }),
  },
  closed,
);

export const BlocksResult = Type.Object(
  {
    blocks: Type.Array(BlockSummary, { description: 'a range in height order; a page newest first' }),
    next: Type.Optional(
      Nullable(Type.String(), {
        description: 'RPC-4, a page only: the cursor of the next (older) page; null at height 1',
      }),
    ),
  },
  closed,
);

export const TxParams = Type.Object({ id: Hash }, closed);

export const TxResult = Type.Object(
  { id: Hash, height: U64, index: Integer, sender: Address, tx: TxJson, bytes: Hex },
  closed,
);

export const AccountParams = Type.Object({ address: Address }, closed);

export const AccountTxsParams = Type.Object(
  {
    address: Address,
    limit: Type.Optional(Type.Union([U64], { description: 'RPC-16: 1 to 100 entries, default 20' })),
    cursor: Type.Optional(
      Type.String({ maxLength: 64, description: "RPC-16: a page's `next`, to answer the entries after it" }),
    ),
  },
  closed,
);

export const AccountTxsResult = Type.Object(
  {
    address: Address,
    txs: Type.Array(
      Type.Object(
        {
          id: Hash,
          height: U64,
          index: Integer,
          sender: Address,
          direction: Type.Union([Type.Literal('sent'), Type.Literal('received')]),
          tx: TxJson,
          bytes: Hex,
        },
        closed,
      ),
      { description: 'newest first: height, then position in the block, descending' },
    ),
    next: Nullable(Type.String(), { description: 'RPC-16: the cursor of the next page; null on the last' }),
  },
  closed,
);

export const AccountResult = Type.Object(
  {
    address: Address,
    balance: U64,
    nonce: U64,
    height: U64,
    multisig: Nullable(MultisigKeyJson),
  },
  closed,
);

export const ValidatorsResult = Type.Object(
  {
    height: Type.Union([U64], { description: 'VAL-3: the height this set signs, the one being decided' }),
    totalPower: U64,
    validators: Type.Array(
      Type.Object(
        {
          index: Integer,
          name: Type.String(),
          address: Address,
          publicKey: Hash,
          power: U64,
          operator: Type.Union([Address], { description: 'VAL-1: the account that acts for it in governance' }),
        },
        closed,
      ),
    ),
    jailed: Type.Array(
      Type.Object(
        {
          publicKey: Hash,
          address: Address,
          evidenceHeight: U64,
          jailedHeight: U64,
          name: Nullable(Type.String()),
          power: Nullable(U64),
          operator: Nullable(Address),
        },
        { ...closed, description: 'VAL-10: null name, power and operator: it had left the set when jailed' },
      ),
      { description: 'VAL-10: the validators jailed in the committed state, whatever height is asked' },
    ),
    next: Type.Optional(
      Nullable(Type.String(), { description: 'RPC-2, a page only: the cursor of the next page; null on the last' }),
    ),
  },
  closed,
);

export const ValidatorSigningParams = Type.Object(
  {
    blocks: Type.Optional(Type.Union([U64], { description: 'RPC-17: how many of the last heights, 1 to 1000 (100)' })),
  },
  closed,
);

export const ValidatorSigningResult = Type.Object(
  {
    from: U64,
    to: U64,
    validators: Type.Array(
      Type.Object(
        {
          publicKey: Hash,
          address: Address,
          name: Type.String(),
          inSet: Type.Union([Type.Boolean()], { description: 'in the set of the height after `to`' }),
          signed: Integer,
          missed: Integer,
          proposed: Integer,
        },
        closed,
      ),
    ),
  },
  closed,
);

export const SubmitMode = Type.Union([Type.Literal('async'), Type.Literal('sync'), Type.Literal('commit')], {
  description: 'async: after decoding; sync (default): after mempool admission; commit: after inclusion',
});

export const SubmitTxParams = Type.Object(
  { tx: NonEmptyHex, mode: Type.Optional(SubmitMode) },
  { ...closed, description: 'tx: the canonical Tx encoding as hex' },
);

const AdmissionStatus = Type.Union([Type.Literal('pending'), Type.Literal('queued')]);

export const SubmitTxAsyncResult = Type.Object({ id: Hash }, { ...closed, title: 'async' });
export const SubmitTxSyncResult = Type.Object({ id: Hash, status: AdmissionStatus }, { ...closed, title: 'sync' });
export const SubmitTxCommitResult = Type.Object(
  { id: Hash, height: U64, index: Integer },
  { ...closed, title: 'commit' },
);
export const SubmitTxResult = Type.Union([SubmitTxAsyncResult, SubmitTxSyncResult, SubmitTxCommitResult]);

/** RPC-7: the most transactions one `submit_txs` request carries. */
export const MAX_BATCH_TXS = 128;

export const SubmitTxsParams = Type.Object(
  { txs: Type.Array(NonEmptyHex, { minItems: 1, maxItems: MAX_BATCH_TXS }) },
  { ...closed, description: 'txs: canonical Tx encodings as hex, admitted in this order' },
);

export const SubmitTxsAdmitted = Type.Object({ id: Hash, status: AdmissionStatus }, { ...closed, title: 'admitted' });
export const SubmitTxsRefused = Type.Object(
  {
    id: Type.Optional(Hash),
    error: Type.Object({ code: Type.String(), message: Type.String() }, closed),
  },
  { ...closed, title: 'refused' },
);
export const SubmitTxsResult = Type.Object(
  { results: Type.Array(Type.Union([SubmitTxsAdmitted, SubmitTxsRefused])) },
  closed,
);

export const CheckTxParams = Type.Object({ tx: NonEmptyHex }, closed);

export const CheckTxResult = Type.Object(
  {
    id: Hash,
    sender: Address,
    recipient: Address,
    amount: U64,
    fee: U64,
    nonce: U64,
    accountNonce: U64,
    size: Integer,
  },
  closed,
);

export const MempoolResult = Type.Object(
  {
    pendingTxs: Integer,
    pendingBytes: Integer,
    queuedTxs: Integer,
    queuedBytes: Integer,
    senders: Integer,
    oldestQueuedBlocks: Integer,
    oldestQueuedMs: Integer,
    peers: Integer,
  },
  closed,
);

// ---------------------------------------------------------------------------------------------------------------
// Envelopes
// ---------------------------------------------------------------------------------------------------------------

export const RestError = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String({ description: 'the stable code of the spec (RPC-12)' }),
        message: Type.String(),
        meta: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      },
      closed,
    ),
  },
  closed,
);

const JsonRpcId = Type.Union([Type.String(), Type.Number(), Type.Null()]);

export const JsonRpcRequest = Type.Object(
  {
    jsonrpc: Type.Literal('2.0'),
    id: Type.Optional(JsonRpcId),
    method: Type.String(),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { description: 'a JSON-RPC 2.0 request (or an array of at most 20 of them)' },
);

export const JsonRpcResponse = Type.Union([
  Type.Object({ jsonrpc: Type.Literal('2.0'), id: JsonRpcId, result: Type.Unknown() }, { title: 'success' }),
  Type.Object(
    {
      jsonrpc: Type.Literal('2.0'),
      id: JsonRpcId,
      error: Type.Object({
        code: Type.Integer(),
        message: Type.String(),
        data: Type.Object({
          code: Type.String(),
          meta: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
        }),
      }),
    },
    { title: 'error' },
  ),
]);

export const DenylistParams = Type.Object({ peerIds: Type.Array(Type.String(), { maxItems: 1000 }) }, closed);
export const OkResult = Type.Object({ ok: Type.Literal(true) }, closed);

// ---------------------------------------------------------------------------------------------------------------
// Websocket (RPC-9)
// ---------------------------------------------------------------------------------------------------------------

export const SubscribeParams = Type.Union([
  Type.Object({ event: Type.Literal('blocks') }, closed),
  Type.Object({ event: Type.Literal('tx'), id: Hash }, closed),
]);
export const UnsubscribeParams = Type.Object({ subscription: Type.String() }, closed);

export const BlockNotification = Type.Object(
  { ...BlockSummary.properties, txIds: Type.Array(Hash), subscription: Type.String() },
  closed,
);
