/**
 * The node dashboard: what this node is (version, app version, maturity, its validator key's place), how it keeps
 * up (height, peers, syncing, mempool) and how fast the chain goes (block time per height, block time and finality
 * percentiles over time), with the scheduled upgrade and the power ready for it. Everything comes from live.ts (the
 * status read every 2 s and the recent blocks) but the mempool's detail, read again at each new height.
 */
import type { NodeStatus } from '@babychain/client';
import type { VNode } from 'preact';
import { useMemo } from 'preact/hooks';
import { client } from '../client.ts';
import { html } from '../html.ts';
import { useLive } from '../live.ts';
import { href } from '../router.ts';
import { percent, ratio } from '../share.ts';
import { Amount, ErrorBox, Facts, Page, Short, useLoad } from '../ui.ts';
import { Chart } from './chart.ts';
import { blockTimes, bytes, duration, overTime, p50, p99 } from './series.ts';

const MS = { y: (v: number) => duration(v) };

function Card({ label, testId, children }: { label: string; testId?: string; children: unknown }): VNode {
  return html`<div class="card">
    <div class="muted">${label}</div>
    <div class="value" data-testid=${testId}>${children}</div>
  </div>`;
}

function Validator({ status }: { status: NodeStatus }): VNode {
  const v = status.validator;
  if (v === null) return html`<p class="muted">This node holds no validator key: it follows the chain.</p>`;
  return html`<${Facts}
    rows=${[
      ['Address', html`<${Short} hex=${v.address} to=${href('account', v.address)} />`],
      [
        'Place',
        v.index === null
          ? html`<span class="warn">not in the signing set of height ${String(status.height + 1n)}</span>`
          : `index ${v.index} in the signing set`,
      ],
      ['Power', String(v.power)],
    ]}
  />`;
}

function Upgrade({ status }: { status: NodeStatus }): VNode {
  const u = status.upgrade;
  if (u === null) return html`<p class="muted">No upgrade scheduled. App version ${status.appVersion} in force.</p>`;
  const left = u.height > status.height ? u.height - status.height : 0n;
  const share = percent(u.readyPower, u.totalPower);
  return html`<${Facts}
      rows=${[
        ['Plan', html`<a href=${href('governance')}>${u.name}</a>`],
        ['Release', u.version],
        ['At height', html`${String(u.height)} <span class="muted">(${String(left)} blocks from now)</span>`],
        [
          'Ready power',
          html`${String(u.readyPower)} of ${String(u.totalPower)} (${share})
            <meter min="0" max="1" value=${ratio(u.readyPower, u.totalPower)} aria-label="Share of the voting power ready"
              >${share}</meter
            >`,
        ],
      ]}
    />`;
}

function Mempool({ status }: { status: NodeStatus }): VNode {
  const detail = useLoad(() => client.mempool(), [status.height]);
  return html`<${Facts}
    rows=${[
      ['Transactions', `${status.mempool.txs} (${bytes(status.mempool.bytes)})`],
      ...(detail.state === 'ready'
        ? ([
            ['Pending', `${detail.value.pendingTxs} (${bytes(detail.value.pendingBytes)})`],
            ['Queued behind a nonce gap', `${detail.value.queuedTxs} (${bytes(detail.value.queuedBytes)})`],
            ['Senders', String(detail.value.senders)],
          ] as const)
        : []),
    ]}
  />`;
}

export function NodePage(): VNode {
  const live = useLive();
  const s = live.status;
  const samples = live.samples;

  const perHeight = useMemo(() => blockTimes(live.blocks), [live.blocks]);
  const blockPct = useMemo(
    () =>
      overTime(
        samples,
        (x) => p50(x.status.blockTimeMs),
        (x) => p99(x.status.blockTimeMs),
      ),
    [samples],
  );
  const finality = useMemo(
    () =>
      overTime(
        samples,
        (x) => p50(x.status.finalityMs),
        (x) => p99(x.status.finalityMs),
      ),
    [samples],
  );
  const peersMempool = useMemo(
    () =>
      overTime(
        samples,
        (x) => x.status.peers,
        (x) => x.status.mempool.txs,
      ),
    [samples],
  );

  if (s === undefined) {
    return html`<${Page} title="Node">
      ${live.error === undefined ? html`<p class="muted" aria-busy="true">Loading…</p>` : html`<${ErrorBox} error=${live.error} />`}
    <//>`;
  }
  const heights = perHeight.data[0];
  return html`<${Page} title=${`Node ${s.moniker}`}>
    ${live.error === undefined ? '' : html`<${ErrorBox} error=${live.error} />`}
    <div class="cards">
      <${Card} label="Height" testId="node-height">${String(s.height)}<//>
      <${Card} label="Peers" testId="node-peers">${s.peers}<//>
      <${Card} label="App version" testId="node-app-version">${s.appVersion}<//>
      <${Card} label="Version" testId="node-version">${s.version}<//>
      <${Card} label="Maturity" testId="node-maturity">${s.maturity}<//>
      <${Card} label="Syncing" testId="node-syncing">${s.syncing ? html`<span class="warn">yes</span>` : 'no'}<//>
      <${Card} label="Mempool" testId="node-mempool">${s.mempool.txs} txs · ${bytes(s.mempool.bytes)}<//>
      <${Card} label="Block time p50 / p99" testId="node-block-time">
        ${duration(s.blockTimeMs.p50)} / ${duration(s.blockTimeMs.p99)}
      <//>
      <${Card} label="Finality p50 / p99" testId="node-finality">
        ${duration(s.finalityMs.p50)} / ${duration(s.finalityMs.p99)}
      <//>
    </div>

    <div class="charts">
      <${Chart}
        testId="chart-block-time"
        title="Block time per height"
        summary=${
          heights.length === 0
            ? 'waiting for two consecutive blocks'
            : `${duration(perHeight.last)} at height ${heights.at(-1)}, over heights ${heights[0]} to ${heights.at(-1)}`
        }
        data=${perHeight.data}
        series=${[{ label: 'block time', color: '--accent' }]}
        units=${MS}
      />
      <${Chart}
        testId="chart-finality"
        title="Finality over time"
        summary=${`p50 ${duration(s.finalityMs.p50)}, p99 ${duration(s.finalityMs.p99)} over the last ${s.finalityMs.samples} blocks`}
        data=${finality}
        series=${[{ label: 'p50', color: '--ok' }, { label: 'p99', color: '--warn', dash: true }]}
        units=${MS}
        time
      />
      <${Chart}
        testId="chart-block-time-percentiles"
        title="Block time percentiles over time"
        summary=${`p50 ${duration(s.blockTimeMs.p50)}, p99 ${duration(s.blockTimeMs.p99)} over the last ${s.blockTimeMs.samples} blocks`}
        data=${blockPct}
        series=${[{ label: 'p50', color: '--accent' }, { label: 'p99', color: '--warn', dash: true }]}
        units=${MS}
        time
      />
      <${Chart}
        testId="chart-peers-mempool"
        title="Peers and mempool over time"
        summary=${`${s.peers} peers, ${s.mempool.txs} transactions in the mempool`}
        data=${peersMempool}
        series=${[{ label: 'peers', color: '--accent' }, { label: 'mempool txs', color: '--bad', scale: 'txs' }]}
        time
      />
    </div>

    <div class="columns">
      <section aria-labelledby="node-validator">
        <h2 id="node-validator">Validator</h2>
        <${Validator} status=${s} />
      </section>
      <section aria-labelledby="node-upgrade">
        <h2 id="node-upgrade">Upgrade</h2>
        <${Upgrade} status=${s} />
      </section>
      <section aria-labelledby="node-mempool-title">
        <h2 id="node-mempool-title">Mempool</h2>
        <${Mempool} status=${s} />
      </section>
      <section aria-labelledby="node-identity">
        <h2 id="node-identity">Identity</h2>
        <${Facts}
          rows=${[
            ['Chain', s.chainId],
            ['Node id', html`<code class="wrap">${s.nodeId}</code>`],
            ['Consensus', `round ${s.round}, ${s.step}`],
            ['Evidence held', String(s.evidence)],
            ['Min fee', html`<${Amount} value=${s.params.minFee} />`],
          ]}
        />
      </section>
    </div>
  <//>`;
}
