import { isMap, isPair, isScalar, parseDocument, type Pair, type YAMLMap } from 'yaml';
import { FrankError } from '../errors.js';
import { parseTopology } from './topology.js';

/** A new service and the PostgreSQL resource it owns, as `frank new service` adds them to frank.yaml. */
export interface NewServiceEntry {
  service: string;
  port: number;
  uses: string[];
  database: { resource: string; port: number; name: string; schemas: string[] };
}

/**
 * Returns frank.yaml's text with the database resource (after the last postgres resource) and the
 * service (after the last service) added. The Document API finds where; the new lines are spliced
 * into the text, because re-stringifying the document would realign comments and flow lists.
 * The result is checked with the project's own loader before it is returned.
 */
export function addServiceToTopology(text: string, file: string, entry: NewServiceEntry): string {
  const doc = parseDocument(text);
  const resources = doc.get('resources', true);
  if (!isMap(resources) || resources.flow) throw new FrankError(`${file}: "resources" must be a block map to add ${entry.database.resource} to it.`);
  const { database } = entry;
  const lastPostgres = [...resources.items].reverse().find((pair) => isMap(pair.value) && pair.value.get('kind') === 'postgres') ?? resources.items.at(-1);
  const resourceLines = [
    `${database.resource}:`,
    `  kind: postgres`,
    `  port: ${database.port}`,
    `  databases:`,
    `    ${database.name}: [${database.schemas.join(', ')}]`,
  ];
  const serviceLine = `${entry.service}: { port: ${entry.port}, uses: [${entry.uses.join(', ')}] }`;

  const edits: { at: number; lines: string[] }[] = [
    { at: lineAfter(text, endOf(lastPostgres)), lines: indent(resourceLines, keyColumn(text, lastPostgres) ?? 2) },
  ];
  const services = doc.get('services', true);
  if (services === undefined || (isScalar(services) && services.value === null)) {
    edits.push({ at: text.length, lines: [...(text.endsWith('\n') || text === '' ? [] : ['']), 'services:', `  ${serviceLine}`] });
  } else if (isMap(services) && !services.flow) {
    const last = services.items.at(-1);
    edits.push({ at: lineAfter(text, endOf(last)), lines: indent([serviceLine], keyColumn(text, last) ?? 2) });
  } else {
    throw new FrankError(`${file}: "services" must be a block map to add ${entry.service} to it.`, { hint: `Add the line by hand:\n  ${serviceLine}` });
  }

  let result = text;
  // From the end backwards, so earlier offsets stay valid.
  for (const edit of edits.sort((a, b) => b.at - a.at)) {
    const before = result.slice(0, edit.at);
    const glue = before === '' || before.endsWith('\n') ? '' : '\n';
    result = before + glue + edit.lines.join('\n') + '\n' + result.slice(edit.at);
  }
  parseTopology(result, file, { portOffset: 0 });
  return result;
}

type MapPair = YAMLMap['items'][number] | undefined;

/** Where a pair's value ends (its last content character), or undefined for an empty map. */
function endOf(pair: MapPair): number | undefined {
  if (!pair || !isPair(pair)) return undefined;
  const node = (pair as Pair<unknown, { range?: [number, number, number] } | null>).value ?? (pair.key as { range?: [number, number, number] });
  return node?.range?.[1];
}

/** The start of the line after `offset`, so new lines go below the whole entry and its trailing comment. */
function lineAfter(text: string, offset: number | undefined): number {
  if (offset === undefined) return text.length;
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

function keyColumn(text: string, pair: MapPair): number | undefined {
  const start = pair && isPair(pair) ? (pair.key as { range?: [number, number, number] })?.range?.[0] : undefined;
  if (start === undefined) return undefined;
  return start - (text.lastIndexOf('\n', start - 1) + 1);
}

function indent(lines: string[], column: number): string[] {
  return lines.map((line) => ' '.repeat(column) + line);
}
