// The SDK as its users get it (docs/architecture.md, Published packages): codec, crypto and client packed by pnpm
// (each prepack builds dist/), installed from the tarballs by plain npm on the machine's Node 20 into an empty
// directory outside the workspace, then a ten-line script on that Node 20 against a 4-validator devnet: a wallet from a
// mnemonic receives coins from a funded key, sends some back and reads its balance. The published types are checked
// against the same script, and a browser bundle of the installed client must reach no `node:` module.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { formatAmount, toHex, Wallet } from '@babychain/client';
import { generateMnemonic } from '@babychain/crypto';
import * as esbuild from 'esbuild';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../src/devnet.ts';
import {
  disposeDevnet,
  expectSafe,
  log,
  logsOnFailure,
  newAccount,
  type ProgramRun,
  runProgram,
  secs,
  started,
} from './helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const PUBLISHED = ['codec', 'crypto', 'client'] as const;
const FUNDS = 1_000_000_000n; // 1000 BABY

/** What a user writes: the README's example, reading its inputs from the environment. */
const SCRIPT = `import { BabyClient, formatAmount, parseAmount, Wallet } from '@babychain/client';

const { BABY_NODE = '', MNEMONIC = '', FUNDER_SEED = '' } = process.env;
const client = new BabyClient({ url: BABY_NODE });
const wallet = Wallet.fromMnemonic(MNEMONIC);
const funder = Wallet.fromSeed(FUNDER_SEED);
await funder.send(client, { to: wallet.address, amount: parseAmount('2.5') });
const received = (await client.account(wallet.address)).balance;
const back = await wallet.send(client, { to: funder.address, amount: parseAmount('1') });
const { balance } = await client.account(wallet.address);
console.log(JSON.stringify({ node: process.version, address: wallet.address, received: formatAmount(received), fee: formatAmount(back.fee), balance: formatAmount(balance) }));
`;

const run = runProgram;
type Run = ProgramRun;

function ok(what: string, r: Run): Run {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-2000)}`);
  return r;
}

/** The machine's own Node 20 (not the workspace's Node 24) and the npm that came with it, or why there is none. */
function node20(): { node: string; npmCli: string } | string {
  const found = spawnSync('which', ['-a', 'node'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const candidate of found) {
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (!version.startsWith('v20.')) continue;
    const npmCli = join(dirname(realpathSync(candidate)), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
    if (existsSync(npmCli)) return { node: candidate, npmCli };
  }
  return `no Node 20 with its npm on PATH (found: ${found.join(', ') || 'none'})`;
}

/** pnpm as the test was started with it, else the version the workspace pins, through npx. */
function pnpm(): [string, string[]] {
  const execPath = process.env['npm_execpath'];
  if (execPath !== undefined && /pnpm\.c?js$/.test(execPath)) return [process.execPath, [execPath]];
  const pinned = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { packageManager: string })
    .packageManager;
  return ['npx', ['--yes', pinned]];
}

/** A file of a tarball, read with tar. */
function fromTarball(tgz: string, path: string): string {
  return spawnSync('tar', ['-xzOf', tgz, path], { encoding: 'utf8' }).stdout;
}

/** The environment of a program that must not see the workspace: no npm_* or pnpm settings, Node 20 first on PATH. */
function outsideEnv(node: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(npm_|pnpm_|PNPM_)/i.test(k)) env[k] = v;
  env['PATH'] = [dirname(node), env['PATH'] ?? ''].join(delimiter);
  return env;
}

const runtime = node20();

describe.skipIf(typeof runtime === 'string')('the SDK installed from npm tarballs on Node 20', () => {
  const { node, npmCli } = runtime as { node: string; npmCli: string };
  // set in beforeAll, so that a skipped run leaves no directory behind
  let work = '';
  let tarballs = '';
  let app = '';
  let devnet: Devnet | undefined;
  const funder = newAccount();
  const tgz: Record<string, string> = {};

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'babychain-e2e-sdk-'));
    tarballs = join(work, 'tarballs');
    app = join(work, 'app');
    const [cmd, pre] = pnpm();
    const filters = PUBLISHED.flatMap((p) => ['--filter', `@babychain/${p}`]);
    const packed = ok(
      'pnpm pack',
      await run(cmd, [...pre, ...filters, 'pack', '--pack-destination', tarballs], { cwd: ROOT, timeoutMs: 40_000 }),
    );
    for (const file of readdirSync(tarballs)) {
      const name = PUBLISHED.find((p) => file.startsWith(`babychain-${p}-`) && file.endsWith('.tgz'));
      if (name !== undefined) tgz[name] = join(tarballs, file);
    }
    const sizes = Object.entries(tgz).map(([p, f]) => `${p} ${(statSync(f).size / 1024).toFixed(1)} KB`);
    log('sdk-npm', `pnpm pack in ${secs(packed.ms)}: ${sizes.join(', ')}`);

    // An empty project outside the workspace: npm sees no workspace file, .npmrc or link, only the tarballs.
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      `${JSON.stringify({ name: 'sdk-user', private: true, type: 'module' })}\n`,
    );
    const installed = ok(
      'npm install',
      await run(
        node,
        [npmCli, 'install', '--prefer-offline', '--no-audit', '--no-fund', ...PUBLISHED.map((p) => tgz[p] ?? p)],
        { cwd: app, env: outsideEnv(node), timeoutMs: 40_000 },
      ),
    );
    log('sdk-npm', `npm install (Node 20) in ${secs(installed.ms)}`);

    const t0 = Date.now();
    devnet = await started({ accounts: [{ address: funder.address, balance: FUNDS }] });
    log('sdk-npm', `devnet running in ${secs(Date.now() - t0)}`);
  }, 90_000);

  afterAll(async () => {
    await disposeDevnet(devnet);
    if (work === '') return;
    if (process.env['BABYCHAIN_E2E_KEEP'] === undefined) rmSync(work, { recursive: true, force: true });
    else console.log(`tarballs and the npm project kept in ${work}`);
  }, 30_000);

  it('packs built packages whose dependencies npm can resolve', () => {
    expect(Object.keys(tgz).sort()).toEqual([...PUBLISHED].sort());
    for (const p of PUBLISHED) {
      const file = tgz[p] as string;
      const files = spawnSync('tar', ['-tzf', file], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      expect(files.filter((f) => !f.startsWith('package/dist/')).sort(), p).toEqual([
        'package/README.md',
        'package/package.json',
      ]);
      expect(files).toContain('package/dist/index.js');
      expect(files).toContain(`package/dist/types/${p}/src/index.d.ts`);
      const manifest = JSON.parse(fromTarball(file, 'package/package.json')) as Record<string, unknown>;
      expect(manifest['private']).toBeUndefined();
      expect(manifest['devDependencies']).toBeUndefined();
      expect(manifest['scripts']).toBeUndefined();
      expect(JSON.stringify(manifest)).not.toMatch(/workspace:|catalog:|\.\/src\//);
      const deps = manifest['dependencies'] as Record<string, string>;
      // the only workspace packages left are the published ones, at the version packed beside them
      for (const [dep, range] of Object.entries(deps)) {
        if (dep.startsWith('@babychain/')) expect(PUBLISHED.map((n) => `@babychain/${n}`)).toContain(dep);
        expect(range, dep).toMatch(/^\^?\d+\.\d+\.\d+$/);
      }
    }
    const client = JSON.parse(fromTarball(tgz['client'] as string, 'package/package.json')) as Record<string, unknown>;
    log('sdk-npm', `published client depends on ${JSON.stringify(client['dependencies'])}`);
    expect(Object.keys(client['dependencies'] as object).sort()).toEqual([
      '@babychain/codec',
      '@babychain/crypto',
      'typebox',
    ]);
  });

  it('installs as real files, not workspace links', () => {
    for (const p of PUBLISHED) {
      const dir = join(app, 'node_modules', '@babychain', p);
      expect(lstatSync(dir).isSymbolicLink(), p).toBe(false);
      expect(existsSync(join(dir, 'dist', 'index.js')), p).toBe(true);
      expect(existsSync(join(dir, 'src')), p).toBe(false);
    }
    expect(readdirSync(join(app, 'node_modules', '@babychain')).sort()).toEqual([...PUBLISHED].sort());
  });

  it('sends and receives with a ten-line script on Node 20', async () => {
    logsOnFailure(() => devnet);
    const d = devnet as Devnet;
    const mnemonic = generateMnemonic(24);
    const expected = Wallet.fromMnemonic(mnemonic).address; // as the workspace (and so the CLI) derives it
    writeFileSync(join(app, 'send.mjs'), SCRIPT);
    const env = {
      ...outsideEnv(node),
      BABY_NODE: d.node(0).rpcUrl,
      MNEMONIC: mnemonic,
      FUNDER_SEED: toHex(funder.seed),
    };
    const r = ok('the script', await run(node, ['send.mjs'], { cwd: app, env, timeoutMs: 30_000 }));
    log('sdk-npm', `script on Node 20 in ${secs(r.ms)}: ${r.stdout.trim()}`);
    const out = JSON.parse(r.stdout) as Record<string, string>;
    const minFee = (await d.rpc(2).status()).params.minFee;
    expect(out['node']).toMatch(/^v20\./);
    expect(out).toMatchObject({ address: expected, received: '2.5', fee: formatAmount(minFee) });
    const left = 2_500_000n - 1_000_000n - minFee;
    expect(out['balance']).toBe(formatAmount(left));

    // what another node says: both transfers are committed everywhere
    const mine = await d.rpc(2).account(expected);
    expect(mine.balance).toBe(left);
    expect(mine.nonce).toBe(1n);
    const theirs = await d.rpc(3).account(funder.address);
    expect(theirs.balance).toBe(FUNDS - 2_500_000n - minFee + 1_000_000n);
    expect(theirs.nonce).toBe(1n);
    await expectSafe(d);
  }, 40_000);

  it('type-checks that script against the published declarations', () => {
    const program = ts.createProgram([join(app, 'send.mjs')], {
      allowJs: true,
      checkJs: true,
      noEmit: true,
      strict: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      // a Node user's environment: @types/node; declarations are checked too (below: ours only)
      typeRoots: [join(ROOT, 'node_modules', '@types')],
      types: ['node'],
      skipLibCheck: false,
    });
    // The script and every declaration file of ours, each checked in full; the rest (lib, @types/node, typebox,
    // noble) only as far as ours use it, which keeps this to seconds.
    const ours = program
      .getSourceFiles()
      .filter((f) => !f.fileName.includes('/node_modules/') || f.fileName.includes('/node_modules/@babychain/'));
    expect(ours.length).toBeGreaterThan(30);
    const diagnostics = [
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...ours.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
    ];
    const host = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: () => app, getNewLine: () => '\n' };
    expect(ts.formatDiagnostics(diagnostics, host)).toBe('');
    const resolved = program.getSourceFiles().map((f) => f.fileName);
    expect(resolved).toContain(
      join(realpathSync(app), 'node_modules/@babychain/client/dist/types/client/src/index.d.ts'),
    );
  });

  it('bundles for a browser from the installed packages with no node: module', async () => {
    const result = await esbuild.build({
      stdin: { contents: SCRIPT, resolveDir: app },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const [output] = Object.values(result.metafile.outputs);
    expect(output?.imports).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((f) => f.endsWith('@babychain/crypto/dist/browser.js'))).toBe(true);
    expect(inputs.filter((f) => f.endsWith('@babychain/crypto/dist/index.js'))).toEqual([]);
  });
});

if (typeof runtime === 'string') console.warn(`skipped the npm SDK test: ${runtime}`);
