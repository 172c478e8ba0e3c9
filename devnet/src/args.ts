// Parsing of the `pnpm devnet` arguments that are not plain flags.
import { devnetError } from './errors.ts';

/** A node index: a decimal integer 0..size-1 (size unknown here: the Devnet checks the range). */
export function parseIndex(text: string | undefined, what = 'node index'): number {
  if (text === undefined) throw devnetError('DEVNET_BAD_ARGS', `missing ${what}`);
  if (!/^\d{1,4}$/.test(text))
    throw devnetError('DEVNET_BAD_ARGS', `${what} must be a number, not ${JSON.stringify(text)}`);
  return Number(text);
}

/** A whole number within [min, max], from a flag's text. */
export function parseIntFlag(text: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw devnetError(
      'DEVNET_BAD_ARGS',
      `--${flag} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`,
    );
  }
  return n;
}

/** `0,1|2,3` → [[0, 1], [2, 3]]: groups separated by `|`, node indexes by `,`, at least two groups. */
export function parseGroups(text: string | undefined): number[][] {
  if (text === undefined || text.trim() === '') {
    throw devnetError('DEVNET_BAD_ARGS', 'missing the partition, e.g. 0,1|2,3');
  }
  const groups = text.split('|').map((group) =>
    group.split(',').map((item) => {
      const trimmed = item.trim();
      if (!/^\d{1,4}$/.test(trimmed)) {
        throw devnetError(
          'DEVNET_BAD_ARGS',
          `partition ${JSON.stringify(text)}: ${JSON.stringify(trimmed)} is not a node index`,
        );
      }
      return Number(trimmed);
    }),
  );
  if (groups.length < 2) {
    throw devnetError('DEVNET_BAD_ARGS', `partition ${JSON.stringify(text)} has one group; separate groups with |`);
  }
  const seen = new Set<number>();
  for (const i of groups.flat()) {
    if (seen.has(i)) throw devnetError('DEVNET_BAD_ARGS', `partition ${JSON.stringify(text)} names node ${i} twice`);
    seen.add(i);
  }
  return groups;
}
