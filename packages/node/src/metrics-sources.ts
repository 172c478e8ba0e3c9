/** Where the node's metrics read their values: its services, the chain's governance record and the launcher's report. */

import type { Genesis } from '@babychain/codec';
import { toHex } from '@babychain/codec';
import type { ConsensusDriver, SelfValidator } from '@babychain/consensus';
import { MEMPOOL_DEFAULTS, type Mempool } from '@babychain/mempool';
import type { P2pHost } from '@babychain/p2p';
import type { App } from '@babychain/state';
import { governanceStatus, readUpgradeReport, upgradeReportPath } from '@babychain/upgrade';
import type { MetricsSources } from './metrics.ts';

export interface MetricsDeps {
  readonly home: string;
  readonly genesis: Genesis;
  readonly app: Pick<App, 'info' | 'metrics' | 'governanceRecord' | 'validatorSets'>;
  readonly mempool: Mempool;
  readonly p2p: P2pHost;
  /** absent until consensus starts: the scrape reads zeros before */
  readonly driver: () => ConsensusDriver | undefined;
  readonly self: SelfValidator | undefined;
}

export function metricsSources(deps: MetricsDeps): MetricsSources {
  const { app, mempool, p2p, self, genesis, driver } = deps;
  const reportPath = upgradeReportPath(deps.home);
  return {
    consensus: () => deps.driver()?.status() ?? { height: app.info().height, round: 0, evidence: 0 },
    p2p: () => p2p.metrics(),
    mempool: () => {
      const s = mempool.stats();
      return {
        txs: s.pendingTxs + s.queuedTxs,
        bytes: s.pendingBytes + s.queuedBytes,
        maxTxs: MEMPOOL_DEFAULTS.maxTxs,
        maxBytes: MEMPOOL_DEFAULTS.maxBytes,
      };
    },
    app: () => app.metrics,
    power: () => {
      // VAL-3: the set of the height being decided; this node may not be in it (yet, or any more)
      const set = driver()?.validators;
      if (set === undefined) return { self: 0n, total: 0n };
      const index = self === undefined ? -1 : set.indexOfPublicKey(self.publicKey);
      return { self: index < 0 ? 0n : set.power(index), total: set.totalPower };
    },
    upgrade: () => {
      const gov = governanceStatus(genesis, app.governanceRecord());
      const report = readUpgradeReport(reportPath);
      return {
        appVersion: gov.appVersion,
        plan:
          gov.plan === null
            ? undefined
            : { name: gov.plan.name, version: gov.plan.version, height: BigInt(gov.plan.height) },
        readyPower: BigInt(gov.ready.power),
        // UPG-6 records ready signals under the operator (VAL-8), which need not be the consensus key's address
        selfReady: self !== undefined && gov.ready.validators.includes(toHex(operatorOf(app, self))),
        rolledBackAtMs: report?.status === 'rolled-back' ? report.atMs : undefined,
      };
    },
  };
}

/** VAL-1: the operator that acts for this node's key in the set of the next height, else the key's own address. */
function operatorOf(app: MetricsDeps['app'], self: SelfValidator): Uint8Array {
  const key = toHex(self.publicKey);
  return app.validatorSets().current.find((v) => toHex(v.publicKey) === key)?.operator ?? self.address;
}
