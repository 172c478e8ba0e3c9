// The devnet-only admin route, which @babychain/client deliberately leaves out (RPC-15, specs/rpc.md). Every other
// call to a node goes through the client's BabyClient.
import { BabyError } from '@babychain/codec';
import { devnetError } from './errors.ts';

/**
 * `POST /admin/denylist`: node `rpcUrl` refuses the given peers from now on ([] lifts it). A node that does not answer
 * is DEVNET_RPC_FAILED; a refusal keeps the node's code (RPC_NOT_FOUND when its devnet controls are off).
 */
export async function setDenylist(rpcUrl: string, peerIds: readonly string[], timeoutMs = 3000): Promise<void> {
  const url = `${rpcUrl.replace(/\/+$/, '')}/admin/denylist`;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ peerIds }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (err) {
    const why =
      err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : err;
    throw devnetError('DEVNET_RPC_FAILED', `POST ${url}: ${String(why)}`, { url }, { cause: err });
  }
  if (response.ok) return;
  let error: { code?: unknown; message?: unknown } | undefined;
  try {
    error = (JSON.parse(text) as { error?: typeof error }).error;
  } catch {
    // not JSON: reported below with the start of the body
  }
  if (typeof error?.code === 'string' && typeof error.message === 'string') {
    throw new BabyError(error.code, `POST ${url}: ${error.message}`, { url, status: response.status });
  }
  throw devnetError('DEVNET_RPC_FAILED', `POST ${url}: HTTP ${response.status} ${text.slice(0, 200)}`, {
    url,
    status: response.status,
  });
}
