/**
 * The methods of specs/rpc.md (RPC-2..RPC-8) as one table: each has a params schema, a result schema and one
 * handler, reached both through its REST route and as a JSON-RPC method of the same name.
 */
import {
  AccountParams,
  AccountResult,
  AccountTxsParams,
  AccountTxsResult,
  BlockByHashParams,
  BlockParams,
  BlockResult,
  BlocksParams,
  BlocksResult,
  CheckTxParams,
  CheckTxResult,
  type Json,
  MAX_BATCH_TXS,
  MempoolResult,
  NoParams,
  ProposalsParams,
  ProposalsResult,
  StatusResult,
  type SubmitTxCommitResult,
  SubmitTxParams,
  SubmitTxResult,
  type SubmitTxSyncResult,
  SubmitTxsParams,
  SubmitTxsResult,
  TxParams,
  TxResult,
  UINT64_MAX,
  UpgradeResult,
  ValidatorSigningParams,
  ValidatorSigningResult,
  ValidatorsParams,
  ValidatorsResult,
} from '@babychain/api';
import { type BabyError, decodeTx, fromHex, isBabyError, type MetaOf, toHex, txId } from '@babychain/codec';
import type { Static, TSchema } from 'typebox';
import type { BlockEvent, RpcBackend, RpcLogger } from './backend.ts';
import { RpcErrorCode, rpcError, txDropped } from './errors.ts';

/** RPC-4: at most this many blocks per `blocks` call. */
export const MAX_BLOCK_RANGE = 1000n;
/** RPC-10: a `blocks` call costs one request per this many heights of its range, rounded up. */
export const BLOCKS_PER_REQUEST = 10n;
/** RPC-4 and RPC-16: entries per `blocks` or `account_txs` page: the default and the most. */
export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;
/** RPC-17: heights a `validator_signing` call covers: the default and the most. */
export const DEFAULT_SIGNING_BLOCKS = 100;
export const MAX_SIGNING_BLOCKS = 1000;
/** RPC-7: how long `submit_tx` in mode commit waits for the inclusion. */
export const DEFAULT_COMMIT_TIMEOUT_MS = 30_000;

export interface MethodContext {
  readonly backend: RpcBackend;
  readonly logger: RpcLogger | undefined;
  readonly commitTimeoutMs: number;
  /** commit waits in progress, ended when the server closes */
  readonly waiters: Set<(err: Error) => void>;
}

/** Where the REST form of a method takes its params from ('path+query': the url's `:names`, the rest the query). */
export type ParamSource = 'none' | 'params' | 'query' | 'body' | 'path+query';

export interface MethodSpec<P extends TSchema = TSchema, R extends TSchema = TSchema> {
  readonly name: string;
  readonly summary: string;
  readonly params: P;
  readonly result: R;
  readonly rest: { readonly method: 'GET' | 'POST'; readonly url: string; readonly from: ParamSource };
  /** answers the result schema's JSON: a handler answering another shape fails the typecheck */
  readonly handler: (ctx: MethodContext, params: Static<P>) => Promise<Json<R>>;
  /** RPC-10: the requests of the client's budget a call costs, by its valid params; 1 when absent */
  readonly cost?: (params: Static<P>) => number;
}

/** RPC-10: the requests a call costs beyond the one every request pays, by its (valid) params. */
export function costBeyondFirst(spec: MethodSpec, params: unknown): number {
  return (spec.cost?.(params as never) ?? 1) - 1;
}

function method<P extends TSchema, R extends TSchema>(spec: MethodSpec<P, R>): MethodSpec {
  return spec as unknown as MethodSpec;
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

function u64(text: string, what: string): bigint {
  const value = BigInt(text);
  if (value > UINT64_MAX) throw rpcError(RpcErrorCode.BAD_REQUEST, `${what} exceeds 2^64-1`, { [what]: text });
  return value;
}

function bounded(value: bigint, least: bigint, most: bigint, what: 'limit' | 'blocks'): bigint {
  if (value < least || value > most) {
    throw rpcError(RpcErrorCode.BAD_REQUEST, `${what} must be ${least} to ${most}`, { [what]: String(value) });
  }
  return value;
}

/** RPC-4: the range asked for, or undefined for a page; a half range, or a range with page params, is refused. */
function blockRange(params: Static<typeof BlocksParams>): { from: bigint; to: bigint } | undefined {
  const { from, to, limit, cursor } = params;
  if (from === undefined && to === undefined) return undefined;
  if (from === undefined || to === undefined || limit !== undefined || cursor !== undefined) {
    throw rpcError(
      RpcErrorCode.BAD_REQUEST,
      'give from and to (a range), or limit and cursor (a page), not both',
      params,
    );
  }
  return { from: u64(from, 'from'), to: u64(to, 'to') };
}

/** RPC-4 and RPC-16: entries per page, `limit` when given (1 to MAX_PAGE), else DEFAULT_PAGE. */
function pageLimit(limit: string | undefined): number {
  return limit === undefined ? DEFAULT_PAGE : Number(bounded(u64(limit, 'limit'), 1n, BigInt(MAX_PAGE), 'limit'));
}

/** RPC-16: a cursor this node issued, `<height>-<index>` of the last entry of a page. */
function readCursor(cursor: string): { height: bigint; index: number } {
  const m = /^(0|[1-9][0-9]{0,19})-(0|[1-9][0-9]{0,9})$/.exec(cursor);
  const height = m === null ? undefined : BigInt(m[1] as string);
  const index = m === null ? undefined : Number(m[2]);
  if (height === undefined || index === undefined || height > UINT64_MAX || index > 0xffffffff) {
    throw rpcError(RpcErrorCode.BAD_REQUEST, 'not a cursor this node issued', { cursor });
  }
  return { height, index };
}

function found<T>(value: T | undefined, message: string, meta: MetaOf<typeof RpcErrorCode.NOT_FOUND>): T {
  if (value === undefined) throw rpcError(RpcErrorCode.NOT_FOUND, message, meta);
  return value;
}

/** Mempool admission of one transaction, its signatures verified off the main thread first when the backend can. */
async function admit(backend: RpcBackend, bytes: Uint8Array): Promise<Json<typeof SubmitTxSyncResult>> {
  await backend.precheckTxs?.([bytes]);
  return backend.submitTx(bytes);
}

type Included = Json<typeof SubmitTxCommitResult>;

/** RPC-7 mode commit: admits the transaction, then waits for the block that includes it. */
async function submitAndWait(ctx: MethodContext, bytes: Uint8Array): Promise<Included> {
  const { backend } = ctx;
  let unsubscribe = (): void => {};
  let settle: ((err: Error | undefined, value?: Included) => void) | undefined;
  let idHex = '';
  const included = new Promise<Included>((resolve, reject) => {
    settle = (err, value) => (err === undefined ? resolve(value as Included) : reject(err));
  });
  // Subscribe before admitting, so that no block can commit it unseen.
  unsubscribe = backend.subscribeBlocks((event: BlockEvent) => {
    const index = event.txIds.indexOf(idHex);
    if (index >= 0) {
      settle?.(undefined, { id: idHex, height: event.summary.height, index });
      return;
    }
    // The block's recheck may have dropped it: then no later block will include it through this node.
    const dropped = idHex === '' ? undefined : backend.dropped(idHex);
    if (dropped !== undefined) settle?.(txDropped(idHex, dropped));
  });
  const abort = (err: Error) => settle?.(err);
  const timer = setTimeout(
    () =>
      settle?.(
        rpcError(RpcErrorCode.TIMEOUT, `transaction ${idHex} not committed within ${ctx.commitTimeoutMs} ms`, {
          id: idHex,
          timeoutMs: ctx.commitTimeoutMs,
        }),
      ),
    ctx.commitTimeoutMs,
  );
  ctx.waiters.add(abort);
  try {
    idHex = (await admit(backend, bytes)).id;
    return await included;
  } finally {
    clearTimeout(timer);
    unsubscribe();
    ctx.waiters.delete(abort);
  }
}

export const METHODS: readonly MethodSpec[] = [
  method({
    name: 'status',
    summary: 'Chain id, maturity, height, version, sync state, peers, validator info, block time and finality',
    params: NoParams,
    result: StatusResult,
    rest: { method: 'GET', url: '/status', from: 'none' },
    handler: (ctx) => ctx.backend.status(),
  }),
  method({
    name: 'block',
    summary: 'A committed block by height ("latest": the last committed one), with its commit',
    params: BlockParams,
    result: BlockResult,
    rest: { method: 'GET', url: '/blocks/:height', from: 'params' },
    handler: async (ctx, { height }) => {
      const h = height === 'latest' ? 'latest' : u64(height, 'height');
      return found(await ctx.backend.block(h), `no committed block at height ${height}`, { height });
    },
  }),
  method({
    name: 'block_by_hash',
    summary: 'A committed block by its hash (ENC-13)',
    params: BlockByHashParams,
    result: BlockResult,
    rest: { method: 'GET', url: '/blocks/hash/:hash', from: 'params' },
    handler: async (ctx, { hash }) =>
      found(await ctx.backend.blockByHash(hash), `no committed block with hash ${hash}`, { hash }),
  }),
  method({
    name: 'blocks',
    summary: `Summaries of the committed blocks in [from, to] (at most ${MAX_BLOCK_RANGE}), or a page of the newest`,
    params: BlocksParams,
    result: BlocksResult,
    rest: { method: 'GET', url: '/blocks', from: 'query' },
    cost: (params) => {
      const range = blockRange(params);
      const heights =
        range === undefined ? BigInt(pageLimit(params.limit)) : range.to < range.from ? 1n : range.to - range.from + 1n;
      return Number((min(heights, MAX_BLOCK_RANGE) + BLOCKS_PER_REQUEST - 1n) / BLOCKS_PER_REQUEST);
    },
    handler: async (ctx, params) => {
      const range = blockRange(params);
      if (range !== undefined) {
        const { from, to } = range;
        if (to < from || to - from >= MAX_BLOCK_RANGE) {
          throw rpcError(RpcErrorCode.BAD_REQUEST, `from <= to and to - from < ${MAX_BLOCK_RANGE}`, params);
        }
        return { blocks: await ctx.backend.blocks(from, to) };
      }
      // A page: from the cursor (the tip when absent or above it) down, newest first.
      const n = BigInt(pageLimit(params.limit));
      const tip = BigInt((await ctx.backend.status()).height);
      const asked = params.cursor === undefined ? tip : u64(params.cursor, 'cursor');
      const top = min(asked, tip);
      if (top < 1n) return { blocks: [], next: null };
      const bottom = top >= n ? top - n + 1n : 1n;
      const blocks = [...(await ctx.backend.blocks(bottom, top))].reverse();
      return { blocks, next: bottom > 1n ? String(bottom - 1n) : null };
    },
  }),
  method({
    name: 'tx',
    summary: 'A committed transaction by id (TX-4)',
    params: TxParams,
    result: TxResult,
    rest: { method: 'GET', url: '/txs/:id', from: 'params' },
    handler: async (ctx, { id }) => {
      const answer = await ctx.backend.tx(id);
      const dropped = answer === undefined ? ctx.backend.dropped(id) : undefined;
      if (dropped !== undefined) throw txDropped(id, dropped);
      const tx = found(answer, `unknown transaction ${id}`, { id });
      if ('pending' in tx) {
        throw rpcError(RpcErrorCode.NOT_FOUND, `transaction ${id} is in the mempool, not committed yet`, {
          id,
          pending: true,
        });
      }
      return tx;
    },
  }),
  method({
    name: 'account',
    summary: 'Balance, nonce and multisig key of an account at the last committed height',
    params: AccountParams,
    result: AccountResult,
    rest: { method: 'GET', url: '/accounts/:address', from: 'params' },
    handler: (ctx, { address }) => ctx.backend.account(address),
  }),
  method({
    name: 'account_txs',
    summary: `An account's committed transactions, newest first, ${DEFAULT_PAGE} (at most ${MAX_PAGE}) a page`,
    params: AccountTxsParams,
    result: AccountTxsResult,
    rest: { method: 'GET', url: '/accounts/:address/txs', from: 'path+query' },
    handler: async (ctx, { address, limit, cursor }) => {
      const n = pageLimit(limit);
      const before = cursor === undefined ? undefined : readCursor(cursor);
      // one more than asked says whether a next page exists, so the last page's `next` is null
      const page = await ctx.backend.accountTxs(address, n + 1, before);
      const txs = page.txs.slice(0, n);
      const last = txs.at(-1);
      const next = page.txs.length > n && last !== undefined ? `${last.height}-${last.index}` : null;
      return { address: page.address, txs, next };
    },
  }),
  method({
    name: 'validator_signing',
    summary: `Who signed, missed and proposed the last blocks (${DEFAULT_SIGNING_BLOCKS}, at most ${MAX_SIGNING_BLOCKS})`,
    params: ValidatorSigningParams,
    result: ValidatorSigningResult,
    rest: { method: 'GET', url: '/validators/signing', from: 'query' },
    cost: (params) => {
      const blocks = params.blocks === undefined ? BigInt(DEFAULT_SIGNING_BLOCKS) : u64(params.blocks, 'blocks');
      return Number((min(blocks, BigInt(MAX_SIGNING_BLOCKS)) + BLOCKS_PER_REQUEST - 1n) / BLOCKS_PER_REQUEST);
    },
    handler: async (ctx, { blocks }) => {
      const n =
        blocks === undefined
          ? DEFAULT_SIGNING_BLOCKS
          : Number(bounded(u64(blocks, 'blocks'), 1n, BigInt(MAX_SIGNING_BLOCKS), 'blocks'));
      return ctx.backend.validatorSigning(n);
    },
  }),
  method({
    name: 'validators',
    summary: 'The validator set that signs a height (CONS-2 order, VAL-3) and its total power',
    params: ValidatorsParams,
    result: ValidatorsResult,
    rest: { method: 'GET', url: '/validators', from: 'query' },
    handler: async (ctx, { height, limit, cursor }) => {
      const h = height === undefined ? undefined : u64(height, 'height');
      const set = found(await ctx.backend.validators(h), `no validator set known for height ${height}`, {
        ...(height === undefined ? {} : { height }),
      });
      if (limit === undefined && cursor === undefined) return set;
      // A page of the set, by CONS-2 index; the total power and the jailed list stay the whole set's.
      const from = cursor === undefined ? 0 : Number(min(u64(cursor, 'cursor'), BigInt(set.validators.length)));
      const end = from + pageLimit(limit);
      const next = end < set.validators.length ? String(end) : null;
      return { ...set, validators: set.validators.slice(from, end), next };
    },
  }),
  method({
    name: 'proposals',
    summary: `The proposals in voting and the decided ones the record keeps, newest first, ${DEFAULT_PAGE} a page`,
    params: ProposalsParams,
    result: ProposalsResult,
    rest: { method: 'GET', url: '/proposals', from: 'query' },
    handler: async (ctx, { limit, cursor }) => {
      const { proposals, results } = (await ctx.backend.upgrade()).governance;
      const all = [...proposals.map((p) => ({ ...p, status: 'voting' as const })), ...results].sort((a, b) =>
        BigInt(a.id) < BigInt(b.id) ? 1 : -1,
      );
      const top = cursor === undefined ? undefined : u64(cursor, 'cursor');
      const from = top === undefined ? all : all.filter((p) => BigInt(p.id) <= top);
      const n = pageLimit(limit);
      const page = from.slice(0, n);
      const after = from[n];
      return { proposals: page, next: after === undefined ? null : after.id };
    },
  }),
  method({
    name: 'upgrade',
    summary: 'Governance and upgrades: the scheduled plan, ready power, proposals, results and applied upgrades',
    params: NoParams,
    result: UpgradeResult,
    rest: { method: 'GET', url: '/upgrade', from: 'none' },
    handler: (ctx) => ctx.backend.upgrade(),
  }),
  method({
    name: 'submit_tx',
    summary: 'Submits a transaction: mode async (decoded), sync (admitted to the mempool) or commit (included)',
    params: SubmitTxParams,
    result: SubmitTxResult,
    rest: { method: 'POST', url: '/txs', from: 'body' },
    handler: async (ctx, { tx, mode }) => {
      const bytes = fromHex(tx);
      switch (mode ?? 'sync') {
        case 'async': {
          decodeTx(bytes);
          const id = toHex(txId(bytes));
          setImmediate(async () => {
            try {
              await admit(ctx.backend, bytes);
            } catch (err) {
              if (!isBabyError(err)) ctx.logger?.warn('async submission failed', { id }, err);
              else ctx.logger?.debug('async submission refused', { id, code: err.code });
            }
          });
          return { id };
        }
        case 'commit':
          return submitAndWait(ctx, bytes);
        default:
          return admit(ctx.backend, bytes);
      }
    },
  }),
  method({
    name: 'submit_txs',
    summary: `Submits up to ${MAX_BATCH_TXS} transactions in order, each admitted as sync mode does; one result per transaction`,
    params: SubmitTxsParams,
    result: SubmitTxsResult,
    rest: { method: 'POST', url: '/txs/batch', from: 'body' },
    // each transaction is decoded and its signatures checked, as many submit_tx calls would
    cost: ({ txs }) => Math.max(1, txs.length),
    handler: async (ctx, { txs }) => {
      const decoded = txs.map((hex): Uint8Array | BabyError => {
        try {
          return fromHex(hex);
        } catch (err) {
          if (!isBabyError(err)) throw err;
          return err;
        }
      });
      await ctx.backend.precheckTxs?.(decoded.filter((d) => d instanceof Uint8Array));
      return {
        results: decoded.map((bytes) => {
          if (!(bytes instanceof Uint8Array)) return { error: { code: bytes.code, message: bytes.message } };
          try {
            return ctx.backend.submitTx(bytes);
          } catch (err) {
            if (!isBabyError(err)) throw err;
            return { id: toHex(txId(bytes)), error: { code: err.code, message: err.message } };
          }
        }),
      };
    },
  }),
  method({
    name: 'check_tx',
    summary: 'APP-1 against the committed state, without admitting the transaction',
    params: CheckTxParams,
    result: CheckTxResult,
    rest: { method: 'POST', url: '/txs/check', from: 'body' },
    handler: (ctx, { tx }) => ctx.backend.checkTx(fromHex(tx)),
  }),
  method({
    name: 'mempool',
    summary: 'Mempool statistics',
    params: NoParams,
    result: MempoolResult,
    rest: { method: 'GET', url: '/mempool', from: 'none' },
    handler: async (ctx) => ctx.backend.mempool(),
  }),
];

export const METHODS_BY_NAME: ReadonlyMap<string, MethodSpec> = new Map(METHODS.map((m) => [m.name, m]));
