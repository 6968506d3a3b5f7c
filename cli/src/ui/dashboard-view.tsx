import { Box, Text, type Instance } from 'ink';
import type { DashboardFrame } from '../dashboard/dashboard.js';
import { cellWidth, GRID_HEADING, LABEL_WIDTH, layoutFrame } from './dashboard-frame.js';
import { renderLive } from './live.js';
import { healthColor, type Color } from './output.js';

export interface DashboardViewProps {
  /** Absent until the first frame is read. */
  frame?: DashboardFrame;
  color: boolean;
  /** Once the dashboard is left, the last frame stays without the hint how to leave. */
  left?: boolean;
}

/** `frank dashboard` on a terminal: the same layout as the text frame, redrawn in place. */
export function DashboardView({ frame, color, left = false }: DashboardViewProps) {
  const tint = (c: Color | undefined) => (color ? c : undefined);
  if (!frame) return <Text color={tint('gray')}>Reading the lab…</Text>;
  const layout = layoutFrame(frame);
  return (
    <Box flexDirection="column">
      <Text>
        {`frank dashboard  ${layout.time}  `}
        <Text color={tint(layout.healthy === layout.total ? 'green' : 'red')}>
          {layout.healthy}/{layout.total} healthy
        </Text>
      </Text>
      <Box flexDirection="column" marginY={1}>
        <Text>{GRID_HEADING}</Text>
        {layout.grid.map((row, r) => (
          <Text key={r}>
            {row.map((cell, i) => (
              <Text key={cell.name}>
                {i > 0 ? '  ' : ''}
                {cell.name} <Text color={tint(healthColor(cell.health))}>{cell.health}</Text>
                {i < row.length - 1 ? ' '.repeat(layout.widths[i]! - cellWidth(cell)) : ''}
              </Text>
            ))}
          </Text>
        ))}
      </Box>
      {layout.lines.map((line) => (
        <Text key={line.label}>
          {line.label.padEnd(LABEL_WIDTH)}
          <Text color={tint(line.tone)}>{line.text}</Text>
        </Text>
      ))}
      {left ? null : <Text color={tint('gray')}>(Ctrl-C to leave)</Text>}
    </Box>
  );
}

/** The live dashboard on stderr: shows each frame as it is read, and leaves the last one on the screen. */
export class LiveDashboardView {
  private readonly instance: Instance;
  private frame: DashboardFrame | undefined;

  constructor(
    private readonly color: boolean,
    stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.instance = renderLive(<DashboardView color={color} />, stream);
  }

  show(frame: DashboardFrame): void {
    this.frame = frame;
    this.instance.rerender(<DashboardView frame={frame} color={this.color} />);
  }

  close(): void {
    this.instance.rerender(<DashboardView frame={this.frame} color={this.color} left />);
    this.instance.unmount();
  }
}
