import type { FaultInForce } from '@frank/contracts/frames';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault } from './fault-spec.js';

/** One fault in force, as `.frank/faults.json` keeps it: what a frame shows, and the fault itself. */
export interface FaultRecord extends FaultInForce {
  fault: Fault;
}

interface FaultsFile {
  labId: string;
  faults: FaultRecord[];
}

const LOCK_STALE_MS = 30_000;

/**
 * `.frank/faults.json`: the faults in force in one lab. Several frank processes use it at once (a
 * `--for` waiting to heal, a `chaos heal` in another terminal), so every change is made under a
 * lock file and written whole by rename. A fault is healed by whoever claims it first.
 */
export class FaultStore {
  constructor(
    private readonly file: string,
    private readonly labId: string,
  ) {}

  /** The faults of this lab; those of a lab that was brought down and up again are not. */
  async list(): Promise<FaultRecord[]> {
    return (await this.read()).faults;
  }

  async add(record: FaultRecord): Promise<void> {
    await this.change((faults) => [...faults, record]);
  }

  /** Removes and returns the faults that match: the caller heals them, nobody else will. */
  async claim(match: (record: FaultRecord) => boolean): Promise<FaultRecord[]> {
    let claimed: FaultRecord[] = [];
    await this.change((faults) => {
      claimed = faults.filter(match);
      return faults.filter((f) => !match(f));
    });
    return claimed;
  }

  private async read(): Promise<FaultsFile> {
    try {
      const data = JSON.parse(await readFile(this.file, 'utf8')) as FaultsFile;
      return data.labId === this.labId && Array.isArray(data.faults) ? data : { labId: this.labId, faults: [] };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { labId: this.labId, faults: [] };
      throw error;
    }
  }

  private async change(update: (faults: FaultRecord[]) => FaultRecord[]): Promise<void> {
    await this.locked(async () => {
      const faults = update((await this.read()).faults);
      await mkdir(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify({ labId: this.labId, faults } satisfies FaultsFile, null, 2) + '\n', { mode: 0o600 });
      await rename(temporary, this.file);
    });
  }

  private async locked<T>(work: () => Promise<T>): Promise<T> {
    const lock = `${this.file}.lock`;
    await mkdir(path.dirname(lock), { recursive: true });
    for (let attempt = 0; ; attempt++) {
      try {
        await (await open(lock, 'wx')).close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        // A process that died holding it leaves the lock behind.
        const age = await stat(lock).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        );
        if (age > LOCK_STALE_MS) await rm(lock, { force: true });
        await sleep(Math.min(200, 10 * (attempt + 1)));
      }
    }
    try {
      return await work();
    } finally {
      await rm(lock, { force: true });
    }
  }
}
