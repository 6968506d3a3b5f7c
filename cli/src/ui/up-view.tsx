import { Box, Static, Text, type Instance } from 'ink';
import type { LabPhase } from '../errors.js';
import type { PhaseEvent } from '../lab/up.js';
import { renderLive } from './live.js';
import { formatSeconds, phaseColor, type Color } from './output.js';
import type { UpSummary } from './up-summary.js';

/** Where one unit is in `frank up`: waiting for what it uses, walking its phases, or done. */
export interface UnitProgress {
  name: string;
  kind: string;
  phase: LabPhase | 'waiting';
  /** The clock (ms) when it began its walk; absent while it waits. */
  startedAt?: number;
  /** Its time at the last phase it entered: for a unit that is done, its whole time. */
  elapsedMs: number;
  /** The phase it was in when it failed. */
  failedIn?: LabPhase;
  /** 1 for the first unit to finish (healthy, failed or stopped), 2 for the next… */
  finished?: number;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const SPINNER_STEP_MS = 80;
/** A unit in one of these has finished its walk. */
const FINAL_PHASES: ReadonlySet<string> = new Set(['healthy', 'failed', 'stopped']);

/** The units this run starts, all still waiting. */
export function planProgress(units: { name: string; kind: string }[]): UnitProgress[] {
  return units.map((u) => ({ name: u.name, kind: u.kind, phase: 'waiting', elapsedMs: 0 }));
}

/** The progress after one phase event seen at clock `now`; a unit not in the plan is added. */
export function advance(units: UnitProgress[], event: PhaseEvent, now: number): UnitProgress[] {
  const known = units.some((u) => u.name === event.resource);
  const list = known ? units : [...units, { name: event.resource, kind: '', phase: 'waiting' as const, elapsedMs: 0 }];
  return list.map((u) =>
    u.name !== event.resource
      ? u
      : {
          ...u,
          phase: event.phase,
          startedAt: u.startedAt ?? now - event.elapsedMs,
          elapsedMs: event.elapsedMs,
          failedIn: event.phase === 'failed' && u.phase !== 'waiting' ? u.phase : u.failedIn,
          finished: u.finished ?? (FINAL_PHASES.has(event.phase) ? finishedCount(list) + 1 : undefined),
        },
  );
}

/** After a failure `up` stops everything it started: what had not finished is stopped too. */
export function stopUnfinished(units: UnitProgress[], now: number): UnitProgress[] {
  let finished = finishedCount(units);
  return units.map((u) =>
    u.finished !== undefined ? u : { ...u, phase: 'stopped', elapsedMs: u.startedAt === undefined ? 0 : now - u.startedAt, finished: ++finished },
  );
}

function finishedCount(units: UnitProgress[]): number {
  return units.filter((u) => u.finished !== undefined).length;
}

/** The last line when a unit failed: which, in which phase, and that the rest was stopped. */
export function failureSummary(units: UnitProgress[]): UpSummary {
  const failed = units
    .filter((u) => u.phase === 'failed')
    .map((u) => `${u.name} failed${u.failedIn ? ` while ${u.failedIn}` : ''} after ${formatSeconds(u.elapsedMs).trim()}`);
  return { ok: false, text: `${failed.length > 0 ? failed.join('; ') : 'frank up did not finish'}: everything this run started is stopped again.` };
}

function symbolOf(unit: UnitProgress, now: number): string {
  if (unit.phase === 'healthy') return '✔';
  if (unit.phase === 'failed') return '✖';
  if (unit.phase === 'stopped' || unit.phase === 'waiting') return '·';
  return SPINNER[Math.floor(now / SPINNER_STEP_MS) % SPINNER.length]!;
}

function elapsedOf(unit: UnitProgress, now: number): string {
  if (unit.startedAt === undefined) return ' '.repeat(6);
  return formatSeconds(unit.finished !== undefined ? unit.elapsedMs : now - unit.startedAt);
}

export interface UpViewProps {
  units: UnitProgress[];
  /** The clock the spinners and the running times are drawn at. */
  now: number;
  summary?: UpSummary;
  color: boolean;
}

/**
 * `frank up` on a terminal: a unit that finished is printed once, in the order they finish, with
 * its kind, phase and time; below them the units still walking, each with a spinner and the time
 * it has run, and one line for those that wait. The live part stays short, so it fits a terminal.
 */
export function UpView({ units, now, summary, color }: UpViewProps) {
  const widths = { name: Math.max(0, ...units.map((u) => u.name.length)), kind: Math.max(0, ...units.map((u) => u.kind.length)) };
  const finished = units.filter((u) => u.finished !== undefined).sort((a, b) => a.finished! - b.finished!);
  const walking = units.filter((u) => u.finished === undefined && u.phase !== 'waiting');
  const waiting = units.filter((u) => u.phase === 'waiting');
  const tint = (c: Color) => (color ? c : undefined);
  return (
    <>
      <Static items={finished}>{(u) => <UnitRow key={u.name} unit={u} now={now} widths={widths} color={color} />}</Static>
      <Box flexDirection="column">
        {walking.map((u) => (
          <UnitRow key={u.name} unit={u} now={now} widths={widths} color={color} />
        ))}
        {waiting.length > 0 ? (
          <Text wrap="truncate-end">
            {'  '}
            <Text color={tint('gray')}>· waiting: {waiting.map((u) => u.name).join(', ')}</Text>
          </Text>
        ) : null}
        {summary ? (
          <Box marginTop={units.length > 0 ? 1 : 0} flexDirection="column">
            {summary.note ? <Text>{summary.note}</Text> : null}
            <Text color={tint(summary.ok ? 'green' : 'red')}>{summary.text}</Text>
          </Box>
        ) : null}
      </Box>
    </>
  );
}

function UnitRow({ unit, now, widths, color }: { unit: UnitProgress; now: number; widths: { name: number; kind: number }; color: boolean }) {
  const phaseTint = color ? phaseColor(unit.phase) : undefined;
  return (
    <Text>
      {'  '}
      <Text color={phaseTint}>{symbolOf(unit, now)}</Text>
      {` ${unit.name.padEnd(widths.name)}  `}
      <Text color={color ? 'gray' : undefined}>{unit.kind.padEnd(widths.kind)}</Text>
      {`  ${elapsedOf(unit, now)}  `}
      <Text color={phaseTint}>{unit.phase}</Text>
      {unit.failedIn ? <Text color={phaseTint}> while {unit.failedIn}</Text> : null}
    </Text>
  );
}

/** The live `frank up` view on stderr: fed the plan and the phase events, redrawn while units walk so spinners turn and times run. */
export class LiveUpView {
  private units: UnitProgress[] = [];
  private summary: UpSummary | undefined;
  private readonly instance: Instance;
  private readonly ticker: NodeJS.Timeout;

  constructor(
    private readonly color: boolean,
    stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.instance = renderLive(this.view(), stream);
    this.ticker = setInterval(() => this.draw(), SPINNER_STEP_MS);
    this.ticker.unref();
  }

  plan(units: { name: string; kind: string }[]): void {
    // Units already walking (a dead server is started before the others are probed) keep their progress.
    const known = new Set(this.units.map((u) => u.name));
    this.units = [...this.units, ...planProgress(units.filter((u) => !known.has(u.name)))];
    this.draw();
  }

  onPhase(event: PhaseEvent): void {
    this.units = advance(this.units, event, Date.now());
    this.draw();
  }

  /** Draws the last frame, with its summary, and leaves it on the screen. A failure before the plan leaves it to the error. */
  finish(summary: UpSummary | 'failed'): void {
    if (summary === 'failed') this.units = stopUnfinished(this.units, Date.now());
    this.summary = summary !== 'failed' ? summary : this.units.length > 0 ? failureSummary(this.units) : undefined;
    clearInterval(this.ticker);
    this.draw();
    this.instance.unmount();
  }

  private draw(): void {
    this.instance.rerender(this.view());
  }

  private view() {
    return <UpView units={this.units} now={Date.now()} summary={this.summary} color={this.color} />;
  }
}
