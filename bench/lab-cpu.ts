/**
 * CPU time of every process of a native lab, per unit: each unit runs in its own process group
 * (its pid file's pid leads it), so a unit's CPU is what its group's live processes used plus what
 * its leader collected from children that already exited (PostgreSQL backends, Erlang helpers).
 * Differences of two readings give what a load cost each unit, Postgres included.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

interface ProcStat {
  pid: number;
  pgid: number;
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
    // fields[0] is field 3 (state): pgrp is field 5, utime 14, stime 15, cutime 16, cstime 17.
    return { pid, pgid: Number(fields[2]), ownMs: tick(11) + tick(12), childrenMs: tick(13) + tick(14) };
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
  for (const stat of await Promise.all(pids.map(procStat))) {
    if (!stat) continue;
    const unit = leaders.get(stat.pgid);
    if (!unit) continue;
    totals[unit]! += stat.ownMs + (stat.pid === stat.pgid ? stat.childrenMs : 0);
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
