import type { DashboardFrame } from '../dashboard/dashboard.js';
import { healthColor, padVisible, paint, type Color } from './output.js';

/** A frame in words, laid out once for both renderers: the text one here and the live ink view. */
export interface FrameLayout {
  time: string;
  healthy: number;
  total: number;
  /** The resources three to a row; `widths` pads each column the same in every row. */
  grid: { name: string; health: string }[][];
  widths: number[];
  /** sagas, queues, outboxes and faults: a label, what it says, and a colour when it wants a look. */
  lines: { label: string; text: string; tone?: Color }[];
}

export const GRID_HEADING = 'RESOURCES';
const GRID_COLUMNS = 3;

export function layoutFrame(frame: DashboardFrame): FrameLayout {
  const grid: FrameLayout['grid'] = [];
  for (let i = 0; i < frame.resources.length; i += GRID_COLUMNS)
    grid.push(frame.resources.slice(i, i + GRID_COLUMNS).map(({ name, health }) => ({ name, health })));
  const widths = Array.from({ length: GRID_COLUMNS }, (_, column) =>
    Math.max(column === 0 ? GRID_HEADING.length : 0, ...grid.map((row) => cellWidth(row[column]))),
  );
  const orders =
    Object.entries(frame.orders)
      .map(([status, n]) => `${status} ${n}`)
      .join(', ') || 'none';
  const busy = frame.queues.filter((q) => q.messages === null || q.messages > 0);
  const backlog = Object.entries(frame.outbox).filter(([, n]) => n > 0);
  return {
    time: frame.at.slice(11, 19),
    healthy: frame.resources.filter((r) => r.health === 'healthy').length,
    total: frame.resources.length,
    grid,
    widths,
    lines: [
      { label: 'sagas', text: `${frame.settledPerSecond === null ? '-' : frame.settledPerSecond} settled/s   orders: ${orders}` },
      busy.length === 0
        ? { label: 'queues', text: 'all empty' }
        : { label: 'queues', text: busy.map((q) => `${q.queue} ${q.messages ?? 'missing'}`).join(', '), tone: 'yellow' },
      backlog.length === 0
        ? { label: 'outboxes', text: 'all dispatched' }
        : { label: 'outboxes', text: backlog.map(([service, n]) => `${service} ${n}`).join(', '), tone: 'yellow' },
      frame.faults.length === 0
        ? { label: 'faults', text: 'none in force' }
        : { label: 'faults', text: frame.faults.map((f) => (f.healAt ? `${f.label} (heals at ${f.healAt.slice(11, 19)})` : f.label)).join(', '), tone: 'red' },
    ],
  };
}

/** How many columns a grid cell takes: its name, a space, its health. */
export function cellWidth(cell: { name: string; health: string } | undefined): number {
  return cell ? cell.name.length + 1 + cell.health.length : 0;
}

/** The labels of the lines under the grid are padded to this. */
export const LABEL_WIDTH = 10;

/** The frame as text: resources in columns, then sagas, the queues that hold messages, the outbox backlogs and the faults in force. */
export function renderFrame(frame: DashboardFrame, color: boolean): string {
  const layout = layoutFrame(frame);
  const row = (cells: string[]) =>
    cells
      .map((cell, i) => padVisible(cell, layout.widths[i]!))
      .join('  ')
      .trimEnd();
  const cells = layout.grid.map((r) => r.map((cell) => `${cell.name} ${paint(cell.health, healthColor(cell.health), color)}`));
  return [
    `frank dashboard  ${layout.time}  ${layout.healthy}/${layout.total} healthy`,
    '',
    [GRID_HEADING, ...cells.map(row)].join('\n'),
    '',
    ...layout.lines.map((line) => `${line.label.padEnd(LABEL_WIDTH)}${line.tone ? paint(line.text, line.tone, color) : line.text}`),
  ].join('\n');
}
