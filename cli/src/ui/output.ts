/**
 * Output channels: data goes to stdout (and only data with --json); progress, tables meant for
 * eyes and errors go to stderr. Colour is read at call time from the flags and NO_COLOR.
 */
export interface OutputOptions {
  json: boolean;
  color: boolean;
}

export function colorEnabled(flag: boolean | undefined): boolean {
  return flag !== false && !('NO_COLOR' in process.env) && process.stderr.isTTY === true;
}

const codes = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const;
export type Color = keyof typeof codes;

export function paint(text: string, color: Color, enabled: boolean): string {
  return enabled ? `\u001b[${codes[color]}m${text}\u001b[0m` : text;
}

/** A unit's phase as `up` shows it, in the text lines and in the live view alike. */
export function phaseColor(phase: string): Color {
  return phase === 'healthy' ? 'green' : phase === 'failed' ? 'red' : phase === 'starting' || phase === 'stopped' || phase === 'waiting' ? 'gray' : 'cyan';
}

/** A unit's live health as `status` and `dashboard` show it. */
export function healthColor(health: string): Color {
  return health === 'healthy' ? 'green' : health === 'unhealthy' ? 'red' : health === 'degraded' ? 'yellow' : 'gray';
}

/** Seconds with one decimal, right-aligned in six columns: `  3.4s`. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`.padStart(6);
}

export function writeData(value: unknown): void {
  process.stdout.write(typeof value === 'string' ? value : JSON.stringify(value, null, 2) + '\n');
}

export function writeInfo(line: string): void {
  process.stderr.write(line + '\n');
}

/** A plain aligned table; `stream` is stdout for a command whose table is its data. */
export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => stripAnsi(r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => padVisible(c, widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...rows.map(line)].join('\n') + '\n';
}

/** Pads text that may hold colour codes to `width` columns of what shows. */
export function padVisible(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stripAnsi(text).length));
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
