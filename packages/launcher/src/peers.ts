/**
 * The peer side of LCH-3: a short-lived P2P host of the launcher's own (a fresh random identity, so it never
 * competes with the node's), dialling the node's bootstrap peers and asking them for the artifact by hash.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { P2pHost } from '@babychain/p2p';
import { genesisHash, networkName, parseGenesis } from '@babychain/state';
import { artifactProtocol, MAX_ARTIFACT_RESPONSE_BYTES } from '@babychain/upgrade';
import type { Logger } from '@babychain/util';
import type { PeerSource } from './download.ts';
import { type LauncherPaths, readJson } from './layout.ts';

/** The bootstrap multiaddrs in the node's config.json. */
export function bootstrapPeers(paths: LauncherPaths): string[] {
  const config = readJson(paths.config) as { p2p?: { bootstrap?: unknown } } | undefined;
  const list = config?.p2p?.bootstrap;
  return Array.isArray(list) ? list.filter((a): a is string => typeof a === 'string') : [];
}

/**
 * A host connected to at least one bootstrap peer within `waitMs`, or undefined when there are none to dial; each
 * chunk asked of a peer must come within `idleMs` (LCH-3).
 */
export async function openPeerSource(
  paths: LauncherPaths,
  waitMs: number,
  idleMs: number,
  log: Logger,
): Promise<PeerSource | undefined> {
  const bootstrap = bootstrapPeers(paths);
  if (bootstrap.length === 0) return undefined;
  // P2P-2: the node's peers answer only a host on their genesis, under their genesis's names
  const genesis = parseGenesis(readFileSync(paths.genesis, 'utf8'));
  const host = await P2pHost.create({
    nodeKeySeed: new Uint8Array(randomBytes(32)),
    genesisHash: genesisHash(genesis),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap,
    redialIntervalMs: 250,
  });
  const deadline = Date.now() + waitMs;
  while (host.peers().length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const peers = host.peers();
  log.info(`asking ${peers.length} peer(s) for the artifact`, { peers });
  const protocol = artifactProtocol(networkName(genesis));
  return {
    peers,
    request: (peer, bytes, timeoutMs) =>
      host.request(peer, protocol, bytes, {
        // LCH-3: a chunk that takes longer than the idle deadline is a stalled source.
        timeoutMs: Math.min(idleMs, timeoutMs),
        maxResponseBytes: MAX_ARTIFACT_RESPONSE_BYTES,
      }),
    close: () => host.close(),
  };
}
