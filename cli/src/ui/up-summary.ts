import type { UpResult } from '../lab/up.js';

export interface UpSummary {
  ok: boolean;
  text: string;
  /** Said before the summary: the services that were not started because they have no code. */
  note?: string;
}

/** The last line of `frank up` when it succeeds, the same on a terminal and in a log. */
export function upSummary(result: UpResult): UpSummary {
  const note = result.withoutCode.length > 0 ? `Not started, no code yet: ${result.withoutCode.join(', ')} (services/<name>/src/main.ts).` : undefined;
  if (result.alreadyUp) return { ok: true, note, text: 'The lab is already up: everything is healthy. Nothing to do.' };
  const started = `${result.started.length} started`;
  const waited = result.waited.length > 0 ? `, ${result.waited.length} left running and waited for` : '';
  return { ok: true, note, text: `The lab is up: ${started}${waited}, all healthy in ${(result.elapsedMs / 1000).toFixed(1)} s. See \`npx frank status\`.` };
}
