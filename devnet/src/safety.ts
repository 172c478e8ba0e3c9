import type { BlockSummary } from '@babychain/client';
import { devnetError } from './errors.ts';

export interface ChainView {
  /** who holds these blocks, for the error message */
  readonly node: string;
  readonly blocks: readonly BlockSummary[];
}

export interface SafetyReport {
  /** the highest height held by at least two nodes (0 when there is none) */
  readonly height: number;
  /** how many (height, second node) comparisons were made */
  readonly comparisons: number;
}

/**
 * Compares the blocks several nodes hold: at every height two nodes both hold, the block hash and the app hash must
 * be equal. Throws DEVNET_SAFETY_VIOLATION naming the first height and the two nodes that disagree.
 */
export function compareChains(views: readonly ChainView[]): SafetyReport {
  const first = new Map<number, { node: string; block: BlockSummary }>();
  let height = 0;
  let comparisons = 0;
  for (const view of views) {
    for (const block of view.blocks) {
      const h = Number(block.height);
      const seen = first.get(h);
      if (seen === undefined) {
        first.set(h, { node: view.node, block });
        continue;
      }
      comparisons++;
      if (h > height) height = h;
      for (const field of ['hash', 'appHash'] as const) {
        if (seen.block[field].toLowerCase() !== block[field].toLowerCase()) {
          throw devnetError(
            'DEVNET_SAFETY_VIOLATION',
            `safety violated at height ${h}: ${seen.node} has ${field} ${seen.block[field]}, ${view.node} has ${block[field]}`,
            { height: h, field, nodes: [seen.node, view.node], values: [seen.block[field], block[field]] },
          );
        }
      }
    }
  }
  return { height, comparisons };
}
