// A small client for the node's HTTP API (the contract the devnet and its tests rely on).
import { devnetError } from './errors.ts';

export interface Percentiles {
  readonly p50: number | null;
  readonly p99: number | null;
  readonly samples: number;
}

/** GET /status */
export interface NodeStatus {
  readonly chainId: string;
  readonly moniker: string;
  readonly version: string;
  readonly nodeId: string;
  readonly maturity: string;
  /** last committed height, decimal */
  readonly height: string;
  readonly lastBlockHash: string;
  readonly appHash: string;
  readonly round: number;
  readonly step: string;
  readonly syncing: boolean;
  readonly peers: number;
  readonly peerIds: readonly string[];
  readonly validator: { readonly index: number; readonly address: string; readonly power: string } | null;
  readonly blockTimeMs: Percentiles;
  readonly finalityMs: Percentiles;
  /** number of equivocations seen */
  readonly evidence: number;
}

/** One entry of GET /blocks */
export interface BlockSummary {
  readonly height: string;
  readonly hash: string;
  readonly appHash: string;
  readonly timeMs: string;
  readonly txs: unknown;
  readonly proposer: string;
}

export interface TxLocation {
  readonly id: string;
  readonly height: string;
  readonly index: number;
}

export interface AccountInfo {
  readonly address: string;
  readonly balance: string;
  readonly nonce: string;
  readonly height: string;
}

/** The `{ error: { code, message } }` body of a refused request, as a thrown error. */
export class RpcError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  constructor(status: number, code: string | undefined, message: string) {
    super(message);
    this.name = 'RpcError';
    this.status = status;
    this.code = code;
  }
}

const DEFAULT_TIMEOUT_MS = 3000;

async function request(url: string, init: RequestInit, timeoutMs: number): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw devnetError('DEVNET_RPC_FAILED', `${init.method ?? 'GET'} ${url}: ${describe(err)}`, { url }, { cause: err });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text.length === 0 ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const code = typeof error?.code === 'string' ? error.code : undefined;
    const message = typeof error?.message === 'string' ? error.message : text.slice(0, 200);
    throw new RpcError(
      response.status,
      code,
      `${init.method ?? 'GET'} ${url}: ${response.status} ${code ?? ''} ${message}`,
    );
  }
  if (body === undefined) throw devnetError('DEVNET_RPC_FAILED', `${url}: the answer is not JSON`, { url });
  return body;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}

export class RpcClient {
  readonly url: string;
  readonly timeoutMs: number;

  constructor(url: string, timeoutMs = DEFAULT_TIMEOUT_MS) {
    this.url = url.replace(/\/$/, '');
    this.timeoutMs = timeoutMs;
  }

  get<T>(path: string): Promise<T> {
    return request(`${this.url}${path}`, { method: 'GET' }, this.timeoutMs) as Promise<T>;
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return request(
      `${this.url}${path}`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      this.timeoutMs,
    ) as Promise<T>;
  }

  status(): Promise<NodeStatus> {
    return this.get<NodeStatus>('/status');
  }

  async blocks(from: number, to: number): Promise<BlockSummary[]> {
    const body = await this.get<{ blocks: BlockSummary[] }>(`/blocks?from=${from}&to=${to}`);
    return body.blocks;
  }

  /** the committed location of a transaction, or null when the node does not know it as committed (404) */
  async tx(idHex: string): Promise<TxLocation | null> {
    try {
      return await this.get<TxLocation>(`/txs/${idHex}`);
    } catch (err) {
      if (err instanceof RpcError && err.status === 404) return null;
      throw err;
    }
  }

  submitTx(txHex: string): Promise<{ id: string; status: string }> {
    return this.post('/txs', { tx: txHex });
  }

  account(address: string): Promise<AccountInfo> {
    return this.get<AccountInfo>(`/accounts/${address}`);
  }

  denylist(peerIds: readonly string[]): Promise<{ ok: boolean }> {
    return this.post('/admin/denylist', { peerIds });
  }
}

/** A decimal height from the API as a number (devnet heights stay far below 2^53). */
export function heightOf(value: string | number): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw devnetError('DEVNET_RPC_FAILED', `height ${String(value)} is invalid`);
  return n;
}
