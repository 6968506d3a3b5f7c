import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { isScalar, isSeq, parseDocument } from 'yaml';
import { findCheckov } from '../../cli/src/runtimes/native/programs.js';
import { TERRAFORM_DIR } from './hcl.js';

// Installed by `npx frank deps install --test-tools` (npm test runs it) into .frank/tools/checkov.
const CHECKOV = findCheckov() ?? 'checkov';
const CONFIG = path.join(TERRAFORM_DIR, '.checkov.yaml');

interface Failure {
  check_id: string;
  check_name: string;
  resource: string;
  file_path: string;
}

interface Skip {
  id: string;
  reason: string;
}

let failures: Failure[];
let skips: Skip[];
let skippedPaths: Skip[];

/** A list of terraform/.checkov.yaml with the reason each entry gives in its comment. */
async function readList(key: 'skip-check' | 'skip-path'): Promise<Skip[]> {
  const doc = parseDocument(await readFile(CONFIG, 'utf8'));
  const list = doc.get(key, true);
  if (!isSeq(list)) throw new Error(`${CONFIG}: ${key} must be a list`);
  return list.items.map((item) => {
    if (!isScalar(item)) throw new Error(`${CONFIG}: ${key} entries must be plain values`);
    return { id: String(item.value), reason: (item.comment ?? '').trim() };
  });
}

beforeAll(async () => {
  skips = await readList('skip-check');
  skippedPaths = await readList('skip-path');
  // checkov reads .checkov.yaml from the folder it scans too; scan a copy without it to see every failure
  // (leaving out only the folders the config skips, as checkov with the config does).
  const skipped = new Set(skippedPaths.map((entry) => entry.id));
  // What `frank cloud plan` and `cloud package` leave beside the sources (tfvars of a lab, a plan, the
  // providers, zips) is not the committed configuration: scan only what git would commit.
  const generated = await ignoredByGit(TERRAFORM_DIR);
  const copy = await mkdtemp(path.join(tmpdir(), 'frank-checkov-'));
  await cp(TERRAFORM_DIR, copy, {
    recursive: true,
    filter: (source) => {
      const relative = path.relative(TERRAFORM_DIR, source);
      return !/(^|\/)(\.checkov\.ya?ml|test)$/.test(relative) && !skipped.has(relative) && !generated.has(relative);
    },
  });
  const result = await execa(CHECKOV, ['-d', '.', '--framework', 'terraform', '--compact', '--quiet', '--skip-download', '-o', 'json'], {
    cwd: copy,
    reject: false,
  });
  if (result.exitCode === undefined) {
    throw new Error(`Cannot run ${CHECKOV} (${result.shortMessage}). Install it: npx frank deps install --test-tools`);
  }
  // 0: no failed check, 1: some failed; anything else is checkov itself failing.
  if (result.exitCode !== 0 && result.exitCode !== 1) throw new Error(`checkov exited ${result.exitCode}:\n${result.stderr}`);
  const reports = [JSON.parse(result.stdout)].flat() as {
    check_type: string;
    summary: { parsing_errors: number; resource_count: number };
    results: { failed_checks: Failure[] };
  }[];
  const report = reports.find((r) => r.check_type === 'terraform');
  if (!report) throw new Error(`checkov printed no terraform report:\n${result.stdout.slice(0, 2000)}`);
  expect(report.summary.parsing_errors).toBe(0);
  expect(report.summary.resource_count).toBeGreaterThan(50);
  failures = report.results.failed_checks;
}, 300_000);

/** The paths under `folder` (relative to it) that git ignores, as listed by git. */
async function ignoredByGit(folder: string): Promise<Set<string>> {
  const { stdout } = await execa('git', ['ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '--full-name', '.'], { cwd: folder });
  const root = (await execa('git', ['rev-parse', '--show-toplevel'], { cwd: folder })).stdout;
  return new Set(
    stdout
      .split('\n')
      .filter(Boolean)
      .map((entry) => path.relative(folder, path.join(root, entry.replace(/\/$/, '')))),
  );
}

describe('checkov on terraform/', () => {
  it('fails no check that terraform/.checkov.yaml does not skip', () => {
    const skipped = new Set(skips.map((skip) => skip.id));
    const unexpected = failures.filter((failure) => !skipped.has(failure.check_id)).map((f) => `${f.check_id} ${f.check_name}: ${f.resource} (${f.file_path})`);
    expect(unexpected).toEqual([]);
  });

  it('gives a reason for every skipped check', () => {
    expect(skips.length).toBeGreaterThan(0);
    for (const skip of skips) {
      expect(skip.id).toMatch(/^CKV2?_AWS_\d+$/);
      expect(skip.reason.length, `${skip.id} needs a reason in its comment`).toBeGreaterThan(20);
    }
    expect(new Set(skips.map((skip) => skip.id)).size).toBe(skips.length);
  });

  it('skips only folders that exist, each with a reason', () => {
    expect(skippedPaths.map((entry) => entry.id)).toEqual(['rehearsal']);
    for (const entry of skippedPaths) {
      expect(existsSync(path.join(TERRAFORM_DIR, entry.id)), entry.id).toBe(true);
      expect(entry.reason.length, `${entry.id} needs a reason in its comment`).toBeGreaterThan(20);
    }
  });

  it('skips no check that would pass anyway', () => {
    const failing = new Set(failures.map((failure) => failure.check_id));
    const stale = skips.filter((skip) => !failing.has(skip.id)).map((skip) => skip.id);
    expect(stale, 'remove these from terraform/.checkov.yaml').toEqual([]);
  });
});
