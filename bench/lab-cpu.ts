/**
 * CPU time of every process of a native lab, per unit: a unit's CPU is what its pid file's process
 * and every live descendant used (by parentage: PostgreSQL's backends each start a session of
 * their own), plus what that process collected from children that already exited. Differences of
 * two readings give what a load cost each unit, Postgres included.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, in ms. */
  ownMs: number;
  /** cutime + cstime (children waited for), in ms. */
  childrenMs: number;
}

async function procStat(pid: number): Promise<ProcStat | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command may hold spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const tick = (i: number) => (Number(fields[i]) * 1000) / TICKS_PER_SECOND;
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
    return { pid, ppid: Number(fields[1]), ownMs: tick(11) + tick(12), childrenMs: tick(13) + tick(14) };
  } catch {
    return undefined;
  }
}

/** Milliseconds of CPU per unit of the lab whose state directory is `stateDir` (`<lab>/.frank`). */
export async function labCpuMs(stateDir: string): Promise<Record<string, number>> {
  const runDir = path.join(stateDir, 'run');
  const leaders = new Map<number, string>();
  for (const file of await readdir(runDir).catch(() => [] as string[])) {
    if (!file.endsWith('.pid')) continue;
    const record = JSON.parse(await readFile(path.join(runDir, file), 'utf8')) as { pid: number };
    leaders.set(record.pid, file.slice(0, -'.pid'.length));
  }
  const totals: Record<string, number> = Object.fromEntries([...leaders.values()].map((unit) => [unit, 0]));
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const stats = (await Promise.all(pids.map(procStat))).filter((s): s is ProcStat => s !== undefined);
  const parentOf = new Map(stats.map((s) => [s.pid, s.ppid]));
  const unitOf = (pid: number): string | undefined => {
    for (let at: number | undefined = pid; at && at > 1; at = parentOf.get(at)) if (leaders.has(at)) return leaders.get(at);
    return undefined;
  };
  for (const stat of stats) {
    const unit = unitOf(stat.pid);
    if (unit) totals[unit]! += stat.ownMs + (leaders.has(stat.pid) ? stat.childrenMs : 0);
  }
  return totals;
}

/** CPU per unit between two readings, per saga, largest first, with the total. */
export function cpuPerSaga(before: Record<string, number>, after: Record<string, number>, sagas: number, loadDriverMs: number) {
  const rows = Object.keys(after)
    .map((unit) => ({ unit, msPerSaga: (after[unit]! - (before[unit] ?? 0)) / Math.max(1, sagas) }))
    .filter((row) => row.msPerSaga > 0)
    .sort((a, b) => b.msPerSaga - a.msPerSaga);
  return {
    units: rows.map((r) => ({ unit: r.unit, msPerSaga: Math.round(r.msPerSaga * 10) / 10 })),
    labMsPerSaga: Math.round(rows.reduce((sum, r) => sum + r.msPerSaga, 0) * 10) / 10,
    loadDriverMsPerSaga: Math.round((loadDriverMs / Math.max(1, sagas)) * 10) / 10,
  };
}
