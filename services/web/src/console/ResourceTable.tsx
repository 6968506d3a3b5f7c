import type { LabResource } from './lab-frame';

const tone = (health: string) => (health === 'healthy' ? 'ok' : health === 'unhealthy' || health === 'stopped' ? 'bad' : 'pending');

/** Every unit of the lab with its lifecycle phase and its live health. */
export function ResourceTable({ resources }: { resources: LabResource[] }) {
  const healthy = resources.filter((r) => r.health === 'healthy').length;
  return (
    <section aria-labelledby="resources-heading" className="panel">
      <h2 id="resources-heading">Resources</h2>
      <p data-testid="resources-summary" className={healthy === resources.length ? 'ok' : 'error'}>
        {healthy} of {resources.length} healthy
      </p>
      <div className="scroll">
        <table className="compact">
          <thead>
            <tr>
              <th scope="col">Resource</th>
              <th scope="col">Kind</th>
              <th scope="col">Phase</th>
              <th scope="col">Health</th>
            </tr>
          </thead>
          <tbody>
            {resources.map((r) => (
              <tr key={r.name} data-resource={r.name}>
                <th scope="row">{r.name}</th>
                <td>{r.kind}</td>
                <td>{r.phase}</td>
                <td>
                  <span className={`badge small ${tone(r.health)}`}>{r.health}</span>
                  {r.waitingFor && r.waitingFor.length > 0 && <span className="muted"> waiting for {r.waitingFor.join(', ')}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
