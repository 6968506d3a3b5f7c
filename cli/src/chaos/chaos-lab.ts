import { FrankError } from '../errors.js';
import { adapterFor } from '../lab/kinds/index.js';
import { runtimeContext, type Lab } from '../lab/lab.js';
import type { LabUnit, ToxiproxyResource } from '../lab/topology.js';
import type { RuntimeContext } from '../runtimes/runtime.js';
import { FaultStore } from './fault-store.js';
import { ToxiproxyApi } from './toxiproxy-api.js';

/** A running lab as the fault injectors see it: its runtime, Toxiproxy's API and the faults in force. */
export interface ChaosLab {
  lab: Lab;
  context: RuntimeContext;
  /** Toxiproxy's API; throws for a lab without Toxiproxy, where only kills can be injected. */
  toxiproxy(): ToxiproxyApi;
  store: FaultStore;
}

export async function openChaos(lab: Lab): Promise<ChaosLab> {
  if (!lab.isUp || !lab.state) throw new FrankError('The lab is not up: there is nothing to break or heal.', { hint: 'Run `npx frank up` first.' });
  const context = await runtimeContext(lab, lab.state.id);
  const toxi = lab.topology.resources.find((r): r is ToxiproxyResource => r.kind === 'toxiproxy');
  const api = toxi && new ToxiproxyApi(adapterFor(toxi).url(toxi, { topology: lab.topology, credentials: context.credentials }));
  const toxiproxy = () => {
    if (!api)
      throw new FrankError(`${lab.topology.file} has no toxiproxy resource: link faults need one.`, {
        hint: 'Add `toxiproxy: { kind: toxiproxy, port: 8474, proxyPorts: 8480 }` under resources.',
      });
    return api;
  };
  return { lab, context, toxiproxy, store: new FaultStore(lab.paths.faultsFile, lab.state.id) };
}

export function unitOf(chaos: ChaosLab, name: string): LabUnit {
  const { topology } = chaos.lab;
  const unit = [...topology.resources, ...topology.services].find((u) => u.name === name);
  if (!unit)
    throw new FrankError(`${name} is not in ${topology.file} any more.`, {
      hint: 'Was frank.yaml changed while the lab ran? `npx frank down` and `up` again.',
    });
  return unit;
}
