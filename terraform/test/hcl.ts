import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TERRAFORM_DIR = path.join(REPO_ROOT, 'terraform');
export const MODULES_DIR = path.join(TERRAFORM_DIR, 'modules');
export const ENV_DIR = path.join(TERRAFORM_DIR, 'envs', 'aws');

/** A block as hcl2json gives it: attributes as JSON values, expressions as "${...}" strings. */
export type Block = Record<string, unknown>;

/** The top-level blocks of one Terraform module (every .tf file in one folder), merged. */
export interface Module {
  dir: string;
  files: string[];
  variable: Record<string, Block>;
  output: Record<string, Block>;
  locals: Block;
  module: Record<string, Block>;
  /** type -> name -> block */
  resource: Record<string, Record<string, Block>>;
  data: Record<string, Record<string, Block>>;
  ephemeral: Record<string, Record<string, Block>>;
  terraform: Block[];
  provider: Record<string, Block[]>;
  check: Record<string, Block>;
}

export async function tfFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'build') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await tfFiles(full)));
    else if (entry.name.endsWith('.tf')) found.push(full);
  }
  return found.sort();
}

export async function parseFile(file: string): Promise<Record<string, unknown>> {
  return parse(path.basename(file), await readFile(file, 'utf8'));
}

export async function loadModule(dir: string): Promise<Module> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.tf')).sort();
  const module: Module = {
    dir,
    files,
    variable: {},
    output: {},
    locals: {},
    module: {},
    resource: {},
    data: {},
    ephemeral: {},
    terraform: [],
    provider: {},
    check: {},
  };
  for (const name of files) {
    const parsed = await parseFile(path.join(dir, name));
    for (const [kind, value] of Object.entries(parsed)) {
      const body = value as Record<string, unknown>;
      switch (kind) {
        case 'variable':
        case 'output':
        case 'module':
        case 'check':
          for (const [blockName, blocks] of Object.entries(body)) module[kind][blockName] = only(blocks, `${kind} ${blockName}`);
          break;
        case 'locals':
          for (const block of value as Block[]) Object.assign(module.locals, block);
          break;
        case 'resource':
        case 'data':
        case 'ephemeral':
          for (const [type, named] of Object.entries(body)) {
            module[kind][type] ??= {};
            for (const [blockName, blocks] of Object.entries(named as Record<string, unknown>))
              module[kind][type]![blockName] = only(blocks, `${type}.${blockName}`);
          }
          break;
        case 'terraform':
          module.terraform.push(...(value as Block[]));
          break;
        case 'provider':
          for (const [providerName, blocks] of Object.entries(body)) module.provider[providerName] = blocks as Block[];
          break;
        default:
          throw new Error(`${name}: unexpected top-level block ${kind}`);
      }
    }
  }
  return module;
}

function only(blocks: unknown, what: string): Block {
  if (!Array.isArray(blocks) || blocks.length !== 1) throw new Error(`${what} is declared ${Array.isArray(blocks) ? blocks.length : 0} times`);
  return blocks[0] as Block;
}

/** The expression inside "${...}", or undefined when the value is not an interpolation. */
export function expression(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith('${') && value.endsWith('}') ? value.slice(2, -1) : undefined;
}

export function resource(module: Module, type: string, name: string): Block {
  const block = module.resource[type]?.[name];
  if (!block) throw new Error(`${path.relative(REPO_ROOT, module.dir)} declares no resource ${type}.${name}`);
  return block;
}

/** The first nested block of a kind, e.g. nested(instance, 'vpc_config'). */
export function nested(block: Block, kind: string): Block[] {
  const value = block[kind];
  return Array.isArray(value) ? (value as Block[]) : [];
}

/** The env root's variables as terraform.tfvars.example sets them (what `frank cloud tfvars` writes). */
export interface LabTfvars {
  region: string;
  databases: Record<string, { database_names: string[]; port: number; schemas: Record<string, string[]> }>;
  services: Record<string, { port: number; uses: string[]; calls: string[]; secrets: string[]; environment: Record<string, string> }>;
  broker: { name: string; exchanges: Record<string, string> };
  documents: { name: string; port: number };
  cache: { name: string; port: number };
  aws_resource: string;
  buses: string[];
  queues: string[];
  rules: Record<string, { bus: string; target: string; pattern: string }>;
  schedules: Record<string, { target: string; schedule_expression: string }>;
  archives: Record<string, { bus: string; pattern: string | null; retention_days: number }>;
  unleash: {
    name: string;
    port: number;
    postgres: string;
    database: string;
    image: string;
    admin_token_prefix: string;
    client_token_prefix: string;
  } | null;
}

export const TFVARS_EXAMPLE = path.join(ENV_DIR, 'terraform.tfvars.example');

export async function loadTfvarsExample(): Promise<LabTfvars> {
  return (await parse('terraform.tfvars.example', await readFile(TFVARS_EXAMPLE, 'utf8'))) as unknown as LabTfvars;
}

/**
 * The source text of a local value as written in a module's .tf files, for locals that hcl2json turns into
 * JSON objects (an object literal holding `for` expressions) rather than one "${...}" expression.
 */
export async function localSource(module: Module, name: string): Promise<string> {
  for (const file of module.files) {
    const text = await readFile(path.join(module.dir, file), 'utf8');
    const start = new RegExp(`^  ${name}\\s*=\\s*`, 'm').exec(text);
    if (!start) continue;
    let i = start.index + start[0].length;
    const from = i;
    let depth = 0;
    let quoted = false;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (quoted) {
        if (c === '\\') i++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if ('{[('.includes(c)) depth++;
      else if ('}])'.includes(c)) depth--;
      else if (c === '\n' && depth === 0) break;
    }
    return text.slice(from, i).replace(/ #[^\n]*/g, '');
  }
  throw new Error(`${path.relative(REPO_ROOT, module.dir)} declares no local ${name}`);
}
