import type { Collection, Document } from 'mongodb';

export class ContentionError extends Error {
  constructor(collection: string, id: string) {
    super(`${collection}/${id} kept changing under the projector`);
    this.name = 'ContentionError';
  }
}

export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown }).code === 11000;
}

/** The tail of the updates queued per document: one at a time per document in this process. */
const queues = new Map<string, Promise<unknown>>();

/** Runs `work` after every earlier work on the same key has settled. */
function serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(work, work);
  const tail = next.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return next;
}

/**
 * Read, reduce, write only if nobody wrote in between (compare-and-set on `rev`); on a lost race,
 * read again. A reducer that answers undefined means "nothing to change". Returns what was
 * written and its revision, or undefined.
 *
 * Updates of one document are also serialized within the process: FerretDB on SQLite does not
 * apply a filtered replace atomically (40 concurrent compare-and-sets on one document all "won"
 * and 22 of them were lost), so the rev check alone only guards against another process.
 */
export function casUpdate<T extends { _id: string }>(
  collection: Collection<Document>,
  id: string,
  reduce: (current: T | undefined) => T | undefined,
  attempts = 20,
): Promise<{ doc: T; rev: number } | undefined> {
  return serialized(`${collection.dbName}.${collection.collectionName}/${id}`, () => compareAndSet(collection, id, reduce, attempts));
}

async function compareAndSet<T extends { _id: string }>(
  collection: Collection<Document>,
  id: string,
  reduce: (current: T | undefined) => T | undefined,
  attempts: number,
): Promise<{ doc: T; rev: number } | undefined> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const stored = (await collection.findOne({ _id: id } as Document)) as (T & { rev?: number }) | null;
    const current = stored ? withoutRev(stored) : undefined;
    const next = reduce(current);
    if (!next) return undefined;
    const rev = (stored?.rev ?? 0) + 1;
    const doc = { ...withoutRev(next as T & { rev?: number }), _id: id, rev };
    if (!stored) {
      try {
        await collection.insertOne(doc as Document);
        return { doc: next, rev };
      } catch (error) {
        if (isDuplicateKey(error)) continue;
        throw error;
      }
    }
    const replaced = await collection.replaceOne({ _id: id, rev: stored.rev ?? { $exists: false } } as Document, doc as Document);
    if (replaced.matchedCount === 1) return { doc: next, rev };
  }
  throw new ContentionError(collection.collectionName, id);
}

function withoutRev<T>(doc: T & { rev?: number }): T {
  const { rev: _rev, ...rest } = doc;
  return rest as T;
}
