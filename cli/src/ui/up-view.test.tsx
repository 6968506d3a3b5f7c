import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { PhaseEvent } from '../lab/up.js';
import { upSummary } from './up-summary.js';
import { advance, failureSummary, planProgress, stopUnfinished, UpView, type UnitProgress } from './up-view.js';

const T0 = 1_000_000;
const plan = planProgress([
  { name: 'order-db', kind: 'postgres' },
  { name: 'rabbitmq', kind: 'rabbitmq' },
  { name: 'cache', kind: 'redis' },
  { name: 'order', kind: 'service' },
]);

function walk(units: UnitProgress[], events: [at: number, event: PhaseEvent][]): UnitProgress[] {
  return events.reduce((list, [at, event]) => advance(list, event, at), units);
}

/** A frame's row for one unit, spaces squeezed. */
function row(frame: string, name: string): string {
  return (frame.split('\n').find((line) => line.includes(` ${name} `) || line.endsWith(` ${name}`)) ?? '').replace(/\s+/g, ' ').trim();
}

describe('UpView', () => {
  it('shows the units waiting on one line before the first starts, with no time yet', () => {
    const frame = render(<UpView units={plan} now={T0} color={false} />).lastFrame()!;
    expect(frame).toBe('  · waiting: order-db, rabbitmq, cache, order');
  });

  it('shows each unit walking with a spinner and the time it has run, above those that wait; a finished one with its total', () => {
    const units = walk(plan, [
      [T0, { resource: 'order-db', phase: 'starting', elapsedMs: 0 }],
      [T0 + 300, { resource: 'order-db', phase: 'booted', elapsedMs: 300 }],
      [T0, { resource: 'rabbitmq', phase: 'starting', elapsedMs: 0 }],
      [T0 + 2100, { resource: 'rabbitmq', phase: 'ready', elapsedMs: 2100 }],
      [T0, { resource: 'cache', phase: 'starting', elapsedMs: 0 }],
      [T0 + 700, { resource: 'cache', phase: 'healthy', elapsedMs: 700 }],
    ]);
    const frame = render(<UpView units={units} now={T0 + 2500} color={false} />).lastFrame()!;
    const lines = frame.split('\n');
    // Done: printed first, its own time stays, the clock does not move it.
    expect(row(lines[0]!, 'cache')).toBe('✔ cache redis 0.7s healthy');
    expect(row(lines[1]!, 'order-db')).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] order-db postgres 2\.5s booted$/);
    expect(row(lines[2]!, 'rabbitmq')).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] rabbitmq rabbitmq 2\.5s ready$/);
    expect(lines[3]).toBe('  · waiting: order');
    expect(lines).toHaveLength(4);
    expect(frame).not.toMatch(/\u001b\[/);
  });

  it('prints the finished units in the order they finished, each once, as frames go by', () => {
    const view = render(<UpView units={plan} now={T0} color={false} />);
    let units = plan;
    for (const [at, resource] of [
      [T0 + 500, 'cache'],
      [T0 + 900, 'order-db'],
      [T0 + 1200, 'rabbitmq'],
    ] as const) {
      units = walk(units, [[at, { resource, phase: 'healthy', elapsedMs: at - T0 }]]);
      view.rerender(<UpView units={units} now={at} color={false} />);
    }
    const lines = view.lastFrame()!.split('\n');
    expect(lines.map((line) => line.trim().split(/\s+/)[1])).toEqual(['cache', 'order-db', 'rabbitmq', 'waiting:']);
    expect(row(lines[1]!, 'order-db')).toBe('✔ order-db postgres 0.9s healthy');
  });

  it('turns the spinner as the clock moves', () => {
    const units = walk(plan, [[T0, { resource: 'order-db', phase: 'migrated', elapsedMs: 0 }]]);
    const at = (now: number) => row(render(<UpView units={units} now={now} color={false} />).lastFrame()!, 'order-db');
    expect(at(T0)).not.toBe(at(T0 + 80));
    expect(at(T0 + 80)).toMatch(/ 0\.1s migrated$/);
  });

  it('ends with every unit healthy, its time, and the summary', () => {
    const events: [number, PhaseEvent][] = ['order-db', 'rabbitmq', 'cache', 'order'].flatMap((resource, i): [number, PhaseEvent][] =>
      ['starting', 'booted', 'ready', 'migrated', 'seeded', 'healthy'].map((phase, step) => [
        T0 + 100 * step,
        { resource, phase: phase as PhaseEvent['phase'], elapsedMs: (i + 1) * 200 * step },
      ]),
    );
    const summary = upSummary({ alreadyUp: false, started: ['order-db', 'rabbitmq', 'cache', 'order'], waited: [], withoutCode: ['views'], elapsedMs: 4321 });
    const frame = render(<UpView units={walk(plan, events)} now={T0 + 9000} summary={summary} color={false} />).lastFrame()!;
    expect(row(frame, 'order-db')).toBe('✔ order-db postgres 1.0s healthy');
    expect(row(frame, 'order')).toBe('✔ order service 4.0s healthy');
    const lines = frame.split('\n');
    expect(lines.at(-2)).toBe('Not started, no code yet: views (services/<name>/src/main.ts).');
    expect(lines.at(-1)).toBe('The lab is up: 4 started, all healthy in 4.3 s. See `npx frank status`.');
  });

  it('shows the unit that failed, in which phase and after how long; what had not finished is stopped', () => {
    let units = walk(plan, [
      [T0, { resource: 'order-db', phase: 'starting', elapsedMs: 0 }],
      [T0 + 400, { resource: 'order-db', phase: 'booted', elapsedMs: 400 }],
      [T0 + 30_400, { resource: 'order-db', phase: 'failed', elapsedMs: 30_400 }],
      [T0, { resource: 'cache', phase: 'starting', elapsedMs: 0 }],
      [T0 + 500, { resource: 'cache', phase: 'healthy', elapsedMs: 500 }],
      [T0, { resource: 'rabbitmq', phase: 'starting', elapsedMs: 0 }],
      [T0 + 2000, { resource: 'rabbitmq', phase: 'booted', elapsedMs: 2000 }],
    ]);
    units = stopUnfinished(units, T0 + 31_000);
    const frame = render(<UpView units={units} now={T0 + 31_000} summary={failureSummary(units)} color={false} />).lastFrame()!;
    expect(row(frame, 'order-db')).toBe('✖ order-db postgres 30.4s failed while booted');
    expect(row(frame, 'cache')).toBe('✔ cache redis 0.5s healthy');
    expect(row(frame, 'rabbitmq')).toBe('· rabbitmq rabbitmq 31.0s stopped');
    expect(row(frame, 'order')).toBe('· order service stopped');
    expect(frame.split('\n').at(-1)).toBe('order-db failed while booted after 30.4s: everything this run started is stopped again.');
  });

  it('says so when the lab was already up, with no rows', () => {
    const frame = render(
      <UpView units={[]} now={T0} summary={upSummary({ alreadyUp: true, started: [], waited: [], withoutCode: [], elapsedMs: 80 })} color={false} />,
    ).lastFrame()!;
    expect(frame).toBe('The lab is already up: everything is healthy. Nothing to do.');
  });
});
