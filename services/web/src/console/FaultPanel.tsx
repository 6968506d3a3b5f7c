import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { healFaults, injectFault } from '../api';
import { FAULTS, type FaultCommand } from '@frank/contracts/faults';
import { checkFaultForm, faultRequest, targetsFor, type FaultForm, type FaultFormErrors, type FaultInForce, type LabResource } from './lab-frame';

export interface FaultActions {
  inject(body: Record<string, string>): Promise<{ fault: { id: string; label: string }; for?: string }>;
  heal(): Promise<{ healed: { id: string; label: string }[] }>;
}

const time = (iso: string) => new Date(iso).toLocaleTimeString();
const EMPTY: FaultForm = { kind: 'latency', target: '', resource: '', value: '', for: '' };

/** The faults in force (as the latest frame lists them), a form that injects one of `frank chaos`, and a button that heals them all. */
export function FaultPanel({
  faults,
  resources,
  actions = { inject: injectFault, heal: healFaults },
}: {
  faults: FaultInForce[];
  resources: LabResource[];
  actions?: FaultActions;
}) {
  const [form, setForm] = useState<FaultForm>(EMPTY);
  const [errors, setErrors] = useState<FaultFormErrors>({});
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const [busy, setBusy] = useState<'inject' | 'heal'>();
  const ids = useId();
  const spec = FAULTS[form.kind];
  const targets = targetsFor(form.kind, resources);
  const set = (field: keyof FaultForm) => (value: string) => setForm((now) => ({ ...now, [field]: value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setOutcome(undefined);
    const found = checkFaultForm(form, resources);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy('inject');
    try {
      const answer = await actions.inject(faultRequest(form));
      setOutcome({
        ok: true,
        text: `${answer.fault.label} is in force (fault ${answer.fault.id})${answer.for ? `; it heals after ${answer.for}` : '; it stays until healed'}.`,
      });
      setForm((now) => ({ ...EMPTY, kind: now.kind }));
    } catch (error) {
      setOutcome({ ok: false, text: `Not injected: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(undefined);
    }
  }

  async function heal() {
    setOutcome(undefined);
    setBusy('heal');
    try {
      const { healed } = await actions.heal();
      setOutcome({
        ok: true,
        text: healed.length === 0 ? 'Nothing was in force; every link is as frank up made it.' : `Healed ${healed.map((h) => h.label).join(', ')}.`,
      });
    } catch (error) {
      setOutcome({ ok: false, text: `Not healed: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(undefined);
    }
  }

  const field = (name: keyof FaultFormErrors, label: string, input: ReactNode, hint?: string) => (
    <div className="field">
      <label htmlFor={`${ids}-${name}`}>{label}</label>
      {input}
      {hint && (
        <p id={`${ids}-${name}-hint`} className="muted">
          {hint}
        </p>
      )}
      {errors[name] && (
        <p id={`${ids}-${name}-error`} className="error" role="alert">
          {errors[name]}
        </p>
      )}
    </div>
  );
  const described = (name: keyof FaultFormErrors, hint: boolean) =>
    [errors[name] ? `${ids}-${name}-error` : '', hint ? `${ids}-${name}-hint` : ''].filter(Boolean).join(' ') || undefined;

  return (
    <section aria-labelledby="faults-heading" className="panel wide">
      <h2 id="faults-heading">Faults</h2>
      {faults.length === 0 ? (
        <p data-testid="faults-summary" className="ok">
          No fault in force.
        </p>
      ) : (
        <ul className="faults" aria-label="Faults in force">
          {faults.map((f) => (
            <li key={f.id} data-fault-id={f.id}>
              <strong>{f.label}</strong>{' '}
              <span className="muted">
                since {time(f.injectedAt)} · {f.healAt ? `heals at ${time(f.healAt)}` : 'until healed'}
                {f.trigger ? ` · set off by ${f.trigger}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      <button type="button" onClick={() => void heal()} disabled={busy !== undefined}>
        {busy === 'heal' ? 'Healing…' : 'Heal every fault'}
      </button>

      <form onSubmit={submit} noValidate aria-labelledby="inject-heading" className="fault-form">
        <h3 id="inject-heading">Inject a fault</h3>
        <div className="fields">
          <div className="field">
            <label htmlFor={`${ids}-kind`}>Kind of fault</label>
            <select
              id={`${ids}-kind`}
              value={form.kind}
              onChange={(e) => {
                setForm({ ...EMPTY, kind: e.target.value as FaultCommand, for: form.for });
                setErrors({});
              }}
            >
              {Object.entries(FAULTS).map(([kind, k]) => (
                <option key={kind} value={kind}>
                  {k.title}
                </option>
              ))}
            </select>
          </div>
          {spec.target &&
            field(
              'target',
              'Target',
              <>
                <input
                  id={`${ids}-target`}
                  list={`${ids}-targets`}
                  value={form.target}
                  onChange={(e) => set('target')(e.target.value)}
                  aria-invalid={errors.target ? true : undefined}
                  aria-describedby={described('target', true)}
                  autoComplete="off"
                />
                <datalist id={`${ids}-targets`}>
                  {targets.map((t) => (
                    <option key={t} value={t} />
                  ))}
                </datalist>
              </>,
              `${spec.target[0]!.toUpperCase()}${spec.target.slice(1)}${targets.length ? `, e.g. ${targets.slice(0, 3).join(', ')}` : ''}.`,
            )}
          {form.kind === 'partition' &&
            field(
              'resource',
              'Only the link to (optional)',
              <input
                id={`${ids}-resource`}
                value={form.resource}
                onChange={(e) => set('resource')(e.target.value)}
                aria-invalid={errors.resource ? true : undefined}
                aria-describedby={described('resource', true)}
              />,
              'A resource the service uses, e.g. rabbitmq; empty: every link of the service.',
            )}
          {spec.value &&
            field(
              'value',
              spec.value.label + (spec.value.required ? '' : ' (optional)'),
              <input
                id={`${ids}-value`}
                value={form.value}
                onChange={(e) => set('value')(e.target.value)}
                aria-invalid={errors.value ? true : undefined}
                aria-describedby={described('value', true)}
                inputMode={spec.value.kind === 'rate' ? 'numeric' : undefined}
              />,
              `e.g. ${spec.value.example}`,
            )}
          {field(
            'for',
            'Heal after (optional)',
            <input
              id={`${ids}-for`}
              value={form.for}
              onChange={(e) => set('for')(e.target.value)}
              aria-invalid={errors.for ? true : undefined}
              aria-describedby={described('for', true)}
            />,
            'A duration such as 30s or 2m; empty: until you heal it.',
          )}
        </div>
        <button type="submit" disabled={busy !== undefined}>
          {busy === 'inject' ? 'Injecting…' : 'Inject fault'}
        </button>
      </form>
      <div aria-live="polite">
        {outcome &&
          (outcome.ok ? (
            <p role="status" className="ok">
              {outcome.text}
            </p>
          ) : (
            <p role="alert" className="error">
              {outcome.text}
            </p>
          ))}
      </div>
    </section>
  );
}
