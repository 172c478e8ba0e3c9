// The monitoring kit of docs/monitoring/: its alert rules load in a real PromQL parser (and promtool where Debian's
// prometheus package is installed, which runs their unit tests), and every metric the dashboard and the rules query
// exists on a running node's metrics listener.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BabyNode } from '@babychain/node';
import { makeValidatorHome } from '@babychain/test-utils';
import { createLogger } from '@babychain/util';
import { parser } from '@prometheus-io/lezer-promql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { waitFor } from './wait.ts';

/** Budget windows are aligned to the clock: an hour, so that no test straddles one by chance. */
const WINDOW_MS = 3_600_000;

const DIR = join(import.meta.dirname, '..', '..', 'docs', 'monitoring');
const RATE_LIMIT = 40;

interface AlertRule {
  readonly alert: string;
  readonly expr: string;
}

function alertRules(): AlertRule[] {
  const doc = parseYaml(readFileSync(join(DIR, 'alerts.yml'), 'utf8')) as { groups: { rules: AlertRule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

function dashboardQueries(): string[] {
  const dash = JSON.parse(readFileSync(join(DIR, 'grafana-dashboard.json'), 'utf8')) as {
    panels: { targets: { expr: string }[] }[];
  };
  // Grafana's own variables are not PromQL: give them a value the parser takes.
  return dash.panels.flatMap((p) => p.targets.map((t) => t.expr.replaceAll('$instance', '.*')));
}

/** The metric names a PromQL expression selects; throws naming the position of a syntax error. */
function metricNames(expr: string): string[] {
  const names: string[] = [];
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.type.isError) throw new Error(`syntax error at ${cursor.from} in ${expr}`);
    if (cursor.name === 'VectorSelector') {
      const selector = cursor.node.getChild('Identifier');
      if (selector !== null) names.push(expr.slice(selector.from, selector.to));
    }
  } while (cursor.next());
  return names;
}

/** The metric families of an exposition (histogram series folded into their family) and the names with samples. */
function exposition(text: string): { families: Set<string>; sampled: Set<string> } {
  const families = new Set<string>();
  const sampled = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) /.exec(line);
    if (type !== null) families.add(type[1] as string);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample !== null) sampled.add(sample[1] as string);
  }
  return { families, sampled };
}

describe('the alert rules and the dashboard', () => {
  it('parse as PromQL, every expression of them', () => {
    const exprs = [...alertRules().map((r) => r.expr), ...dashboardQueries()];
    expect(exprs.length).toBeGreaterThan(30);
    for (const expr of exprs) expect(metricNames(expr).length, expr).toBeGreaterThan(0);
    expect(() => metricNames('rate(babychain_height[5m]')).toThrow(/syntax error/);
  });

  it('cover the conditions an operator is paged for', () => {
    expect(alertRules().map((r) => r.alert)).toEqual([
      'BabychainDown',
      'BabychainNotCommitting',
      'BabychainFewPeers',
      'BabychainMempoolNearFull',
      'BabychainUpgradeNotReady',
      'BabychainUpgradeRolledBack',
      'BabychainSigningTooFew',
    ]);
  });

  const promtool = (() => {
    try {
      execFileSync('promtool', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  if (!promtool) console.warn('promtool is not installed (Debian package prometheus): its checks are skipped');
  it.skipIf(!promtool)('load in promtool and pass their unit tests (alerts.test.yml)', () => {
    const run = (...args: string[]) => execFileSync('promtool', args, { cwd: DIR, encoding: 'utf8' });
    expect(run('check', 'rules', 'alerts.yml')).toMatch(/SUCCESS: 7 rules found/);
    expect(run('test', 'rules', 'alerts.test.yml')).toMatch(/SUCCESS/);
  });
});

describe('the metrics of a running node', () => {
  let home: string;
  let node: BabyNode;

  beforeAll(async () => {
    ({ home } = await makeValidatorHome({
      chainId: 'metrics-test-1',
      commitWaitMs: 20,
      rpcRateLimit: { max: RATE_LIMIT, windowMs: WINDOW_MS },
      metricsListen: '127.0.0.1:0',
      logLevel: 'silent',
    }));
    node = await BabyNode.open({ home, logger: createLogger({ level: 'silent' }) });
  }, 30_000);

  afterAll(async () => {
    await node?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const scrape = async () => {
    const res = await fetch(node.metricsUrl);
    expect(res.status).toBe(200);
    return res.text();
  };

  it('serves every metric the dashboard and the alert rules query, on its own listener', async () => {
    // Something for the event metrics to count: blocks with intervals, RPC requests, and a client past its limit.
    const intervals = async () => Number(/^babychain_block_interval_seconds_count (\d+)/m.exec(await scrape())?.[1]);
    await waitFor(async () => (await intervals()) >= 3, { timeoutMs: 15_000, message: 'three block intervals' });
    for (let i = 0; i <= RATE_LIMIT; i++) await fetch(`${node.rpcUrl}/status`);
    const { families, sampled } = exposition(await scrape());

    const queried = new Set([...alertRules().map((r) => r.expr), ...dashboardQueries()].flatMap(metricNames));
    const family = (name: string) => name.replace(/_(bucket|sum|count)$/, '');
    // Present only while something happens that a one-validator devnet does not do: a plan, a peer.
    const onlyWhenItHappens = new Set(['babychain_upgrade_plan_info', 'libp2p_data_transfer_bytes_total']);
    // Prometheus's own, of each scrape
    queried.delete('up');
    for (const name of queried) {
      expect(families, name).toContain(family(name));
      if (!onlyWhenItHappens.has(name)) expect(sampled, name).toContain(name);
    }
    expect(queried.size).toBeGreaterThan(30);
  });

  it('counts RPC requests by route and status, and the limit a client hit', async () => {
    const text = await scrape();
    expect(text).toMatch(/babychain_rpc_requests_total\{route="\/status",status="200"\} \d+/);
    expect(text).toMatch(/babychain_rpc_requests_total\{route="\/status",status="429"\} [1-9]/);
    expect(text).toMatch(/babychain_rpc_limit_hits_total\{route="\/status",limit="rate"\} [1-9]/);
    // the metrics listener is outside the RPC budget: the client past its limit still reads it
    expect((await fetch(`${node.rpcUrl}/metrics`)).status).toBe(429);
    expect((await fetch(node.metricsUrl)).status).toBe(200);
  });

  it('types counters as counters and a validator that signs everything has missed nothing', async () => {
    const text = await scrape();
    for (const m of text.matchAll(/^# TYPE (babychain_\S+) (\S+)$/gm)) {
      expect([m[1], m[2] === 'counter'], m[1]).toEqual([m[1], (m[1] as string).endsWith('_total')]);
    }
    expect(text).toMatch(/^babychain_validator_power 10$/m);
    expect(text).toMatch(/^babychain_validator_missed_signatures_total 0$/m);
    expect(text).toMatch(/^babychain_build_info\{version="[^"]+",nodejs="v\d+/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });
});
