import { access, constants, mkdir } from 'node:fs/promises';
import type { Lab } from '../lab/lab.js';
import { labPorts } from '../lab/topology.js';
import { portIsFree } from '../lab/port-is-free.js';
import { findSystemUser, LAB_USER } from '../runtimes/native/unprivileged-user.js';

export interface Finding {
  ok: boolean;
  what: string;
  /** The exact command that fixes it, when it is not ok. */
  fix?: string;
}

/** What is missing or wrong for this lab, each with the command that fixes it. */
export async function diagnose(lab: Lab): Promise<Finding[]> {
  const findings: Finding[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  findings.push({
    ok: major >= 20,
    what: `Node.js ${process.versions.node}${major >= 20 ? '' : ' (20 or newer is needed)'}`,
    fix: 'install Node.js 20 or newer',
  });
  findings.push({ ok: true, what: `runtime: ${lab.selection.name}, because ${lab.selection.reason}` });
  for (const requirement of await lab.runtime.requirements(lab.topology)) {
    findings.push({
      ok: requirement.path !== undefined,
      what: requirement.path
        ? `${requirement.program} for ${requirement.resource}: ${requirement.path}`
        : `${requirement.program} for ${requirement.resource} is missing`,
      fix: `npx frank deps install   (or: ${requirement.fix})`,
    });
  }
  if (lab.runtime.name === 'native' && process.getuid?.() === 0 && lab.topology.resources.some((r) => r.kind === 'postgres')) {
    const user = await findSystemUser(LAB_USER);
    findings.push({
      ok: user !== undefined,
      what: user ? `system user "${LAB_USER}" runs PostgreSQL (it refuses root)` : `system user "${LAB_USER}" to run PostgreSQL is missing`,
      fix: 'npx frank deps install',
    });
  }
  try {
    await mkdir(lab.paths.state, { recursive: true });
    await access(lab.paths.state, constants.W_OK);
    findings.push({ ok: true, what: `lab state in ${lab.paths.state}` });
  } catch {
    findings.push({ ok: false, what: `${lab.paths.state} is not writable`, fix: `chown -R $(id -u) ${lab.paths.state}` });
  }
  if (lab.isUp) {
    findings.push({ ok: true, what: `the lab is up (port offset ${lab.topology.portOffset}); \`npx frank status\` shows its health` });
  } else {
    const taken = [];
    for (const entry of labPorts(lab.topology)) if (!(await portIsFree(lab.topology.host, entry.port))) taken.push(`${entry.port} (${entry.owner})`);
    findings.push(
      taken.length === 0
        ? { ok: true, what: `all ${labPorts(lab.topology).length} ports free at offset ${lab.topology.portOffset}` }
        : { ok: false, what: `ports taken: ${taken.join(', ')}`, fix: 'stop what holds them, or use --port-offset N' },
    );
  }
  return findings;
}
