import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from './runtimes/checkout.js';

// The rules `npm run lint` enforces (ARCHITECTURE.md), read from the one config.
const config = createRequire(import.meta.url)(path.join(REPOSITORY_ROOT, '.dependency-cruiser.cjs')) as IConfiguration;

/** The rules broken in the tree under `baseDir`, as "rule: from → to". */
async function violations(baseDir: string): Promise<string[]> {
  const { output } = await cruise(['cli/src'], { ...config.options, baseDir, validate: true, ruleSet: { forbidden: config.forbidden } });
  const result = output as ICruiseResult;
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

describe('the layers', () => {
  const fixtures: string[] = [];
  afterAll(async () => {
    for (const dir of fixtures) await rm(dir, { recursive: true, force: true });
  });

  /** A small cli/src in a temporary folder: the files given, by path below cli/src. */
  async function tree(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), 'frank-layers-'));
    fixtures.push(dir);
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, 'cli/src', file)), { recursive: true });
      await writeFile(path.join(dir, 'cli/src', file), text);
    }
    return dir;
  }

  it('hold in the real tree', async () => {
    expect(await violations(REPOSITORY_ROOT)).toEqual([]);
  });

  it('fail on a runtime that imports the lab or loads lab-types as a value, a lab that renders, and a cycle', async () => {
    const dir = await tree({
      'lab/topology.ts': "export interface Topology { root: string }\nexport const loadTopology = (): Topology => ({ root: '.' });\n",
      'lab/lab-types.ts': "export type { Topology } from './topology.js';\n",
      'runtimes/good.ts': "import type { Topology } from '../lab/lab-types.js';\nexport const root = (t: Topology) => t.root;\n",
      'runtimes/value-import.ts': "import { Topology } from '../lab/lab-types.js';\nexport const root = (t: Topology) => t.root;\n",
      'runtimes/wrong-way.ts': "import { loadTopology } from '../lab/topology.js';\nexport const root = () => loadTopology().root;\n",
      'ui/output.ts': 'export const renderTable = (rows: string[]) => rows.join("\\n");\n',
      'lab/status.ts': "import { renderTable } from '../ui/output.js';\nexport const status = () => renderTable([]);\n",
      'saga/a.ts': "import { b } from '../views/b.js';\nexport const a = () => b();\n",
      'views/b.ts': "import { a } from '../saga/a.js';\nexport const b = (): unknown => a;\n",
    });
    expect((await violations(dir)).sort()).toEqual([
      'lab-below-features: cli/src/lab/status.ts → cli/src/ui/output.ts',
      'no-circular: cli/src/saga/a.ts → cli/src/views/b.ts',
      'runtimes-below-lab: cli/src/runtimes/wrong-way.ts → cli/src/lab/topology.ts',
      'runtimes-lab-types-only: cli/src/runtimes/value-import.ts → cli/src/lab/lab-types.ts',
    ]);
  });

  it("keep the CLI out of the services' private tables: their reports only", async () => {
    const eslint = new ESLint({ cwd: REPOSITORY_ROOT });
    const code = [
      "export const bad = 'SELECT id FROM order_domain.orders';",
      'export const worse = (n: number) => `SELECT ${n} FROM payment_domain.payments`;',
      "export const good = 'SELECT id FROM saga_report.orders';",
    ].join('\n');
    const [result] = await eslint.lintText(code, { filePath: path.join(REPOSITORY_ROOT, 'cli/src/saga/private-sql.ts') });
    expect(result!.messages.map((m) => `${m.line}: ${m.ruleId}`)).toEqual(['1: no-restricted-syntax', '2: no-restricted-syntax']);
  });
});
