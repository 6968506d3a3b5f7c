import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { zipArchive } from './zip-archive.js';

async function write(zip: Buffer): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'frank-zip-')), 'test.zip');
  await writeFile(file, zip);
  return file;
}

describe('zipArchive', () => {
  it('writes an archive that unzip tests clean and reads back byte for byte', async () => {
    const big = Buffer.from('export const x = 1;\n'.repeat(5000));
    const file = await write(
      zipArchive([
        { name: 'index.mjs', data: big },
        { name: 'lib/empty.txt', data: new Uint8Array() },
        { name: 'lib/café.txt', data: Buffer.from('crème') },
      ]),
    );
    const tested = await execa('unzip', ['-t', file]);
    expect(tested.stdout).toMatch(/No errors detected/);
    expect((await execa('unzip', ['-Z1', file])).stdout.split('\n')).toEqual(['index.mjs', 'lib/empty.txt', 'lib/café.txt']);
    expect((await execa('unzip', ['-p', file, 'index.mjs'], { encoding: 'buffer', stripFinalNewline: false })).stdout).toEqual(new Uint8Array(big));
    expect((await execa('unzip', ['-p', file, 'lib/café.txt'])).stdout).toBe('crème');
  });

  it('compresses', () => {
    const data = Buffer.from('a'.repeat(100_000));
    expect(zipArchive([{ name: 'a.txt', data }]).length).toBeLessThan(1_000);
  });

  it('gives identical bytes for identical input', () => {
    const entries = [{ name: 'index.mjs', data: Buffer.from('export {}') }];
    expect(zipArchive(entries).equals(zipArchive(entries))).toBe(true);
  });

  it('refuses paths that would escape the folder it is unpacked in', () => {
    for (const name of ['../x.js', '/etc/passwd', 'a\\b.js', '']) {
      expect(() => zipArchive([{ name, data: new Uint8Array() }]), name).toThrow(/not a relative path/);
    }
  });
});
