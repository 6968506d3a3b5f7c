import { access, constants, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FrankError, errorMessage } from '../errors.js';
import { renderJUnit } from './junit-report.js';
import { renderMarkdownReport } from './markdown-report.js';
import type { RunResult } from './run.js';
import { latencyHistogramSvg, throughputSvg } from './svg-charts.js';

/**
 * Writes what --report and --junit ask for. The report's two charts go beside it, named after
 * it (report.md → report-latency.svg, report-throughput.svg) and linked relatively.
 */
export async function writeRunReports(result: RunResult, targets: { report?: string; junit?: string }): Promise<string[]> {
  const written: string[] = [];
  if (targets.report) {
    const base = targets.report.replace(/\.(md|markdown)$/i, '');
    const latency = `${base}-latency.svg`;
    const throughput = `${base}-throughput.svg`;
    await write(latency, latencyHistogramSvg(result));
    await write(throughput, throughputSvg(result));
    await write(targets.report, renderMarkdownReport(result, { latency: path.basename(latency), throughput: path.basename(throughput) }));
    written.push(targets.report, latency, throughput);
  }
  if (targets.junit) {
    await write(targets.junit, renderJUnit(result));
    written.push(targets.junit);
  }
  return written;
}

/** Before a run that may take minutes: can the files be written where asked? */
export async function checkReportTargets(targets: { report?: string; junit?: string }): Promise<void> {
  for (const [flag, file] of Object.entries({ '--report': targets.report, '--junit': targets.junit })) {
    if (!file) continue;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await access(path.dirname(file), constants.W_OK);
    } catch (error) {
      throw new FrankError(`${flag} ${file}: its folder cannot be written: ${errorMessage(error)}`, {
        hint: `Give ${flag} a path in a folder you can write to.`,
        cause: error,
      });
    }
  }
}

async function write(file: string, content: string): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  } catch (error) {
    throw new FrankError(`Cannot write ${file}: ${errorMessage(error)}`, { hint: 'Give --report/--junit a path in a folder you can write to.', cause: error });
  }
}
