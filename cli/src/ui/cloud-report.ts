import type { CloudPlan } from '../cloud/plan.js';
import type { RehearsalReport } from '../cloud/rehearse.js';
import { paint } from './output.js';

const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);

export function renderPlan(plan: CloudPlan): string {
  const where = plan.target.kind === 'emulator' ? `the lab's AWS emulator (${plan.target.endpoint})` : 'AWS';
  return `Plan against ${where}: ${plan.summary.create} to add, ${plan.summary.update} to change, ${plan.summary.delete} to destroy (${seconds(plan.elapsedMs)}).\nSaved as ${plan.planFile}.\n`;
}

/** The rehearsal step by step, each with its figures; what could not be rehearsed is named, never hidden. */
export function renderRehearsal(report: RehearsalReport, color: boolean): string {
  const ok = (good: boolean) => paint(good ? 'ok' : 'FAIL', good ? 'green' : 'red', color);
  const lines: string[] = [];
  lines.push(`lab        ${seconds(report.lab.upMs)} to start the servers standing in for AWS (port offset ${report.lab.portOffset})`);
  lines.push(
    `plan       ${report.plan.planned} resources planned from an empty state (${seconds(report.plan.ms)}); ${report.plan.rehearsed} of them for the emulator`,
  );
  lines.push(`apply      ${report.apply.applied} of ${report.plan.planned} planned resources applied to the emulator in ${seconds(report.apply.ms)}`);
  for (const excluded of report.apply.excluded) lines.push(`           left out: ${excluded.address} (${excluded.planned}): ${excluded.reason}`);
  const broken = report.contract.filter((c) => c.problems.length > 0);
  lines.push(`contract   ${ok(broken.length === 0)}  ${report.contract.length} task definitions against their services' declared settings`);
  for (const c of broken) for (const problem of c.problems) lines.push(`           ${c.service}: ${problem}`);
  if (report.provision) {
    const migrated = Object.entries(report.provision.migrated)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
    lines.push(
      `provision  ${seconds(report.provision.ms)}  ${report.provision.roles.length} roles; migrations applied: ${migrated || 'none'}; seeded: ${report.provision.seeded.join(', ') || 'none'}; broker ${report.provision.broker ? 'declared' : 'not declared'}`,
    );
  }
  for (const service of report.services)
    lines.push(`service    ${service.service.padEnd(18)} ${service.error ? `${ok(false)}  ${service.error}` : `ready in ${seconds(service.bootMs)}`}`);
  for (const lambda of report.lambdas)
    lines.push(`lambda     ${lambda.name.padEnd(18)} ${lambda.runs}: ${lambda.batches} batches, ${lambda.records} records, ${lambda.failed} failed`);
  for (const entry of report.entry)
    for (const listener of entry.listeners)
      lines.push(`entry      ${entry.loadBalancer} :${listener.port} ${listener.protocol} → ${listener.service ?? listener.action}`);
  for (const scenario of report.scenarios) {
    lines.push(
      `scenario   ${scenario.name.padEnd(18)} ${ok(scenario.verdict === 'pass')}  ${scenario.placed} placed, ${scenario.confirmed} confirmed, ${scenario.cancelled} cancelled, ${scenario.stuck} stuck (${seconds(scenario.ms)})`,
    );
    for (const check of scenario.failedChecks) lines.push(`           ${check}`);
  }
  if (report.destroy) {
    lines.push(`destroy    ${seconds(report.destroy.ms)}${report.destroy.error ? `  ${ok(false)}` : ''}`);
    if (report.destroy.error)
      for (const line of report.destroy.error
        .split('\n')
        .filter((l) => /Error|error/.test(l))
        .slice(0, 6))
        lines.push(`           ${line.trim()}`);
  }
  if (report.error) lines.push(paint(`error      ${report.error}`, 'red', color));
  lines.push(`verdict    ${paint(report.verdict.toUpperCase(), report.verdict === 'pass' ? 'green' : 'red', color)} in ${seconds(report.totalMs)}`);
  lines.push(
    "A rehearsal proves the wiring (each service's variables and secrets, the roles and migrations, the Lambdas and their sources) against an emulator; not IAM, the network, AWS's behaviour, or what the left-out resources would do.",
  );
  return `${lines.join('\n')}\n`;
}
