/**
 * BabyClient: typed calls to a node's REST API (specs/rpc.md): the routes and the transport; answers.ts reads what
 * comes back. Only `fetch` is used, so the same code runs in Node and in a browser bundle.
 */
import { BabyError, isBabyError, toHex } from '@babychain/codec';
import {
  type AccountInfo,
  type AccountTxsPage,
  type BatchEntry,
  type BlockEvent,
  type BlockRecord,
  type BlockSummary,
  type BlocksPage,
  type CheckResult,
  type MempoolInfo,
  type NodeStatus,
  type ProposalsPage,
  readAccount,
  readAccountTxs,
  readBatch,
  readBlock,
  readBlocks,
  readBlocksPage,
  readCheck,
  readMempool,
  readProposals,
  readStatus,
  readSubmit,
  readTx,
  readUpgrade,
  readValidatorSigning,
  readValidators,
  type SubmitMode,
  type SubmitResult,
  type TxInfo,
  type UpgradeStatus,
  type ValidatorSigningInfo,
  type ValidatorsInfo,
} from './answers.ts';
import type { Obj } from './decode.ts';
import { ClientErrorCode, clientError } from './errors.ts';
import { type BlockSubscription, type SubscribeOptions, subscribeBlocks } from './subscribe.ts';

export interface ClientOptions {
  /** The node's RPC base URL, e.g. `http://127.0.0.1:26657`. */
  readonly url: string;
  /** Defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Per request, default 10 000. A `commit` submit gets 30 s more, the node's own limit for it. */
  readonly timeoutMs?: number;
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
    return readStatus(await this.#call('/status', { method: 'GET' }));
  }

  /** `GET /accounts/{address}`: balance and nonce at the last committed height. */
  async account(address: string): Promise<AccountInfo> {
    return readAccount(await this.#call(`/accounts/${encodeURIComponent(address)}`, { method: 'GET' }));
  }

  /** `GET /blocks/{height}` or `/blocks/latest`; a height not committed yet is RPC_NOT_FOUND. */
  async block(height: bigint | 'latest'): Promise<BlockRecord> {
    const which = height === 'latest' ? 'latest' : height.toString();
    return readBlock(await this.#call(`/blocks/${which}`, { method: 'GET' }));
  }

  /** `GET /blocks/hash/{hash}` */
  async blockByHash(hash: string): Promise<BlockRecord> {
    return readBlock(await this.#call(`/blocks/hash/${encodeURIComponent(hash.toLowerCase())}`, { method: 'GET' }));
  }

  /** Every block the node commits from now on, with its transaction ids, over the websocket (RPC-9). */
  subscribeBlocks(onBlock: (block: BlockEvent) => void, options: SubscribeOptions = {}): BlockSubscription {
    return subscribeBlocks(this.url, onBlock, options);
  }

  /** `GET /blocks?from=&to=`: summaries of the committed blocks in [from, to] (at most 1000). */
  async blocks(from: bigint, to: bigint): Promise<BlockSummary[]> {
    return readBlocks(await this.#call(`/blocks?from=${from}&to=${to}`, { method: 'GET' }));
  }

  /**
   * `GET /blocks?limit=&cursor=` (RPC-4): a page of the newest committed blocks, newest first, from the tip or from
   * a page's `next` passed as `cursor`.
   */
  async blockPage(options: { limit?: number; cursor?: string } = {}): Promise<BlocksPage> {
    const query = new URLSearchParams();
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    if (options.cursor !== undefined) query.set('cursor', options.cursor);
    const suffix = query.size === 0 ? '' : `?${query}`;
    return readBlocksPage(await this.#call(`/blocks${suffix}`, { method: 'GET' }));
  }

  /** `GET /txs/{id}`: a committed transaction, or null when the node does not know it or holds it only pending. */
  async tx(id: string): Promise<TxInfo | null> {
    return this.#tx(id, this.#timeoutMs);
  }

  /**
   * `GET /accounts/{address}/txs` (RPC-16): a page of the account's committed transactions, newest first; pass a
   * page's `next` as `cursor` for the one after it.
   */
  async accountTxs(address: string, options: { limit?: number; cursor?: string } = {}): Promise<AccountTxsPage> {
    const query = new URLSearchParams();
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    if (options.cursor !== undefined) query.set('cursor', options.cursor);
    const suffix = query.size === 0 ? '' : `?${query}`;
    return readAccountTxs(await this.#call(`/accounts/${encodeURIComponent(address)}/txs${suffix}`, { method: 'GET' }));
  }

  /** `GET /validators/signing` (RPC-17): who signed, missed and proposed the last `blocks` heights (default 100). */
  async validatorSigning(blocks?: number): Promise<ValidatorSigningInfo> {
    const query = blocks === undefined ? '' : `?blocks=${blocks}`;
    return readValidatorSigning(await this.#call(`/validators/signing${query}`, { method: 'GET' }));
  }

  /**
   * `GET /validators`: the set that signs `height` (VAL-3), by default the height being decided; with `page`, a page
   * of it from index `cursor` (RPC-2), whose `next` is the cursor of the page after.
   */
  async validators(height?: bigint, page?: { limit?: number; cursor?: string }): Promise<ValidatorsInfo> {
    const query = new URLSearchParams();
    if (height !== undefined) query.set('height', String(height));
    if (page?.limit !== undefined) query.set('limit', String(page.limit));
    if (page?.cursor !== undefined) query.set('cursor', page.cursor);
    return readValidators(await this.#call(`/validators${query.size === 0 ? '' : `?${query}`}`, { method: 'GET' }));
  }

  /** `GET /proposals` (RPC-20): a page of proposals, newest first, from a page's `next` passed as `cursor`. */
  async proposals(options: { limit?: number; cursor?: string } = {}): Promise<ProposalsPage> {
    const query = new URLSearchParams();
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    if (options.cursor !== undefined) query.set('cursor', options.cursor);
    return readProposals(await this.#call(`/proposals${query.size === 0 ? '' : `?${query}`}`, { method: 'GET' }));
  }

  /** `GET /upgrade`: governance and upgrades (specs/governance.md), for wallets, operators and launchers. */
  async upgrade(): Promise<UpgradeStatus> {
    return readUpgrade(await this.#call('/upgrade', { method: 'GET' }));
  }

  /** `GET /mempool` */
  async mempool(): Promise<MempoolInfo> {
    return readMempool(await this.#call('/mempool', { method: 'GET' }));
  }

  /**
   * `POST /txs`: async answers once the bytes decode, sync (default) after mempool admission, commit after
   * inclusion. The id the node answers must be the hash of `tx` (else CLIENT_BAD_RESPONSE).
   */
  async submit(tx: Uint8Array, mode: SubmitMode = 'sync'): Promise<SubmitResult> {
    const timeoutMs = mode === 'commit' ? this.#timeoutMs + COMMIT_WAIT_MS : this.#timeoutMs;
    const json = await this.#call('/txs', { method: 'POST', body: { tx: toHex(tx), mode } }, timeoutMs);
    return readSubmit(json, mode, tx);
  }

  /**
   * `POST /txs/batch` (RPC-7 `submit_txs`): admits up to 128 transactions in order with one request; one entry per
   * transaction, a refused one not stopping the rest. Each id is checked against the bytes it names.
   */
  async submitBatch(txs: readonly Uint8Array[]): Promise<BatchEntry[]> {
    const json = await this.#call('/txs/batch', { method: 'POST', body: { txs: txs.map((t) => toHex(t)) } });
    return readBatch(json, txs);
  }

  /** `POST /txs/check`: runs the transaction against the committed state without admitting it. */
  async check(tx: Uint8Array): Promise<CheckResult> {
    return readCheck(await this.#call('/txs/check', { method: 'POST', body: { tx: toHex(tx) } }), tx);
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
      return readTx(await this.#call(`/txs/${encodeURIComponent(id.toLowerCase())}`, { method: 'GET' }, timeoutMs));
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
