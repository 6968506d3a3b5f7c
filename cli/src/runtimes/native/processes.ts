import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fchmodSync, openSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The environment variable every process of a lab carries: the native runtime's label. */
export const LAB_LABEL = 'FRANK_LAB_ID';

export interface DaemonSpec {
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  uid?: number;
  gid?: number;
  logFile: string;
  pidFile: string;
  labId: string;
}

export interface PidRecord {
  pid: number;
  /** Kernel start time of the process, so a recycled pid is never mistaken for ours. */
  startTime: string;
  command: string;
}

/**
 * Starts a long-running program in its own process group, detached from frank, writing straight
 * into its log file. node's spawn rather than execa: execa relays output through frank's own
 * pipes, which would keep frank alive and cut the log when frank exits.
 */
export async function spawnDaemon(spec: DaemonSpec): Promise<{ pid: number; exited: Promise<never> }> {
  await mkdir(path.dirname(spec.logFile), { recursive: true, mode: 0o700 });
  await mkdir(path.dirname(spec.pidFile), { recursive: true, mode: 0o700 });
  // A log holds what a server says, connection strings included: its owner's alone.
  const log = openSync(spec.logFile, 'a', 0o600);
  fchmodSync(log, 0o600);
  let child: ChildProcess;
  try {
    child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env, [LAB_LABEL]: spec.labId },
      detached: true,
      stdio: ['ignore', log, log],
      uid: spec.uid,
      gid: spec.gid,
    });
  } finally {
    closeSync(log);
  }
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`could not start ${spec.command}: ${error.message}`)));
    child.once('exit', (code, signal) => reject(new Error(`${path.basename(spec.command)} exited (${signal ?? `code ${code}`})`)));
  });
  exited.catch(() => undefined);
  if (child.pid === undefined) await exited;
  const pid = child.pid!;
  child.unref();
  const record: PidRecord = { pid, startTime: (await startTimeOf(pid)) ?? '', command: spec.command };
  await writeFile(spec.pidFile, JSON.stringify(record) + '\n', { mode: 0o600 });
  return { pid, exited };
}

export async function readPidRecord(pidFile: string): Promise<PidRecord | undefined> {
  try {
    return JSON.parse(await readFile(pidFile, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

/** True when the recorded process still runs and is the one we started (not a recycled pid). */
export async function isAlive(record: PidRecord): Promise<boolean> {
  const startTime = await startTimeOf(record.pid);
  return startTime !== undefined && (record.startTime === '' || startTime === record.startTime);
}

/** True when no process has this pid, or its process has exited and awaits its reaping (a zombie). */
export async function hasExited(pid: number): Promise<boolean> {
  return (await startTimeOf(pid)) === undefined;
}

async function startTimeOf(pid: number): Promise<string | undefined> {
  const stat = await statOf(pid);
  return stat && stat.state !== 'Z' ? stat.startTime : undefined;
}

/** A process's state, process group and start time from /proc/<pid>/stat; undefined when it is gone. */
async function statOf(pid: number | string): Promise<{ state: string; pgrp: number; startTime: string } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields from 3 (state) on; the command name in field 2 may hold spaces, so count from its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, pgrp: Number(fields[2]), startTime: fields[19]! };
  } catch {
    return undefined;
  }
}

/** Signals the whole process group, waits for it to go, and kills what remains after the grace period. */
export async function stopProcessGroup(pid: number, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  const send = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  send(signal);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if ((await startTimeOf(pid)) === undefined && !(await groupAlive(pid))) return;
    await sleep(50);
  }
  send('SIGKILL');
  for (let i = 0; i < 40 && ((await startTimeOf(pid)) !== undefined || (await groupAlive(pid))); i++) await sleep(50);
}

/**
 * Whether a process of the group still runs. kill(2) reaches zombies too, and some inits reap them
 * only every few seconds (this machine's, every ~2 s): an exited group counted as alive until then
 * made every stop, and so `frank down`, wait ~2 s per phase.
 */
async function groupAlive(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // Without /proc there is no telling a zombie from a process: alive, as kill(2) says.
  const entries = await readdir('/proc').catch(() => undefined);
  if (!entries) return true;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await statOf(entry);
    if (stat && stat.pgrp === pgid && stat.state !== 'Z') return true;
  }
  return false;
}

/** Every live process labelled with this lab's id, found through /proc (root sees all; others see their own). */
export async function findLabelledProcesses(labId: string): Promise<{ pid: number; command: string }[]> {
  const found: { pid: number; command: string }[] = [];
  const needle = `${LAB_LABEL}=${labId}`;
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environ = await readFile(`/proc/${pid}/environ`, 'latin1');
      if (!environ.split('\0').includes(needle)) continue;
      if ((await startTimeOf(pid)) === undefined) continue;
      const command = (await readFile(`/proc/${pid}/cmdline`, 'latin1')).split('\0').join(' ').trim();
      found.push({ pid, command });
    } catch {
      /* gone, or not ours to read */
    }
  }
  return found;
}

export async function removePidFile(pidFile: string): Promise<void> {
  await rm(pidFile, { force: true });
}

export async function tailFile(file: string, lines = 20): Promise<string> {
  try {
    if (lines <= 0) return '';
    const text = await readFile(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
