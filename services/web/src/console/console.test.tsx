// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConsolePage } from '../pages/ConsolePage';
import { FaultPanel, type FaultActions } from './FaultPanel';
import { FlagPanel, type FlagActions } from './FlagPanel';
import type { LabFlag, LabFrame, LabResource, SagaTimeline } from './lab-frame';
import { ResourceTable } from './ResourceTable';
import { SagaPanel } from './SagaPanel';

const resources: LabResource[] = [
  { name: 'order-db', kind: 'postgres', phase: 'healthy', health: 'healthy' },
  { name: 'rabbitmq', kind: 'rabbitmq', phase: 'healthy', health: 'healthy' },
  { name: 'bff', kind: 'service', phase: 'healthy', health: 'healthy' },
  { name: 'inventory', kind: 'service', phase: 'healthy', health: 'healthy' },
];
const SAGA = '0b8e1c1e-1111-4222-8333-444455556666';
const ORDER = '7d2f0a10-aaaa-4bbb-8ccc-ddddeeeeffff';
const frame: LabFrame = {
  at: '2026-11-30T08:00:00.000Z',
  resources,
  orders: { CONFIRMED: 4, CANCELLED: 1 },
  settledPerSecond: 1.5,
  queues: [
    { queue: 'inventory.saga', messages: 0 },
    { queue: 'payment.saga', messages: 3 },
  ],
  outbox: { order: 2 },
  sagas: [
    {
      orderId: ORDER,
      sagaId: SAGA,
      orderStatus: 'CONFIRMED',
      sagaStatus: 'COMPLETED',
      sagaStep: 'analytics.recorded',
      totalCents: 1999,
      cancelReason: null,
      createdAt: '2026-11-30T07:59:00.000Z',
      updatedAt: '2026-11-30T07:59:01.000Z',
    },
  ],
  faults: [],
};

function actions(): FaultActions & { sent: Record<string, string>[]; heals: number } {
  const sent: Record<string, string>[] = [];
  const recorded = {
    sent,
    heals: 0,
    inject: vi.fn(async (body: Record<string, string>) => {
      sent.push(body);
      return { fault: { id: 'f-1', label: `${body.kind} ${body.target} ${body.value ?? ''}`.trim() } };
    }),
    heal: vi.fn(async () => {
      recorded.heals++;
      return { healed: [{ id: 'f-1', label: 'latency order-db 300ms' }] };
    }),
  };
  return recorded;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the resources table', () => {
  it('lists every resource with its phase and health, and says how many are healthy', () => {
    render(<ResourceTable resources={[...resources.slice(0, 3), { name: 'inventory', kind: 'service', phase: 'healthy', health: 'stopped' }]} />);
    expect(screen.getByTestId('resources-summary').textContent).toBe('3 of 4 healthy');
    const row = screen.getByRole('row', { name: /inventory/ });
    expect(
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['service', 'healthy', 'stopped']);
    expect(screen.getAllByRole('rowheader').map((h) => h.textContent)).toEqual(['order-db', 'rabbitmq', 'bff', 'inventory']);
  });
});

describe('the fault form', () => {
  const fill = (label: RegExp | string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
  const inject = () => fireEvent.click(screen.getByRole('button', { name: 'Inject fault' }));

  it('refuses an empty latency, an invalid one and an invalid "heal after", with a message per field, and sends nothing', async () => {
    const a = actions();
    render(<FaultPanel faults={[]} resources={resources} actions={a} />);
    fill('Target', 'order-db');
    inject();
    expect(screen.getAllByRole('alert').map((e) => e.textContent)).toEqual(['Enter the latency, e.g. 300ms.']);
    expect(screen.getByLabelText('Latency')).toHaveProperty('ariaInvalid', 'true');

    fill('Latency', '300');
    fill('Heal after (optional)', 'soon');
    inject();
    expect(screen.getAllByRole('alert').map((e) => e.textContent)).toEqual([
      'Latency takes a duration such as 500ms, 10s or 2m, not "300" (add a unit: 300ms or 300s).',
      'Heal after takes a duration such as 500ms, 10s or 2m, not "soon".',
    ]);

    fill('Latency', '0ms');
    fill('Heal after (optional)', '');
    fill('Target', 'mysql');
    inject();
    expect(screen.getAllByRole('alert').map((e) => e.textContent)).toEqual(['"mysql" is not in the lab.', 'Latency must be longer than 0, not "0ms".']);
    expect(a.inject).not.toHaveBeenCalled();
  });

  it('refuses to kill the service that serves the console, or a target of the wrong kind', () => {
    const a = actions();
    render(<FaultPanel faults={[]} resources={resources} actions={a} />);
    fireEvent.change(screen.getByLabelText('Kind of fault'), { target: { value: 'kill-service' } });
    fill('Target', 'bff');
    inject();
    expect(screen.getByRole('alert').textContent).toBe('The bff serves this console: kill it from a terminal.');
    fill('Target', 'order-db');
    inject();
    expect(screen.getByRole('alert').textContent).toBe('kill-service takes a service, not order-db.');
    fill('Target', '');
    inject();
    expect(screen.getByRole('alert').textContent).toBe('Enter a service.');
    expect(a.inject).not.toHaveBeenCalled();
  });

  it('sends a valid fault, says it is in force, and heals by button', async () => {
    const a = actions();
    render(<FaultPanel faults={[]} resources={resources} actions={a} />);
    fill('Target', ' order-db ');
    fill('Latency', '300ms');
    fill('Heal after (optional)', '30s');
    inject();
    await screen.findByRole('status');
    expect(a.sent).toEqual([{ kind: 'latency', target: 'order-db', value: '300ms', for: '30s' }]);
    expect(screen.getByRole('status').textContent).toBe('latency order-db 300ms is in force (fault f-1); it stays until healed.');
    expect(screen.getByLabelText('Target')).toHaveProperty('value', '');

    fireEvent.click(screen.getByRole('button', { name: 'Heal every fault' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Healed latency order-db 300ms.'));
    expect(a.heals).toBe(1);
  });

  it("shows the lab's refusal as an alert", async () => {
    const a = actions();
    a.inject = vi.fn(async () => Promise.reject(new Error('The lab is not up: there is nothing to break or heal.')));
    render(<FaultPanel faults={[]} resources={resources} actions={a} />);
    fireEvent.change(screen.getByLabelText('Kind of fault'), { target: { value: 'kill-broker' } });
    expect(screen.queryByLabelText('Target')).toBeNull();
    inject();
    expect((await screen.findByRole('alert')).textContent).toBe('Not injected: The lab is not up: there is nothing to break or heal.');
  });

  it('lists the faults in force with when they heal', () => {
    render(
      <FaultPanel
        faults={[{ id: 'f-1', label: 'kill-service inventory', injectedAt: '2026-11-30T08:00:00.000Z', healAt: '2026-11-30T08:00:30.000Z', pid: 1 }]}
        resources={resources}
        actions={actions()}
      />,
    );
    const list = screen.getByRole('list', { name: 'Faults in force' });
    expect(within(list).getByRole('listitem').textContent).toMatch(/^kill-service inventory since .* · heals at /);
  });
});

describe('the saga panel', () => {
  const timeline: SagaTimeline = {
    orderId: ORDER,
    sagaId: SAGA,
    order: { status: 'CONFIRMED', totalCents: 1999, cancelReason: null, createdAt: '2026-11-30T07:59:00.000Z', updatedAt: '2026-11-30T07:59:00.240Z' },
    saga: { step: 'analytics.recorded', status: 'COMPLETED', updatedAt: '2026-11-30T07:59:00.240Z' },
    payment: {
      id: 'p1',
      status: 'CAPTURED',
      providerRef: 'prov-1',
      failureReason: null,
      deadlineAt: '2026-11-30T07:59:03.000Z',
      providerAttempts: 1,
      providerError: null,
    },
    durationMs: 240,
    steps: [
      {
        eventId: 'e1',
        type: 'order.created',
        service: 'order',
        stream: ORDER,
        version: 1,
        causationId: null,
        at: '2026-11-30T07:59:00.000Z',
        offsetMs: 0,
        dispatchedAt: '2026-11-30T07:59:00.004Z',
        dispatchMs: 4,
        attempts: 1,
        external: false,
        consumers: [{ handler: 'inventory.saga', service: 'inventory', receivedAt: '', gapMs: 3 }],
      },
      {
        eventId: 'e2',
        type: 'inventory.reserved',
        service: 'inventory',
        stream: 'reservation-1',
        version: 1,
        causationId: 'e1',
        at: '2026-11-30T07:59:00.020Z',
        offsetMs: 20,
        dispatchedAt: '2026-11-30T07:59:00.025Z',
        dispatchMs: 5,
        attempts: 1,
        external: false,
        consumers: [],
      },
    ],
  };

  it("lists the latest sagas and shows one's timeline across the services", async () => {
    const load = vi.fn(async () => timeline);
    render(<SagaPanel orders={frame.orders} settledPerSecond={1.5} sagas={frame.sagas} loadTimeline={load} />);
    expect(screen.getByTestId('orders-summary').textContent).toBe('1.5 settled/s · orders: CONFIRMED 4, CANCELLED 1');
    fireEvent.click(screen.getByRole('button', { name: `Show the timeline of order ${ORDER}` }));
    const shown = await screen.findByTestId('timeline');
    expect(load).toHaveBeenCalledWith(SAGA);
    expect(
      within(shown)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['+0 ms order.created by orderrelay 4 ms · consumed by inventory (3 ms)', '+20 ms inventory.reserved by inventoryrelay 5 ms']);
  });

  it('refuses an id that is not a UUID and asks nothing', () => {
    const load = vi.fn(async () => timeline);
    render(<SagaPanel orders={{}} settledPerSecond={null} sagas={[]} loadTimeline={load} />);
    fireEvent.change(screen.getByLabelText('Order or saga id'), { target: { value: 'abc' } });
    fireEvent.click(screen.getByRole('button', { name: 'Show timeline' }));
    expect(screen.getByRole('alert').textContent).toBe('"abc" is not an order or saga id (a UUID).');
    expect(load).not.toHaveBeenCalled();
  });
});

describe('the console page', () => {
  it('follows the frames the BFF pushes over an EventSource and closes it when left', () => {
    const sources: FakeEventSource[] = [];
    class FakeEventSource {
      static readonly CLOSED = 2;
      readyState = 1;
      onerror: (() => void) | null = null;
      closed = false;
      readonly listeners = new Map<string, (event: MessageEvent<string>) => void>();
      constructor(readonly url: string) {
        sources.push(this);
      }
      addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
        this.listeners.set(type, listener);
      }
      close() {
        this.closed = true;
      }
      push(type: string, data: unknown) {
        act(() => this.listeners.get(type)!(new MessageEvent(type, { data: JSON.stringify(data) })));
      }
    }
    vi.stubGlobal('EventSource', FakeEventSource);
    const { unmount } = render(<ConsolePage />);
    expect(screen.getByTestId('console-status').textContent).toBe('Connecting to the lab…');
    expect(sources.map((s) => s.url)).toEqual(['/api/lab/events']);

    sources[0]!.push('frame', frame);
    expect(screen.getByTestId('resources-summary').textContent).toBe('4 of 4 healthy');
    expect(screen.getByTestId('faults-summary').textContent).toBe('No fault in force.');
    expect(screen.getByTestId('console-status').textContent).toMatch(/^Live · updated /);

    sources[0]!.push('frame', { ...frame, faults: [{ id: 'f-9', label: 'latency order-db 300ms', injectedAt: frame.at, pid: 1 }] });
    expect(screen.getByRole('list', { name: 'Faults in force' }).textContent).toMatch(/^latency order-db 300ms since/);

    sources[0]!.push('lab-error', { message: 'frank dashboard ended (exit code 1): The lab is not up.' });
    expect(screen.getByTestId('console-status').textContent).toBe('frank dashboard ended (exit code 1): The lab is not up.');
    unmount();
    expect(sources[0]!.closed).toBe(true);
  });
});

describe('the flag panel', () => {
  const flag = (name: string, service: string, on: boolean): LabFlag => ({
    name,
    service,
    description: `what ${name} does`,
    environments: [
      { name: 'development', enabled: on },
      { name: 'production', enabled: false },
    ],
    seen: { enabled: on, source: 'unleash' },
  });

  it("lists each flag with its state in the lab's environment and how its service reads it, and flips one through the actions, then reads them again", async () => {
    let sms = false;
    const a: FlagActions = {
      list: vi.fn(async () => ({ flags: [flag('payment.kill-switch', 'payment', false), flag('notification.sms', 'notification', sms)] })),
      set: vi.fn(async (name: string, on: boolean) => {
        sms = on;
        return { name, environment: 'development', before: !on, after: on, seenAfterMs: 840 };
      }),
    };
    render(<FlagPanel actions={a} />);
    const row = await screen.findByTestId('flag-notification.sms');
    expect(
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['off', 'notification: off', 'Turn on']);

    fireEvent.click(within(row).getByRole('button', { name: 'Turn on' }));
    expect(await screen.findByRole('status')).toHaveProperty('textContent', 'notification.sms is on; notification read it after 840 ms.');
    expect(a.set).toHaveBeenCalledWith('notification.sms', true);
    await waitFor(() => expect(within(screen.getByTestId('flag-notification.sms')).getAllByRole('cell')[0]!.textContent).toBe('on'));
    expect(a.list).toHaveBeenCalledTimes(2);
    expect(within(screen.getByTestId('flag-payment.kill-switch')).getByRole('button').textContent).toBe('Turn on');
  });

  it('reads the flags once when shown, not again on every render (each read is a frank process)', async () => {
    const fetch = vi.fn(async (_url: string) => new Response(JSON.stringify({ flags: [flag('notification.sms', 'notification', false)] }), { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    try {
      const { rerender } = render(<FlagPanel />);
      await screen.findByTestId('flag-notification.sms');
      for (let i = 0; i < 3; i++) rerender(<FlagPanel />);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(fetch.mock.calls.map(([url]) => url)).toEqual(['/api/lab/flags']);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('says so when the change was refused or the service has not read it, and when the flags cannot be read', async () => {
    const a: FlagActions = {
      list: vi.fn(async () => ({ flags: [{ ...flag('payment.kill-switch', 'payment', false), seen: undefined }] })),
      set: vi.fn(async () => Promise.reject(new Error('frank flags set payment.kill-switch on --json failed: Unleash does not answer'))),
    };
    render(<FlagPanel actions={a} />);
    const row = await screen.findByTestId('flag-payment.kill-switch');
    expect(within(row).getAllByRole('cell')[1]!.textContent).toBe('payment: not answering');
    fireEvent.click(within(row).getByRole('button', { name: 'Turn on' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Not changed: frank flags set payment.kill-switch on --json failed: Unleash does not answer');
    cleanup();

    render(<FlagPanel actions={{ list: async () => Promise.reject(new Error('The lab is not up.')), set: a.set }} />);
    expect((await screen.findByRole('alert')).textContent).toBe('Flags not read: The lab is not up.');
  });
});
