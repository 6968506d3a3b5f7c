import { LineCounter, isMap, isNode, isScalar, parseDocument } from 'yaml';
import type { z } from 'zod';
import { UsageError } from '../errors.js';

export interface YamlReading {
  /** How a key path is named in a message (`services.order.port`, `(top level)`). */
  describeKey(keyPath: string[]): string;
  /** What is wrong, in words that follow the key's name. */
  describeIssue(issue: z.core.$ZodIssue, keyPath: string[]): string;
  /** Where to look for what each key takes. */
  hint: string;
}

/**
 * A YAML file of the user's (frank.yaml, a scenario) read against its schema: broken YAML and the
 * first value the schema refuses are usage errors naming the file, the line and the key. Returns
 * the data and `lineAt`, for the checks the caller makes after the schema's.
 */
export function readYamlFile<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  reading: YamlReading,
): { data: z.infer<S>; lineAt: (keyPath: string[]) => string } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const where = first.linePos?.[0] ? `:${first.linePos[0].line}:${first.linePos[0].col}` : '';
    throw new UsageError(`${file}${where}: not valid YAML: ${first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, {
      hint: 'Fix the YAML syntax (indentation, quotes, colons) at that line.',
    });
  }
  const lineAt = (keyPath: string[]) => lineOf(doc, lineCounter, keyPath);
  const parsed = schema.safeParse(doc.toJS() ?? {}, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keyPath = issue.path.map(String);
    const lineKey = issue.code === 'unrecognized_keys' ? [...keyPath, issue.keys[0]!] : keyPath;
    throw new UsageError(`${file}${lineAt(lineKey)}: ${reading.describeKey(keyPath)}: ${reading.describeIssue(issue, keyPath)}`, { hint: reading.hint });
  }
  return { data: parsed.data, lineAt };
}

/** The line of the key itself (where a reader looks), else of the nearest enclosing key. */
function lineOf(doc: ReturnType<typeof parseDocument>, lineCounter: LineCounter, keyPath: string[]): string {
  for (let depth = keyPath.length; depth > 0; depth--) {
    const parent = depth === 1 ? doc.contents : doc.getIn(keyPath.slice(0, depth - 1), true);
    const key = keyPath[depth - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      if (pair && isNode(pair.key) && pair.key.range) return `:${lineCounter.linePos(pair.key.range[0]).line}`;
    }
    const node = doc.getIn(keyPath.slice(0, depth), true);
    if (isNode(node) && node.range) return `:${lineCounter.linePos(node.range[0]).line}`;
  }
  return '';
}
