import { useCallback, useEffect, useState } from 'react';
import { listFlags, setFlag } from '../api';
import { flagIsOn, type FlagChange, type LabFlag } from './lab-frame';

export interface FlagActions {
  list(): Promise<{ flags: LabFlag[] }>;
  set(name: string, on: boolean): Promise<FlagChange>;
}

/** One object for every render: the flags are read when the panel mounts and after a flip, not on every frame. */
const LAB_FLAG_ACTIONS: FlagActions = { list: listFlags, set: setFlag };

/** The lab's feature flags with their state (`frank flags ls`), each with a button that flips it (`frank flags set`). */
export function FlagPanel({ actions = LAB_FLAG_ACTIONS }: { actions?: FlagActions }) {
  const [flags, setFlags] = useState<LabFlag[]>();
  const [busy, setBusy] = useState<string>();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();

  const load = useCallback(async () => {
    try {
      setFlags((await actions.list()).flags);
    } catch (error) {
      setOutcome({ ok: false, text: `Flags not read: ${error instanceof Error ? error.message : String(error)}` });
    }
  }, [actions]);
  useEffect(() => void load(), [load]);

  async function flip(flag: LabFlag) {
    const on = !flagIsOn(flag);
    setOutcome(undefined);
    setBusy(flag.name);
    try {
      const change = await actions.set(flag.name, on);
      setOutcome({
        ok: true,
        text: `${change.name} is ${change.after ? 'on' : 'off'}${change.seenAfterMs === undefined ? ` (${flag.service} has not read it yet)` : `; ${flag.service} read it after ${change.seenAfterMs} ms`}.`,
      });
      await load();
    } catch (error) {
      setOutcome({ ok: false, text: `Not changed: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <section aria-labelledby="flags-heading" className="panel">
      <h2 id="flags-heading">Feature flags</h2>
      {flags === undefined ? (
        <p className="muted">Reading the flags…</p>
      ) : (
        <div className="scroll">
          <table className="compact">
            <caption className="sr-only">Feature flags in the lab's environment</caption>
            <thead>
              <tr>
                <th scope="col">flag</th>
                <th scope="col">state</th>
                <th scope="col">its service reads</th>
                <th scope="col" aria-label="change" />
              </tr>
            </thead>
            <tbody>
              {flags.map((flag) => (
                <tr key={flag.name} data-testid={`flag-${flag.name}`}>
                  <th scope="row" title={flag.description}>
                    {flag.name}
                  </th>
                  <td>{flagIsOn(flag) ? 'on' : 'off'}</td>
                  <td>{`${flag.service}: ${flag.seen?.enabled === undefined ? 'not answering' : flag.seen.enabled ? 'on' : 'off'}`}</td>
                  <td>
                    <button type="button" disabled={busy !== undefined} onClick={() => void flip(flag)}>
                      {busy === flag.name ? 'Setting…' : flagIsOn(flag) ? 'Turn off' : 'Turn on'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div aria-live="polite">
        {outcome && (
          <p role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'ok' : 'error'}>
            {outcome.text}
          </p>
        )}
      </div>
    </section>
  );
}
