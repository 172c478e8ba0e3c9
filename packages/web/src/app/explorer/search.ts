/**
 * Search: a height, a block hash, a transaction id or an address. A 64-hex query is first a transaction id, then a
 * block hash; what is found replaces the search in the history, so Back returns to where the search began.
 */
import { decodeAddress, isBabyError } from '@babychain/client';
import type { VNode } from 'preact';
import { useEffect } from 'preact/hooks';
import { client } from '../client.ts';
import { html } from '../html.ts';
import { href } from '../router.ts';
import { Page, show, useLoad } from '../ui.ts';

export function searchRoute(query: string): string[] {
  return ['search', query];
}

/** The route the query names, or undefined when nothing has it. */
export async function resolveSearch(query: string): Promise<string[] | undefined> {
  const q = query.trim();
  if (/^[0-9]{1,20}$/.test(q)) return ['block', String(BigInt(q))];
  if (/^[0-9a-fA-F]{64}$/.test(q)) {
    const id = q.toLowerCase();
    if ((await client.tx(id)) !== null) return ['tx', id];
    try {
      await client.blockByHash(id);
      return ['block', id];
    } catch (err) {
      if (isBabyError(err) && err.code === 'RPC_NOT_FOUND') return undefined;
      throw err;
    }
  }
  try {
    decodeAddress(q);
    return ['account', q];
  } catch {
    return undefined;
  }
}

export function SearchPage({ query }: { query: string }): VNode {
  const found = useLoad(() => resolveSearch(query), [query]);
  useEffect(() => {
    if (found.state === 'ready' && found.value !== undefined) location.replace(href(...found.value));
  }, [found]);
  return html`<${Page} title="Search">
    ${show(found, (route) =>
      route === undefined
        ? html`<p role="status">Nothing has <code class="wrap">${query}</code>: not a height, a block hash, a
            committed transaction id or an address.</p>`
        : html`<p class="muted">Found.</p>`,
    )}
  <//>`;
}
