import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { packArtifact, readArtifact } from './pack.ts';

const text = (s: string) => new TextEncoder().encode(s);

describe('packArtifact', () => {
  const entries = [
    { path: 'release.json', bytes: text('{}\n'), executable: false },
    { path: 'baby.mjs', bytes: text('console.log(1)\n'), executable: true },
    { path: 'node_modules/x/a.node', bytes: new Uint8Array([0, 1, 2]), executable: true },
  ];

  it('gives the same bytes whatever order the entries come in', async () => {
    const a = await packArtifact(entries);
    const b = await packArtifact([...entries].reverse());
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('writes a gzip header with mtime 0, level 9 and OS byte 255', async () => {
    const gz = await packArtifact(entries);
    expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255]);
  });

  it('writes sorted ustar entries with mtime 0, root owner without names, and 0644/0755 modes', async () => {
    const tar = gunzipSync(await packArtifact(entries));
    const headers: { name: string; mode: string; uid: string; gid: string; mtime: string; owners: string }[] = [];
    for (let at = 0; at + 512 <= tar.length; ) {
      const h = tar.subarray(at, at + 512);
      if (h.every((b) => b === 0)) break;
      const field = (from: number, len: number) =>
        h
          .subarray(from, from + len)
          .toString('latin1')
          .replace(/\0.*$/s, '');
      const size = Number.parseInt(field(124, 12), 8);
      headers.push({
        name: field(0, 100),
        mode: field(100, 8),
        uid: field(108, 8),
        gid: field(116, 8),
        mtime: field(136, 12),
        owners: field(265, 32) + field(297, 32),
      });
      expect(field(156, 1)).toBe('0');
      at += 512 + Math.ceil(size / 512) * 512;
    }
    expect(headers.map((h) => h.name)).toEqual(['baby.mjs', 'node_modules/x/a.node', 'release.json']);
    expect(headers.map((h) => Number.parseInt(h.mode, 8))).toEqual([0o755, 0o755, 0o644]);
    for (const h of headers) {
      expect(Number.parseInt(h.uid, 8)).toBe(0);
      expect(Number.parseInt(h.gid, 8)).toBe(0);
      expect(Number.parseInt(h.mtime, 8)).toBe(0);
      expect(h.owners).toBe('');
    }
  });

  it('reads back what it packed', async () => {
    const files = await readArtifact(await packArtifact(entries));
    expect(files.map((f) => [f.path, f.mode, Buffer.from(f.bytes).toString('hex')])).toEqual([
      ['baby.mjs', 0o755, Buffer.from('console.log(1)\n').toString('hex')],
      ['node_modules/x/a.node', 0o755, '000102'],
      ['release.json', 0o644, Buffer.from('{}\n').toString('hex')],
    ]);
  });

  it('refuses paths a plain ustar header cannot hold', async () => {
    await expect(
      packArtifact([{ path: `${'a'.repeat(101)}`, bytes: text('x'), executable: false }]),
    ).rejects.toMatchObject({ code: 'CLI_BAD_ARGUMENT' });
    await expect(packArtifact([{ path: '../escape', bytes: text('x'), executable: false }])).rejects.toMatchObject({
      code: 'CLI_BAD_ARGUMENT',
    });
  });
});

describe('readArtifact', () => {
  it('refuses bytes that are not a gzip file', async () => {
    await expect(readArtifact(text('not gzip'))).rejects.toMatchObject({ code: 'CLI_BAD_ARTIFACT' });
  });
});
