import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LabPhase } from '../errors.js';

/** What `.frank/lab.json` remembers, so that commands after `frank up` act on the lab that is up. */
export interface LabState {
  id: string;
  runtime: 'native' | 'docker';
  portOffset: number;
  updatedAt: string;
  resources: Record<string, { phase: LabPhase; since: string; error?: string }>;
}

export async function readLabState(file: string): Promise<LabState | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LabState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function newLabState(runtime: LabState['runtime'], portOffset: number): LabState {
  return { id: randomBytes(4).toString('hex'), runtime, portOffset, updatedAt: new Date().toISOString(), resources: {} };
}

/** Serialises writes: phases of resources starting in parallel land in one file without losing any. */
export class LabStateStore {
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    readonly state: LabState,
  ) {}

  setPhase(resource: string, phase: LabPhase, error?: string): Promise<void> {
    const now = new Date().toISOString();
    this.state.resources[resource] = error ? { phase, since: now, error } : { phase, since: now };
    this.state.updatedAt = now;
    return this.save();
  }

  save(): Promise<void> {
    const snapshot = JSON.stringify(this.state, null, 2) + '\n';
    this.pending = this.pending.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      await writeFile(temporary, snapshot, { mode: 0o600 });
      await rename(temporary, this.file);
    });
    return this.pending;
  }
}
