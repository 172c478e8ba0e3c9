import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../program.ts';
import { readArtifact } from '../release/pack.ts';
import { git, snapshotSource } from '../release/source.testutil.ts';
import { fakeIo } from './io.testutil.ts';

const VERSION = '9.8.7';

interface Built {
  path: string;
  sha256: string;
  size: number;
  version: string;
  platform: string;
  sourceCommit: string;
}

async function baby(args: string[]) {
  const io = fakeIo({});
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

async function build(source: string, out: string, ...extra: string[]): Promise<Built> {
  const run = await baby([
    'release',
    'build',
    '--source',
    source,
    '--out',
    out,
    '--version',
    VERSION,
    '--json',
    ...extra,
  ]);
  expect(run.err).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.out) as Built;
}

function touchAll(dir: string, when: Date): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.git') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) touchAll(path, when);
    utimesSync(path, when, when);
  }
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    }),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

describe('baby release build', () => {
  const root = mkdtempSync(join(tmpdir(), 'baby-release-'));
  const source = join(root, 'source');
  let commit: string;
  let first: Built;
  let buildMs: number;

  beforeAll(async () => {
    mkdirSync(source);
    commit = snapshotSource(source);
    const started = performance.now();
    first = await build(source, join(root, 'a', 'release.tar.gz'));
    buildMs = performance.now() - started;
  }, 60_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reports what it built: path, digest, size, version, platform and commit', () => {
    const bytes = readFileSync(first.path);
    expect(first.size).toBe(bytes.length);
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(first.version).toBe(VERSION);
    expect(first.platform).toBe(`${process.platform}-${process.arch}`);
    expect(first.sourceCommit).toBe(commit);
    console.info(`release build: ${Math.round(buildMs)} ms, ${bytes.length} bytes`);
  });

  it('packs release.json, the entry script, the native modules and the web console', async () => {
    const files = await readArtifact(readFileSync(first.path));
    const info = JSON.parse(new TextDecoder().decode(files.find((f) => f.path === 'release.json')?.bytes));
    expect(info).toEqual({
      version: VERSION,
      sourceCommit: commit,
      platform: first.platform,
      appVersion: 0,
      entry: 'baby.mjs',
    });
    const paths = files.map((f) => f.path);
    expect(paths).toEqual([...paths].sort());
    expect(paths).toContain('baby.mjs');
    expect(paths.some((p) => p.startsWith('node_modules/classic-level/prebuilds/') && p.endsWith('.node'))).toBe(true);
    // RPC-19: the node a launcher starts serves its own release's console, which loadConsole finds beside baby.mjs.
    const shipped = paths.filter((p) => p.startsWith('console/'));
    expect(shipped.filter((p) => !/^console\/chunk-[A-Z0-9]+\.js$/.test(p))).toEqual([
      'console/console.css',
      'console/console.js',
      'console/index.html',
    ]);
    expect(shipped.length).toBeGreaterThan(3); // and the chunks of the views loaded when opened
    for (const f of files.filter((x) => x.path.startsWith('console/'))) expect(f.mode, f.path).toBe(0o644);
    const bundle = new TextDecoder().decode(files.find((f) => f.path === 'baby.mjs')?.bytes);
    // Nothing of the machine that built it: neither the source tree's nor the repository's location.
    for (const f of files.filter((x) => x.path === 'baby.mjs' || x.path.startsWith('console/'))) {
      const text = new TextDecoder().decode(f.bytes);
      expect(text, f.path).not.toContain(root);
      expect(text, f.path).not.toContain(dirname(dirname(dirname(import.meta.dirname))));
    }
    expect(bundle).toContain('import.meta.dirname');
  });

  it('gives the same bytes into another path after file times change, and from a clone elsewhere', async () => {
    touchAll(source, new Date(Date.now() + 3_600_000));
    const touched = await build(source, join(root, 'b', 'other-name.tar.gz'));
    expect(touched.sha256).toBe(first.sha256);
    const clone = join(root, 'elsewhere', 'deeper', 'clone');
    mkdirSync(dirname(clone), { recursive: true });
    spawnSync('git', ['clone', '-q', source, clone]);
    const cloned = await build(clone, join(root, 'd.tar.gz'));
    expect(cloned.sha256).toBe(first.sha256);
  }, 30_000);

  it('refuses a source tree with uncommitted changes unless --allow-dirty', async () => {
    const readme = join(source, 'README.md');
    const before = readFileSync(readme);
    appendFileSync(readme, '\nchanged\n');
    try {
      const refused = await baby(['release', 'build', '--source', source, '--out', join(root, 'dirty.tar.gz')]);
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/^error CLI_DIRTY_SOURCE: .*README\.md/);
      expect(() => statSync(join(root, 'dirty.tar.gz'))).toThrow();
      const allowed = await build(source, join(root, 'dirty.tar.gz'), '--allow-dirty');
      expect(allowed.sourceCommit).toBe(commit);
    } finally {
      writeFileSync(readme, before);
    }
  }, 30_000);

  it('refuses a directory that is not a git checkout, and a malformed version', async () => {
    const bare = mkdtempSync(join(root, 'bare-'));
    const notGit = await baby(['release', 'build', '--source', bare, '--out', join(root, 'x.tar.gz')]);
    expect(notGit.code).toBe(1);
    expect(notGit.err).toMatch(/^error CLI_BAD_SOURCE: /);
    const badVersion = await baby([
      'release',
      'build',
      '--source',
      source,
      '--out',
      join(root, 'x.tar.gz'),
      '--version',
      '1.02.3',
    ]);
    expect(badVersion.err).toMatch(/^error REL_BAD_VERSION: /);
    expect(git(source, 'status', '--porcelain', '--untracked-files=no')).toBe('');
  });

  it('runs: the unpacked release inits a one-validator chain, makes blocks and reports its version', async () => {
    const dir = join(root, 'unpacked');
    for (const f of await readArtifact(readFileSync(first.path))) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.bytes);
      chmodSync(join(dir, f.path), f.mode);
    }
    const home = join(root, 'home');
    const [p2p, rpc] = (await freePorts(2)) as [number, number];
    const entry = join(dir, 'baby.mjs');
    const init = spawnSync(
      process.execPath,
      [
        entry,
        'init',
        '--moniker',
        'released',
        '--chain-id',
        'release-test',
        '--home',
        home,
        '--p2p-port',
        `${p2p}`,
        '--rpc-port',
        `${rpc}`,
      ],
      { encoding: 'utf8', cwd: root },
    );
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);
    let child: ChildProcess | undefined;
    let output = '';
    try {
      child = spawn(process.execPath, [entry, 'start', '--home', home], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      const deadline = Date.now() + 20_000;
      let status: { height?: string; version?: string } = {};
      while (Date.now() < deadline && child.exitCode === null) {
        try {
          status = (await (await fetch(`http://127.0.0.1:${rpc}/status`)).json()) as typeof status;
          if (BigInt(status.height ?? '0') >= 2n) break;
        } catch {
          // not listening yet
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(BigInt(status.height ?? '0'), output.slice(-2000)).toBeGreaterThanOrEqual(2n);
      expect(status.version).toBe(VERSION);
      const docs = await fetch(`http://127.0.0.1:${rpc}/docs/static/logo.svg`);
      expect(docs.status).toBe(200);
      // The console it serves is the release's own console/ directory, byte for byte.
      const page = await fetch(`http://127.0.0.1:${rpc}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toBe(readFileSync(join(dir, 'console', 'index.html'), 'utf8'));
      const script = await fetch(`http://127.0.0.1:${rpc}/console.js`);
      expect(script.status).toBe(200);
      expect(Buffer.from(await script.arrayBuffer()).equals(readFileSync(join(dir, 'console', 'console.js')))).toBe(
        true,
      );
      expect(output).not.toMatch(/no web console/);
    } finally {
      if (child !== undefined && child.exitCode === null) {
        const exited = new Promise((resolve) => child?.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
  }, 30_000);
});
