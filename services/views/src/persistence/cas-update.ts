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
 * The documents this process last read or wrote, newest last: the views service is the only writer
 * of its collections, and it writes each document one update at a time (above), so what it wrote
 * is what Mongo holds. A hit saves the read before every update. Bounded; `forgetDocuments` drops
 * a database's entries when its collections are dropped or swapped (a rebuild).
 */
const documents = new Map<string, { doc: Document; rev: number }>();
const DOCUMENTS_KEPT = 20_000;

function keyOf(collection: Collection<Document>, id: string): string {
  return `${collection.dbName}.${collection.collectionName}/${id}`;
}

function remember(key: string, doc: Document, rev: number): void {
  documents.delete(key);
  documents.set(key, { doc, rev });
  if (documents.size > DOCUMENTS_KEPT) documents.delete(documents.keys().next().value!);
}

/** Drops what is remembered of one view database's documents (its collections, and their rebuild shadows). */
export function forgetDocuments(dbName: string): void {
  for (const key of documents.keys()) if (key.startsWith(`${dbName}.`)) documents.delete(key);
}

/** One document as the projector last wrote it (or as Mongo has it), without its revision. */
export async function readDocument<T extends { _id: string }>(collection: Collection<Document>, id: string): Promise<T | undefined> {
  return (await storedDocument<T>(collection, id))?.doc;
}

async function storedDocument<T>(collection: Collection<Document>, id: string): Promise<{ doc: T; rev: number } | undefined> {
  const key = keyOf(collection, id);
  const known = documents.get(key);
  if (known) return known as unknown as { doc: T; rev: number };
  const stored = (await collection.findOne({ _id: id } as Document)) as (T & { rev?: number }) | null;
  if (!stored) return undefined;
  const doc = withoutRev(stored);
  remember(key, doc as Document, stored.rev ?? 0);
  return { doc, rev: stored.rev ?? 0 };
}

/**
 * Read, reduce, write. A reducer that answers undefined means "nothing to change". Returns what
 * was written and its revision, or undefined.
 *
 * Updates of one document are serialized within the process: FerretDB on SQLite does not apply a
 * filtered replace atomically (40 concurrent compare-and-sets on one document all "won" and 22 of
 * them were lost). The replace filters on `_id` alone: FerretDB answers that filter from its
 * primary key, while `{_id, rev}` made it read the whole collection (95 against 22 ms a replace at
 * 5,000 documents). A document that vanished meanwhile (a rebuild swapped its collection) is read again.
 */
export function casUpdate<T extends { _id: string }>(
  collection: Collection<Document>,
  id: string,
  reduce: (current: T | undefined) => T | undefined,
  attempts = 20,
): Promise<{ doc: T; rev: number } | undefined> {
  return serialized(keyOf(collection, id), () => compareAndSet(collection, id, reduce, attempts));
}

async function compareAndSet<T extends { _id: string }>(
  collection: Collection<Document>,
  id: string,
  reduce: (current: T | undefined) => T | undefined,
  attempts: number,
): Promise<{ doc: T; rev: number } | undefined> {
  const key = keyOf(collection, id);
  for (let attempt = 0; attempt < attempts; attempt++) {
    const stored = await storedDocument<T>(collection, id);
    const next = reduce(stored?.doc);
    if (!next) return undefined;
    const rev = (stored?.rev ?? 0) + 1;
    const doc = { ...withoutRev(next as T & { rev?: number }), _id: id };
    try {
      if (!stored) await collection.insertOne({ ...doc, rev } as Document);
      else if ((await collection.replaceOne({ _id: id } as Document, { ...doc, rev } as Document)).matchedCount !== 1) {
        documents.delete(key);
        continue;
      }
    } catch (error) {
      // What failed may have been written or not: read it again next time.
      documents.delete(key);
      if (isDuplicateKey(error)) continue;
      throw error;
    }
    remember(key, doc as Document, rev);
    return { doc: next, rev };
  }
  throw new ContentionError(collection.collectionName, id);
}

function withoutRev<T>(doc: T & { rev?: number }): T {
  const { rev: _rev, ...rest } = doc;
  return rest as T;
}
