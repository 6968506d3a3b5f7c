import { FaultPanel } from '../console/FaultPanel';
import { FlagPanel } from '../console/FlagPanel';
import { QueuePanel } from '../console/QueuePanel';
import { ResourceTable } from '../console/ResourceTable';
import { SagaPanel } from '../console/SagaPanel';
import { useLabEvents } from '../console/useLabEvents';

/** The lab console: what `frank dashboard`, `frank saga` and `frank chaos` show, live, pushed by the BFF. */
export function ConsolePage() {
  const { frame, state, message } = useLabEvents();
  const status =
    state === 'live' && frame
      ? `Live · updated ${new Date(frame.at).toLocaleTimeString()}`
      : state === 'connecting'
        ? 'Connecting to the lab…'
        : (message ?? 'The connection to the lab was lost; reconnecting…');
  return (
    <section aria-labelledby="console-heading" className="console">
      <h1 id="console-heading">Lab console</h1>
      <p role="status" data-testid="console-status" className={state === 'failed' ? 'error' : 'muted'}>
        {status}
      </p>
      {frame && (
        <div className="panels">
          <FaultPanel faults={frame.faults} resources={frame.resources} />
          <FlagPanel />
          <ResourceTable resources={frame.resources} />
          <QueuePanel queues={frame.queues} outbox={frame.outbox} />
          <SagaPanel orders={frame.orders} settledPerSecond={frame.settledPerSecond} sagas={frame.sagas} />
        </div>
      )}
    </section>
  );
}
