/** Queue depths (dead-letter queues beside their queues) and each service's outbox backlog. */
export function QueuePanel({ queues, outbox }: { queues: { queue: string; messages: number | null }[]; outbox: Record<string, number> }) {
  const backlog = Object.entries(outbox);
  const waiting = queues.filter((q) => q.messages === null || q.messages > 0);
  return (
    <section aria-labelledby="queues-heading" className="panel">
      <h2 id="queues-heading">Queues and outboxes</h2>
      <p data-testid="queues-summary">
        {waiting.length === 0 ? 'Every queue is empty.' : `${waiting.length} queue${waiting.length > 1 ? 's hold' : ' holds'} messages.`}
      </p>
      <div className="scroll">
        <table className="compact">
          <caption className="sr-only">Messages waiting in each queue</caption>
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col">Messages</th>
            </tr>
          </thead>
          <tbody>
            {queues.map((q) => (
              <tr key={q.queue} data-queue={q.queue} className={q.messages === null || q.messages > 0 ? 'attention' : undefined}>
                <th scope="row">{q.queue}</th>
                <td>{q.messages === null ? 'missing' : q.messages}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Outbox backlog</h3>
      <p data-testid="outbox-summary">
        {backlog.length === 0 ? 'Every outbox row is dispatched.' : backlog.map(([service, n]) => `${service}: ${n} waiting`).join(', ')}
      </p>
    </section>
  );
}
