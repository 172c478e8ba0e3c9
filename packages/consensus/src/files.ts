import { join } from 'node:path';

/**
 * Where a node keeps consensus's two files under its data directory: the WAL (CONS-10) and the double-sign guard
 * (CONS-11). The node opens them; a launcher that rolls a release back merges them (LCH-6).
 */
export function consensusFiles(dataDir: string): { readonly wal: string; readonly lastSigned: string } {
  return { wal: join(dataDir, 'consensus', 'wal'), lastSigned: join(dataDir, 'consensus', 'last_signed') };
}
