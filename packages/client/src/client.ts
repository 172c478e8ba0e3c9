/**
 * BabyClient: typed calls to a node's REST API (specs/rpc.md). Only `fetch` is used, so the same code runs in Node
 * and in a browser bundle.
 */
import type { Commit, Header, Tx } from '@babychain/codec';
import { BabyError, blockHash, decode, isBabyError, toHex, txId } from '@babychain/codec';
import { type BlockSummary, parseBlockSummary } from './block-summary.ts';
import { ClientErrorCode, clientError } from './errors.ts';
import {
  array,
  bad,
  boolean,
  count,
  countOrNull,
  hexBytes,
  hexItem,
  hexString,
  message,
  type Obj,
  object,
  oneOf,
  string,
  stringItem,
  u64,
} from './parse.ts';
import { type BlockEvent, type BlockSubscription, type SubscribeOptions, subscribeBlocks } from './subscribe.ts';

export interface ClientOptions {
  /** The node's RPC base URL, e.g. `http://127.0.0.1:26657`. */
  readonly url: string;
  /** Defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Per request, default 10 000. A `commit` submit gets 30 s more, the node's own limit for it. */
  readonly timeoutMs?: number;
}

export type Maturity = 'baby' | 'grown-up';

/** Percentiles of recent durations, as a node measures block time and finality. */
export interface DurationSummary {
  readonly p50: number | null;
  readonly p99: number | null;
  readonly samples: number;
}

export interface NodeStatus {
  readonly chainId: string;
  readonly moniker: string;
  readonly version: string;
  readonly nodeId: string;
  readonly maturity: Maturity;
  /** last committed height */
  readonly height: bigint;
  readonly lastBlockHash: string;
  readonly appHash: string;
  readonly lastBlockTimeMs: bigint;
  readonly round: number;
  readonly step: string;
  readonly syncing: boolean;
  readonly peers: number;
  readonly peerIds: readonly string[];
  readonly validator: { readonly index: number; readonly address: string; readonly power: bigint } | null;
  readonly blockTimeMs: DurationSummary;
  readonly finalityMs: DurationSummary;
  readonly evidence: number;
  readonly mempool: { readonly txs: number; readonly bytes: number };
  /** UPG-3: the app version in force (0 from a node that predates governance) */
  readonly appVersion: number;
  /** the scheduled upgrade and the voting power whose launcher is ready for it (UPG-6); null when none */
  readonly upgrade: ScheduledUpgrade | null;
  /** the chain parameters (GEN-5): the minimum fee and the block limits */
  readonly params: { readonly minFee: bigint; readonly maxBlockBytes: bigint; readonly maxBlockTxs: number };
}

export interface ScheduledUpgrade {
  readonly name: string;
  readonly height: bigint;
  /** the release version the plan's manifest names */
  readonly version: string;
  readonly readyPower: bigint;
  readonly totalPower: bigint;
}

export interface MultisigInfo {
  readonly threshold: number;
  readonly publicKeys: readonly Uint8Array[];
}

export interface AccountInfo {
  readonly address: string;
  readonly balance: bigint;
  readonly nonce: bigint;
  /** the committed height the balance and nonce were read at */
  readonly height: bigint;
  /** the key of the account's latest sent transaction when it is a multisig key */
  readonly multisig: MultisigInfo | null;
}

export interface BlockRecord {
  readonly height: bigint;
  /** hex; checked against the header */
  readonly hash: string;
  readonly header: Header;
  /** hex; checked against `txs` */
  readonly txIds: readonly string[];
  readonly txs: readonly Uint8Array[];
  /** the commit certifying the block, when the node has it */
  readonly commit: Commit | null;
}

export interface TxInfo {
  readonly id: string;
  readonly height: bigint;
  readonly index: number;
  /** bech32m address of the signer */
  readonly sender: string;
  /** decoded from `bytes` */
  readonly tx: Tx;
  /** the transaction's canonical bytes; their hash is `id` (checked) */
  readonly bytes: Uint8Array;
}

export interface ValidatorInfo {
  readonly index: number;
  readonly name: string;
  readonly address: string;
  readonly publicKey: Uint8Array;
  readonly power: bigint;
}

export interface ValidatorsInfo {
  readonly height: bigint;
  readonly totalPower: bigint;
  readonly validators: readonly ValidatorInfo[];
}

/** GOV-6: voting power per option, and the total it is measured against. */
export interface TallyInfo {
  readonly yes: bigint;
  readonly no: bigint;
  readonly abstain: bigint;
  readonly veto: bigint;
  readonly totalPower: bigint;
}

export type ProposalKind = 'software-upgrade' | 'cancel-upgrade' | 'param-change';
export type ProposalOutcome = 'passed' | 'rejected' | 'vetoed' | 'no-quorum' | 'failed';

/** A proposal in voting with its running tally. Addresses and keys stay lowercase hex, as the node sends them. */
export interface ProposalInfo {
  readonly id: bigint;
  readonly title: string;
  readonly kind: ProposalKind;
  /** hex address */
  readonly proposer: string;
  readonly deposit: bigint;
  readonly submitHeight: bigint;
  readonly votingEndHeight: bigint;
  /** the plan a software upgrade schedules, or a cancel removes */
  readonly planName?: string;
  readonly tally: TallyInfo;
}

export interface ProposalResultInfo {
  readonly id: bigint;
  readonly title: string;
  readonly status: ProposalOutcome;
  readonly tally: TallyInfo;
  readonly endHeight: bigint;
  /** for `failed`: the error code */
  readonly reason: string;
}

/** UPG-1: the scheduled plan with its release manifest (REL-1). */
export interface PlanInfo {
  readonly name: string;
  readonly height: bigint;
  readonly appVersion: number;
  readonly version: string;
  /** hex of the canonical SignedManifest encoding */
  readonly manifest: string;
  readonly urls: readonly string[];
  readonly artifacts: readonly { readonly platform: string; readonly sha256: string; readonly size: bigint }[];
  /** UPG-8: what consensus checked the release against when the plan passed; a launcher checks the same */
  readonly decision: PlanDecisionInfo;
}

export interface PlanDecisionInfo {
  readonly height: bigint;
  readonly timeMs: bigint;
  readonly versionInForce: string;
  /** hex ed25519 keys */
  readonly releaseSigners: readonly string[];
  readonly releaseThreshold: number;
}

export interface AttestationInfo {
  readonly planName: string;
  /** hex address */
  readonly validator: string;
  readonly platform: string;
  /** hex */
  readonly sha256: string;
}

export interface AppliedUpgradeInfo {
  readonly name: string;
  readonly height: bigint;
  readonly appVersion: number;
  readonly version: string;
}

/** GOV-2 parameters in force, without the release signers (those are on `GovernanceInfo`). */
export interface GovParamsInfo {
  readonly minDeposit: bigint;
  readonly babyVotingPeriod: bigint;
  readonly grownUpVotingPeriod: bigint;
  readonly babyUpgradeDelay: bigint;
  readonly grownUpUpgradeDelay: bigint;
}

/** The governance record in force (GOV-3). */
export interface GovernanceInfo {
  readonly maturity: Maturity;
  readonly appVersion: number;
  /** the release version of the last applied upgrade, "" before any */
  readonly version: string;
  /** GOV-3: the last applied release, else the genesis `releaseVersion`; a release must be above it */
  readonly versionInForce: string;
  /** hex ed25519 keys */
  readonly releaseSigners: readonly string[];
  readonly releaseThreshold: number;
  readonly plan: PlanInfo | null;
  /** UPG-6: hex addresses of the validators ready for `plan`, and their power */
  readonly ready: { readonly validators: readonly string[]; readonly power: bigint; readonly totalPower: bigint };
  readonly attestations: readonly AttestationInfo[];
  readonly proposals: readonly ProposalInfo[];
  readonly results: readonly ProposalResultInfo[];
  readonly applied: readonly AppliedUpgradeInfo[];
  readonly params: { readonly minFee: bigint; readonly maxBlockBytes: bigint; readonly maxBlockTxs: number };
  readonly govParams: GovParamsInfo;
}

export interface UpgradeStatus {
  readonly chainId: string;
  readonly height: bigint;
  /** the release the node runs */
  readonly nodeVersion: string;
  /** the upgrade plans the node's software can apply (UPG-4) */
  readonly handlers: readonly string[];
  readonly governance: GovernanceInfo;
}

export interface MempoolInfo {
  readonly pendingTxs: number;
  readonly pendingBytes: number;
  readonly queuedTxs: number;
  readonly queuedBytes: number;
  readonly senders: number;
}

export type SubmitMode = 'async' | 'sync' | 'commit';

export interface SubmitResult {
  readonly id: string;
  /** sync: `pending` (executable next) or `queued` (waiting for a lower nonce) */
  readonly status?: 'pending' | 'queued';
  /** commit: where the transaction was included */
  readonly height?: bigint;
  readonly index?: number;
}

/** One transaction's answer in `submitBatch`: admitted (`status`) or refused (`error`, with the node's code). */
export type BatchEntry =
  | { readonly id: string; readonly status: 'pending' | 'queued' }
  | { readonly id: string; readonly error: { readonly code: string; readonly message: string } };

export interface CheckResult {
  readonly id: string;
  readonly sender: string;
  readonly fee: bigint;
  readonly nonce: bigint;
  /** the sender's nonce in the committed state */
  readonly accountNonce: bigint;
}

export interface WaitOptions {
  /** default 30 000 */
  readonly timeoutMs?: number;
  /** between polls, default 250 */
  readonly pollMs?: number;
  /** called after each poll that did not find the transaction */
  readonly onProgress?: (elapsedMs: number) => void;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
/** How long a node holds a `commit` submit before answering RPC_TIMEOUT (specs/rpc.md). */
const COMMIT_WAIT_MS = 30_000;
const DEFAULT_WAIT_MS = 30_000;
const DEFAULT_POLL_MS = 250;
const TX_ID = /^[0-9a-f]{64}$/;

type Request = { readonly method: 'GET' } | { readonly method: 'POST'; readonly body: unknown };

export class BabyClient {
  readonly url: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(options: ClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** `GET /status` */
  async status(): Promise<NodeStatus> {
    return parseStatus(await this.#call('/status', { method: 'GET' }));
  }

  /** `GET /accounts/{address}`: balance and nonce at the last committed height. */
  async account(address: string): Promise<AccountInfo> {
    return parseAccount(await this.#call(`/accounts/${encodeURIComponent(address)}`, { method: 'GET' }));
  }

  /** `GET /blocks/{height}` or `/blocks/latest`; a height not committed yet is RPC_NOT_FOUND. */
  async block(height: bigint | 'latest'): Promise<BlockRecord> {
    const which = height === 'latest' ? 'latest' : height.toString();
    return parseBlock(await this.#call(`/blocks/${which}`, { method: 'GET' }));
  }

  /** `GET /blocks/hash/{hash}` */
  async blockByHash(hash: string): Promise<BlockRecord> {
    return parseBlock(await this.#call(`/blocks/hash/${encodeURIComponent(hash.toLowerCase())}`, { method: 'GET' }));
  }

  /** Every block the node commits from now on, with its transaction ids, over the websocket (RPC-9). */
  subscribeBlocks(onBlock: (block: BlockEvent) => void, options: SubscribeOptions = {}): BlockSubscription {
    return subscribeBlocks(this.url, onBlock, options);
  }

  /** `GET /blocks?from=&to=`: summaries of the committed blocks in [from, to] (at most 1000). */
  async blocks(from: bigint, to: bigint): Promise<BlockSummary[]> {
    const json = object(await this.#call(`/blocks?from=${from}&to=${to}`, { method: 'GET' }), 'blocks');
    return array(json, 'blocks', 'blocks', parseBlockSummary);
  }

  /** `GET /txs/{id}`: a committed transaction, or null when the node does not know it or holds it only pending. */
  async tx(id: string): Promise<TxInfo | null> {
    return this.#tx(id, this.#timeoutMs);
  }

  /** `GET /validators` */
  async validators(): Promise<ValidatorsInfo> {
    return parseValidators(await this.#call('/validators', { method: 'GET' }));
  }

  /** `GET /upgrade`: governance and upgrades (specs/governance.md), for wallets, operators and launchers. */
  async upgrade(): Promise<UpgradeStatus> {
    return parseUpgrade(await this.#call('/upgrade', { method: 'GET' }));
  }

  /** `GET /mempool` */
  async mempool(): Promise<MempoolInfo> {
    const o = object(await this.#call('/mempool', { method: 'GET' }), 'mempool');
    return {
      pendingTxs: count(o, 'pendingTxs', 'mempool'),
      pendingBytes: count(o, 'pendingBytes', 'mempool'),
      queuedTxs: count(o, 'queuedTxs', 'mempool'),
      queuedBytes: count(o, 'queuedBytes', 'mempool'),
      senders: count(o, 'senders', 'mempool'),
    };
  }

  /**
   * `POST /txs`: async answers once the bytes decode, sync (default) after mempool admission, commit after
   * inclusion. The id the node answers must be the hash of `tx` (else CLIENT_BAD_RESPONSE).
   */
  async submit(tx: Uint8Array, mode: SubmitMode = 'sync'): Promise<SubmitResult> {
    const timeoutMs = mode === 'commit' ? this.#timeoutMs + COMMIT_WAIT_MS : this.#timeoutMs;
    const json = await this.#call('/txs', { method: 'POST', body: { tx: toHex(tx), mode } }, timeoutMs);
    const o = object(json, 'submit');
    const id = checkedId(o, 'submit', tx);
    const status = o['status'] === undefined ? undefined : oneOf(o, 'status', 'submit', ['pending', 'queued']);
    if (mode === 'commit') return { id, height: u64(o, 'height', 'submit'), index: count(o, 'index', 'submit') };
    if (mode === 'sync' && status === undefined) throw bad('submit.status', '"pending" or "queued"', undefined);
    return status === undefined ? { id } : { id, status };
  }

  /**
   * `POST /txs/batch` (RPC-7 `submit_txs`): admits up to 128 transactions in order with one request; one entry per
   * transaction, a refused one not stopping the rest. Each id is checked against the bytes it names.
   */
  async submitBatch(txs: readonly Uint8Array[]): Promise<BatchEntry[]> {
    const json = await this.#call('/txs/batch', { method: 'POST', body: { txs: txs.map((t) => toHex(t)) } });
    const results = array(object(json, 'submitBatch'), 'results', 'submitBatch', (v, p) => object(v, p));
    if (results.length !== txs.length) throw bad('submitBatch.results', `${txs.length} entries`, results.length);
    return results.map((o, i): BatchEntry => {
      const p = `submitBatch.results[${i}]`;
      if (o['error'] !== undefined) {
        const e = object(o['error'], `${p}.error`);
        const id = toHex(txId(txs[i] as Uint8Array));
        return { id, error: { code: string(e, 'code', `${p}.error`), message: string(e, 'message', `${p}.error`) } };
      }
      return { id: checkedId(o, p, txs[i] as Uint8Array), status: oneOf(o, 'status', p, ['pending', 'queued']) };
    });
  }

  /** `POST /txs/check`: runs the transaction against the committed state without admitting it. */
  async check(tx: Uint8Array): Promise<CheckResult> {
    const o = object(await this.#call('/txs/check', { method: 'POST', body: { tx: toHex(tx) } }), 'check');
    return {
      id: checkedId(o, 'check', tx),
      sender: string(o, 'sender', 'check'),
      fee: u64(o, 'fee', 'check'),
      nonce: u64(o, 'nonce', 'check'),
      accountNonce: u64(o, 'accountNonce', 'check'),
    };
  }

  /**
   * Polls `tx(id)` until the transaction is committed. Connection failures and slow answers on the way are retried
   * until the deadline; then CLIENT_TIMEOUT (meta: id, waitedMs, lastError). A transaction the node's mempool let
   * go (a recheck after a commit found it can no longer execute, another with its nonce was committed, …) ends the
   * wait at once with the node's RPC_TX_DROPPED (meta: reason, code, message).
   */
  async waitForTx(id: string, options: WaitOptions = {}): Promise<TxInfo> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    const start = Date.now();
    let lastError: string | undefined;
    for (;;) {
      const remaining = timeoutMs - (Date.now() - start);
      if (remaining <= 0) break;
      try {
        const found = await this.#tx(id, Math.min(remaining, this.#timeoutMs));
        if (found !== null) return found;
        lastError = undefined;
      } catch (err) {
        if (!isBabyError(err, ClientErrorCode.UNREACHABLE, ClientErrorCode.TIMEOUT)) throw err;
        lastError = err.message;
      }
      const elapsed = Date.now() - start;
      options.onProgress?.(elapsed);
      if (elapsed >= timeoutMs) break;
      await sleep(Math.min(pollMs, timeoutMs - elapsed));
    }
    throw clientError(ClientErrorCode.TIMEOUT, `transaction ${id} was not committed within ${timeoutMs} ms`, {
      id,
      waitedMs: Date.now() - start,
      ...(lastError === undefined ? {} : { lastError }),
    });
  }

  async #tx(id: string, timeoutMs: number): Promise<TxInfo | null> {
    try {
      return parseTx(await this.#call(`/txs/${encodeURIComponent(id.toLowerCase())}`, { method: 'GET' }, timeoutMs));
    } catch (err) {
      if (isBabyError(err, 'RPC_NOT_FOUND')) return null;
      throw err;
    }
  }

  /** One request: the parsed JSON of a 2xx answer, the node's BabyError for an error answer. */
  async #call(path: string, request: Request, timeoutMs = this.#timeoutMs): Promise<unknown> {
    const url = `${this.url}${path}`;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const init: RequestInit =
      request.method === 'GET'
        ? { method: 'GET', headers: { accept: 'application/json' }, signal: controller.signal }
        : {
            method: 'POST',
            headers: { accept: 'application/json', 'content-type': 'application/json' },
            body: JSON.stringify(request.body),
            signal: controller.signal,
          };
    let status: number;
    let text: string;
    try {
      const fetchFn = this.#fetch;
      const response = await fetchFn(url, init);
      status = response.status;
      text = await response.text();
    } catch (err) {
      if (timedOut) {
        throw clientError(ClientErrorCode.TIMEOUT, `${request.method} ${url}: no answer within ${timeoutMs} ms`, {
          url,
          timeoutMs,
        });
      }
      throw clientError(
        ClientErrorCode.UNREACHABLE,
        `${request.method} ${url}: ${err instanceof Error ? describeNetworkError(err) : String(err)}`,
        { url },
        err,
      );
    } finally {
      clearTimeout(timer);
    }
    return answer(request.method, url, status, text);
  }
}

function answer(method: string, url: string, status: number, text: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw clientError(ClientErrorCode.BAD_RESPONSE, `${method} ${url}: HTTP ${status} with a body that is not JSON`, {
      url,
      status,
      body: text.slice(0, 200),
    });
  }
  if (status >= 200 && status < 300) return json;
  const error = typeof json === 'object' && json !== null ? (json as Obj)['error'] : undefined;
  if (typeof error === 'object' && error !== null) {
    const { code, message, meta } = error as Obj;
    if (typeof code === 'string' && code !== '' && typeof message === 'string') {
      const m =
        typeof meta === 'object' && meta !== null && !Array.isArray(meta) ? (meta as Record<string, unknown>) : {};
      throw new BabyError(code, message, m);
    }
  }
  throw clientError(ClientErrorCode.BAD_RESPONSE, `${method} ${url}: HTTP ${status} without an error object`, {
    url,
    status,
    body: text.slice(0, 200),
  });
}

/** Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ...) is in the cause. */
function describeNetworkError(err: Error): string {
  const cause = err.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${err.message} (${typeof code === 'string' ? code : cause.message})`;
  }
  return err.message;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function checkedId(o: Obj, path: string, tx: Uint8Array): string {
  const id = hexString(o, 'id', path);
  const expected = toHex(txId(tx));
  if (id !== expected) throw bad(`${path}.id`, `the id of the submitted bytes (${expected})`, id);
  return id;
}

function durations(o: Obj, key: string, path: string): DurationSummary {
  const d = object(o[key], `${path}.${key}`);
  const p = `${path}.${key}`;
  return { p50: countOrNull(d, 'p50', p), p99: countOrNull(d, 'p99', p), samples: count(d, 'samples', p) };
}

export function parseStatus(json: unknown): NodeStatus {
  const p = 'status';
  const o = object(json, p);
  const v = o['validator'];
  const validator =
    v === null
      ? null
      : (() => {
          const vo = object(v, `${p}.validator`);
          return {
            index: count(vo, 'index', `${p}.validator`),
            address: string(vo, 'address', `${p}.validator`),
            power: u64(vo, 'power', `${p}.validator`),
          };
        })();
  const mempool = object(o['mempool'], `${p}.mempool`);
  const params = object(o['params'], `${p}.params`);
  return {
    chainId: string(o, 'chainId', p),
    moniker: string(o, 'moniker', p),
    version: string(o, 'version', p),
    nodeId: string(o, 'nodeId', p),
    maturity: oneOf(o, 'maturity', p, ['baby', 'grown-up']),
    height: u64(o, 'height', p),
    lastBlockHash: hexString(o, 'lastBlockHash', p),
    appHash: hexString(o, 'appHash', p),
    lastBlockTimeMs: u64(o, 'lastBlockTimeMs', p),
    round: count(o, 'round', p),
    step: string(o, 'step', p),
    syncing: boolean(o, 'syncing', p),
    peers: count(o, 'peers', p),
    peerIds: array(o, 'peerIds', p, stringItem),
    validator,
    blockTimeMs: durations(o, 'blockTimeMs', p),
    finalityMs: durations(o, 'finalityMs', p),
    evidence: count(o, 'evidence', p),
    mempool: { txs: count(mempool, 'txs', `${p}.mempool`), bytes: count(mempool, 'bytes', `${p}.mempool`) },
    // A node from before governance sends neither field: app version 0 (GOV-3) and nothing scheduled.
    appVersion: o['appVersion'] === undefined ? 0 : count(o, 'appVersion', p),
    upgrade: o['upgrade'] === undefined || o['upgrade'] === null ? null : parseScheduled(o['upgrade'], `${p}.upgrade`),
    params: {
      minFee: u64(params, 'minFee', `${p}.params`),
      maxBlockBytes: u64(params, 'maxBlockBytes', `${p}.params`),
      maxBlockTxs: count(params, 'maxBlockTxs', `${p}.params`),
    },
  };
}

export function parseAccount(json: unknown): AccountInfo {
  const p = 'account';
  const o = object(json, p);
  const m = o['multisig'];
  let multisig: MultisigInfo | null = null;
  if (m !== null && m !== undefined) {
    const mo = object(m, `${p}.multisig`);
    multisig = {
      threshold: count(mo, 'threshold', `${p}.multisig`),
      publicKeys: array(mo, 'publicKeys', `${p}.multisig`, hexItem),
    };
  }
  return {
    address: string(o, 'address', p),
    balance: u64(o, 'balance', p),
    nonce: u64(o, 'nonce', p),
    height: u64(o, 'height', p),
    multisig,
  };
}

export function parseBlock(json: unknown): BlockRecord {
  const p = 'block';
  const o = object(json, p);
  const header = message(o, 'header', p, 'babychain.v0.Header');
  const hash = hexString(o, 'hash', p);
  if (hash !== toHex(blockHash(header))) throw bad(`${p}.hash`, 'the hash of the header', hash);
  const txs = array(o, 'txs', p, hexItem);
  const txIds = array(o, 'txIds', p, stringItem);
  if (txIds.length !== txs.length || txs.some((tx, i) => toHex(txId(tx)) !== txIds[i])) {
    throw bad(`${p}.txIds`, 'the ids of the block transactions', txIds);
  }
  const height = u64(o, 'height', p);
  if (height !== header.height) throw bad(`${p}.height`, `the header height ${header.height}`, o['height']);
  return {
    height,
    hash,
    header,
    txIds,
    txs,
    commit: o['commit'] === null ? null : message(o, 'commit', p, 'babychain.v0.Commit'),
  };
}

export function parseTx(json: unknown): TxInfo {
  const p = 'tx';
  const o = object(json, p);
  const id = hexString(o, 'id', p);
  if (!TX_ID.test(id)) throw bad(`${p}.id`, '64 hex digits', id);
  const bytes = hexBytes(o, 'bytes', p);
  if (toHex(txId(bytes)) !== id) throw bad(`${p}.bytes`, `the bytes of transaction ${id}`, o['bytes']);
  let tx: Tx;
  try {
    tx = decode('babychain.v0.Tx', bytes);
  } catch (err) {
    throw clientError(ClientErrorCode.BAD_RESPONSE, `unexpected response: ${p}.bytes is not a canonical Tx`, {
      path: `${p}.bytes`,
      reason: isBabyError(err) ? err.code : String(err),
    });
  }
  return { id, height: u64(o, 'height', p), index: count(o, 'index', p), sender: string(o, 'sender', p), tx, bytes };
}

export function parseValidators(json: unknown): ValidatorsInfo {
  const p = 'validators';
  const o = object(json, p);
  return {
    height: u64(o, 'height', p),
    totalPower: u64(o, 'totalPower', p),
    validators: array(o, 'validators', p, (v, vp) => {
      const vo = object(v, vp);
      return {
        index: count(vo, 'index', vp),
        name: string(vo, 'name', vp),
        address: string(vo, 'address', vp),
        publicKey: hexBytes(vo, 'publicKey', vp),
        power: u64(vo, 'power', vp),
      };
    }),
  };
}

function parseScheduled(json: unknown, p: string): ScheduledUpgrade {
  const o = object(json, p);
  return {
    name: string(o, 'name', p),
    height: u64(o, 'height', p),
    version: string(o, 'version', p),
    readyPower: u64(o, 'readyPower', p),
    totalPower: u64(o, 'totalPower', p),
  };
}

const HASH = /^[0-9a-f]{64}$/;

function hash(o: Obj, key: string, path: string): string {
  const v = hexString(o, key, path);
  if (!HASH.test(v)) throw bad(`${path}.${key}`, '64 hex digits', v);
  return v;
}

function hashItem(v: unknown, path: string): string {
  if (typeof v !== 'string' || !HASH.test(v)) throw bad(path, '64 hex digits', v);
  return v;
}

function hexStringItem(v: unknown, path: string): string {
  if (typeof v !== 'string' || !/^(?:[0-9a-f]{2})*$/.test(v)) throw bad(path, 'lowercase hex', v);
  return v;
}

function parseTally(o: Obj, key: string, path: string): TallyInfo {
  const p = `${path}.${key}`;
  const t = object(o[key], p);
  return {
    yes: u64(t, 'yes', p),
    no: u64(t, 'no', p),
    abstain: u64(t, 'abstain', p),
    veto: u64(t, 'veto', p),
    totalPower: u64(t, 'totalPower', p),
  };
}

function parsePlan(json: unknown, p: string): PlanInfo {
  const o = object(json, p);
  return {
    name: string(o, 'name', p),
    height: u64(o, 'height', p),
    appVersion: count(o, 'appVersion', p),
    version: string(o, 'version', p),
    manifest: hexString(o, 'manifest', p),
    urls: array(o, 'urls', p, stringItem),
    artifacts: array(o, 'artifacts', p, (a, ap) => {
      const ao = object(a, ap);
      return { platform: string(ao, 'platform', ap), sha256: hash(ao, 'sha256', ap), size: u64(ao, 'size', ap) };
    }),
    decision: parseDecision(o['decision'], `${p}.decision`),
  };
}

function parseDecision(json: unknown, p: string): PlanDecisionInfo {
  const o = object(json, p);
  return {
    height: u64(o, 'height', p),
    timeMs: u64(o, 'timeMs', p),
    versionInForce: string(o, 'versionInForce', p),
    releaseSigners: array(o, 'releaseSigners', p, hashItem),
    releaseThreshold: count(o, 'releaseThreshold', p),
  };
}

function parseProposal(json: unknown, p: string): ProposalInfo {
  const o = object(json, p);
  const planName = o['planName'] === undefined ? undefined : string(o, 'planName', p);
  return {
    id: u64(o, 'id', p),
    title: string(o, 'title', p),
    kind: oneOf(o, 'kind', p, ['software-upgrade', 'cancel-upgrade', 'param-change']),
    proposer: hexString(o, 'proposer', p),
    deposit: u64(o, 'deposit', p),
    submitHeight: u64(o, 'submitHeight', p),
    votingEndHeight: u64(o, 'votingEndHeight', p),
    ...(planName === undefined ? {} : { planName }),
    tally: parseTally(o, 'tally', p),
  };
}

export function parseUpgrade(json: unknown): UpgradeStatus {
  const p = 'upgrade';
  const o = object(json, p);
  const gp = `${p}.governance`;
  const g = object(o['governance'], gp);
  const ready = object(g['ready'], `${gp}.ready`);
  const params = object(g['params'], `${gp}.params`);
  const govParams = object(g['govParams'], `${gp}.govParams`);
  return {
    chainId: string(o, 'chainId', p),
    height: u64(o, 'height', p),
    nodeVersion: string(o, 'nodeVersion', p),
    handlers: array(o, 'handlers', p, stringItem),
    governance: {
      maturity: oneOf(g, 'maturity', gp, ['baby', 'grown-up']),
      appVersion: count(g, 'appVersion', gp),
      version: string(g, 'version', gp),
      versionInForce: string(g, 'versionInForce', gp),
      releaseSigners: array(g, 'releaseSigners', gp, hashItem),
      releaseThreshold: count(g, 'releaseThreshold', gp),
      plan: g['plan'] === null ? null : parsePlan(g['plan'], `${gp}.plan`),
      ready: {
        validators: array(ready, 'validators', `${gp}.ready`, hexStringItem),
        power: u64(ready, 'power', `${gp}.ready`),
        totalPower: u64(ready, 'totalPower', `${gp}.ready`),
      },
      attestations: array(g, 'attestations', gp, (a, ap) => {
        const ao = object(a, ap);
        return {
          planName: string(ao, 'planName', ap),
          validator: hexString(ao, 'validator', ap),
          platform: string(ao, 'platform', ap),
          sha256: hash(ao, 'sha256', ap),
        };
      }),
      proposals: array(g, 'proposals', gp, parseProposal),
      results: array(g, 'results', gp, (r, rp) => {
        const ro = object(r, rp);
        return {
          id: u64(ro, 'id', rp),
          title: string(ro, 'title', rp),
          status: oneOf(ro, 'status', rp, ['passed', 'rejected', 'vetoed', 'no-quorum', 'failed']),
          tally: parseTally(ro, 'tally', rp),
          endHeight: u64(ro, 'endHeight', rp),
          reason: string(ro, 'reason', rp),
        };
      }),
      applied: array(g, 'applied', gp, (a, ap) => {
        const ao = object(a, ap);
        return {
          name: string(ao, 'name', ap),
          height: u64(ao, 'height', ap),
          appVersion: count(ao, 'appVersion', ap),
          version: string(ao, 'version', ap),
        };
      }),
      params: {
        minFee: u64(params, 'minFee', `${gp}.params`),
        maxBlockBytes: u64(params, 'maxBlockBytes', `${gp}.params`),
        maxBlockTxs: count(params, 'maxBlockTxs', `${gp}.params`),
      },
      govParams: {
        minDeposit: u64(govParams, 'minDeposit', `${gp}.govParams`),
        babyVotingPeriod: u64(govParams, 'babyVotingPeriod', `${gp}.govParams`),
        grownUpVotingPeriod: u64(govParams, 'grownUpVotingPeriod', `${gp}.govParams`),
        babyUpgradeDelay: u64(govParams, 'babyUpgradeDelay', `${gp}.govParams`),
        grownUpUpgradeDelay: u64(govParams, 'grownUpUpgradeDelay', `${gp}.govParams`),
      },
    },
  };
}
