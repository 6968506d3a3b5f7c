import { open, stat } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { runtimeContext, type Lab } from './lab.js';
import type { LabUnit } from './topology.js';
import { labUnits } from './up.js';

export interface LogLine {
  unit: string;
  text: string;
  /** When frank read it: set for followed lines, whose producers may not timestamp them. */
  at?: Date;
}

/** The units whose logs are asked for: all, or those named (a typo is a usage error that lists the names). */
export function selectUnits(lab: Lab, names: string[]): LabUnit[] {
  const units = labUnits(lab.topology).units;
  if (names.length === 0) return units;
  const unknown = names.filter((name) => !units.some((u) => u.name === name));
  if (unknown.length > 0) {
    throw new UsageError(`No resource or service ${unknown.map((n) => `"${n}"`).join(', ')} in ${lab.topology.file}.`, {
      hint: `Use any of: ${units.map((u) => u.name).join(', ')}.`,
    });
  }
  return units.filter((u) => names.includes(u.name));
}

/** The last lines of each unit's log, unit by unit. */
export async function recentLogs(lab: Lab, units: LabUnit[], lines: number): Promise<LogLine[]> {
  const context = await runtimeContext(lab, lab.state?.id ?? '');
  const out: LogLine[] = [];
  for (const unit of units) {
    const tail = await lab.runtime.logTail(unit, context, lines);
    for (const text of tail.split('\n')) if (text) out.push({ unit: unit.name, text });
  }
  return out;
}

/**
 * Follows the native log files, merged in the order lines arrive, until the signal aborts.
 * Reads what was appended since the last look: a file that shrank (a purge) is read afresh.
 */
export async function followLogs(lab: Lab, units: LabUnit[], onLine: (line: LogLine) => void, signal: AbortSignal, intervalMs = 250): Promise<void> {
  if (lab.runtime.name !== 'native') {
    throw new UsageError("frank logs -f follows the native runtime's log files.", {
      hint: 'With docker: docker logs -f <container> (frank logs without -f shows their tails).',
    });
  }
  const offsets = new Map<string, number>();
  for (const unit of units) offsets.set(unit.name, (await stat(lab.paths.log(unit.name)).catch(() => undefined))?.size ?? 0);
  const partial = new Map<string, string>();
  while (!signal.aborted) {
    for (const unit of units) {
      const file = lab.paths.log(unit.name);
      const size = (await stat(file).catch(() => undefined))?.size ?? 0;
      let from = offsets.get(unit.name) ?? 0;
      if (size < from) from = 0;
      if (size === from) continue;
      const handle = await open(file, 'r');
      try {
        const buffer = Buffer.alloc(size - from);
        await handle.read(buffer, 0, buffer.length, from);
        offsets.set(unit.name, size);
        const text = (partial.get(unit.name) ?? '') + buffer.toString('utf8');
        const lines = text.split('\n');
        partial.set(unit.name, lines.pop() ?? '');
        for (const line of lines) if (line) onLine({ unit: unit.name, text: line, at: new Date() });
      } finally {
        await handle.close();
      }
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
