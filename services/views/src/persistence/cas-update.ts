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
 * of its collections, and it changes each document one update at a time (above), so what it holds
 * is what Mongo holds, or what Mongo is about to hold (a write behind, below). A hit saves the read
 * before every update. Bounded (a document waiting to be written is never dropped);
 * `forgetDocuments` drops a database's entries when its collections are dropped or swapped.
 */
interface Remembered {
  doc: Document;
  rev: number;
  /** Mongo has the document (some revision of it): the next write replaces instead of inserting. */
  stored: boolean;
}
const documents = new Map<string, Remembered>();
const DOCUMENTS_KEPT = 20_000;

/** Documents changed in memory and not yet written, with what waits for the write. */
const unwritten = new Map<string, { collection: Collection<Document>; id: string; written: Promise<void>; settle: (error?: unknown) => void }>();

function keyOf(collection: Collection<Document>, id: string): string {
  return `${collection.dbName}.${collection.collectionName}/${id}`;
}

function remember(key: string, entry: Remembered): void {
  documents.delete(key);
  documents.set(key, entry);
  if (documents.size <= DOCUMENTS_KEPT) return;
  for (const oldest of documents.keys()) {
    if (unwritten.has(oldest)) continue;
    documents.delete(oldest);
    break;
  }
}

/** Drops what is remembered of one view database's documents (its collections, and their rebuild shadows). */
export function forgetDocuments(dbName: string): void {
  for (const key of documents.keys()) if (key.startsWith(`${dbName}.`) && !unwritten.has(key)) documents.delete(key);
}

/**
 * One document as the projector last made it (or as Mongo has it), without its revision: read in
 * the document's turn, after the updates asked for before (an event that follows another of the
 * same document, delivered just after it, finds it applied).
 */
export async function readDocument<T extends { _id: string }>(collection: Collection<Document>, id: string): Promise<T | undefined> {
  return (await serialized(keyOf(collection, id), () => storedDocument(collection, id)))?.doc as T | undefined;
}

async function storedDocument(collection: Collection<Document>, id: string): Promise<Remembered | undefined> {
  const key = keyOf(collection, id);
  const known = documents.get(key);
  if (known) return known;
  const found = (await collection.findOne({ _id: id } as Document)) as (Document & { rev?: number }) | null;
  if (!found) return undefined;
  const entry = { doc: withoutRev(found), rev: found.rev ?? 0, stored: true };
  remember(key, entry);
  return entry;
}

export interface UpdateOptions {
  /**
   * Write behind: the change is made in memory now and written with the others of the same
   * document that come within this many milliseconds, in one write; the promise resolves once it
   * is written (a message is acked only then). 0 writes at once.
   */
  writeBehindMs?: number;
  attempts?: number;
}

/**
 * Read, reduce, write. A reducer that answers undefined means "nothing to change". Resolves, once
 * Mongo has it, with what was written and its revision, or undefined.
 *
 * Updates of one document are serialized within the process: FerretDB on SQLite does not apply a
 * filtered replace atomically (40 concurrent compare-and-sets on one document all "won" and 22 of
 * them were lost). The replace filters on `_id` alone: the only filter FerretDB hands its storage
 * (where the lab indexes it, SERVICE.md "Known limits"); `{_id, rev}` made it read the whole
 * collection. Each write is a round trip through FerretDB, hence the write behind: a saga's
 * events for one order come within a second, and are written together.
 */
export async function casUpdate<T extends { _id: string }>(
  collection: Collection<Document>,
  id: string,
  reduce: (current: T | undefined) => T | undefined,
  options: UpdateOptions = {},
): Promise<{ doc: T; rev: number } | undefined> {
  const key = keyOf(collection, id);
  const { writeBehindMs = 0, attempts = 20 } = options;
  // The reduction is serialized; waiting for the write is not, so later events join the same write.
  const { result, written } = await serialized(key, async () => {
    for (let attempt = 0; attempt < attempts; attempt++) {
      const stored = await storedDocument(collection, id);
      const next = reduce(stored?.doc as T | undefined);
      // Nothing to change, but a redelivery must not be acked before what it changed is written.
      if (!next) return { result: undefined, written: unwritten.get(key)?.written };
      const rev = (stored?.rev ?? 0) + 1;
      const entry = { doc: { ...withoutRev(next as T & { rev?: number }), _id: id }, rev, stored: stored?.stored ?? false };
      if (writeBehindMs > 0) {
        remember(key, entry);
        return { result: { doc: next, rev }, written: scheduleWrite(key, collection, id, writeBehindMs) };
      }
      if (await write(key, collection, entry)) return { result: { doc: next, rev }, written: undefined };
    }
    throw new ContentionError(collection.collectionName, id);
  });
  await written;
  return result;
}

/** Writes one document as remembered; false when it vanished meanwhile (a rebuild swapped its collection). */
async function write(key: string, collection: Collection<Document>, entry: Remembered): Promise<boolean> {
  const doc = { ...entry.doc, rev: entry.rev };
  try {
    if (!entry.stored) await collection.insertOne(doc);
    else if ((await collection.replaceOne({ _id: entry.doc._id } as Document, doc)).matchedCount !== 1) {
      documents.delete(key);
      return false;
    }
  } catch (error) {
    // What failed may have been written or not: read it again next time.
    documents.delete(key);
    if (isDuplicateKey(error)) return false;
    throw error;
  }
  remember(key, { ...entry, stored: true });
  return true;
}

/** The documents of one collection changed behind and written together at the end of their window. */
const windows = new Map<string, { collection: Collection<Document>; keys: string[] }>();

function scheduleWrite(key: string, collection: Collection<Document>, id: string, delayMs: number): Promise<void> {
  const pending = unwritten.get(key);
  if (pending) return pending.written;
  let settle!: (error?: unknown) => void;
  const written = new Promise<void>((resolve, reject) => (settle = (error) => (error === undefined ? resolve() : reject(error))));
  written.catch(() => undefined);
  unwritten.set(key, { collection, id, written, settle });
  const windowKey = `${collection.dbName}.${collection.collectionName}`;
  const window = windows.get(windowKey);
  if (window) window.keys.push(key);
  else {
    windows.set(windowKey, { collection, keys: [key] });
    setTimeout(() => {
      const due = windows.get(windowKey);
      windows.delete(windowKey);
      if (due) void flush(due.collection, due.keys);
    }, delayMs).unref();
  }
  return written;
}

/**
 * Writes a window's documents in bulk writes (an insert command and an update command of a few
 * replaces each), once every one of them has its turn, so no change is made while they are written. A
 * document whose write failed is forgotten: every change it carried is refused (its messages are
 * requeued) and applied again to what Mongo has; the others of the window stand.
 */
async function flush(collection: Collection<Document>, keys: string[]): Promise<void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const turns = keys.map((key) => new Promise<void>((entered) => void serialized(key, () => (entered(), released))));
  await Promise.all(turns);
  try {
    const batch = keys.flatMap((key) => {
      const pending = unwritten.get(key);
      if (!pending) return [];
      unwritten.delete(key);
      const entry = documents.get(key);
      if (entry) return [{ key, pending, entry }];
      pending.settle(new Error(`${key} was forgotten before it was written`));
      return [];
    });
    const failed = await bulkWrite(collection, batch);
    for (const { key, pending, entry } of batch) {
      const error = failed.get(key);
      if (error === undefined) {
        remember(key, { ...entry, stored: true });
        pending.settle();
      } else {
        documents.delete(key);
        pending.settle(error);
      }
    }
  } finally {
    release();
  }
}

/**
 * Replaces per bulk write. FerretDB on PostgreSQL keeps a connection for each replace of a command
 * (its read by _id) until the whole command is done, and takes one more to write: a command of 50
 * replaces, or a few large ones at once, takes its pool of 50 and waits forever (the lab hung on a
 * broker outage's backlog). Commands of 3, one after another per window, on a client of at most 10
 * connections (client-options.ts), hold at most 10 x (3 + 1).
 */
const REPLACES_PER_WRITE = 3;

/** Writes each document as remembered, in bulk writes of at most REPLACES_PER_WRITE replaces; answers those not written, with why. */
async function bulkWrite(
  collection: Collection<Document>,
  batch: { key: string; pending: { id: string }; entry: Remembered }[],
): Promise<Map<string, unknown>> {
  const chunks: (typeof batch)[] = [[]];
  let replaces = 0;
  for (const item of batch) {
    if (item.entry.stored && ++replaces > REPLACES_PER_WRITE) {
      chunks.push([]);
      replaces = 1;
    }
    chunks.at(-1)!.push(item);
  }
  const failed = new Map<string, unknown>();
  for (const chunk of chunks) for (const [key, error] of await bulkWriteOnce(collection, chunk)) failed.set(key, error);
  return failed;
}

/**
 * One bulk write: answers the documents that were not written, with why. A document counts as
 * written only when the server's counts account for every operation: a connection lost between
 * the insert and the update command of one bulk write reports the commands that ran and no write
 * error for the others, so anything unaccounted for fails the whole batch (each of its documents is read again and its changes applied again: idempotent).
 */
async function bulkWriteOnce(
  collection: Collection<Document>,
  batch: { key: string; pending: { id: string }; entry: Remembered }[],
): Promise<Map<string, unknown>> {
  const failed = new Map<string, unknown>();
  if (batch.length === 0) return failed;
  const operations = batch.map(({ entry }) => {
    const doc = { ...entry.doc, rev: entry.rev };
    return entry.stored ? { replaceOne: { filter: { _id: entry.doc._id } as Document, replacement: doc } } : { insertOne: { document: doc } };
  });
  let counts: { insertedCount: number; matchedCount: number } | undefined;
  let writeErrors: { index: number; code?: number }[] = [];
  let failure: unknown;
  try {
    counts = await collection.bulkWrite(operations, { ordered: false });
  } catch (error) {
    failure = error;
    writeErrors = (error as { writeErrors?: { index: number; code?: number }[] }).writeErrors ?? [];
    counts = (error as { result?: { insertedCount: number; matchedCount: number } }).result;
  }
  const refused = new Set(writeErrors.map((e) => e.index));
  const written = batch.filter((_, index) => !refused.has(index));
  const accounted =
    counts !== undefined &&
    counts.insertedCount === written.filter(({ entry }) => !entry.stored).length &&
    counts.matchedCount === written.filter(({ entry }) => entry.stored).length;
  if (!accounted) {
    // A replace that matched nothing (a rebuild swapped its collection), or a write cut short.
    for (const { key, pending } of batch) failed.set(key, failure ?? new ContentionError(collection.collectionName, pending.id));
    return failed;
  }
  for (const { index, code } of writeErrors) {
    const { key, pending } = batch[index]!;
    failed.set(key, code === 11000 ? new ContentionError(collection.collectionName, pending.id) : failure);
  }
  return failed;
}

function withoutRev<T>(doc: T & { rev?: number }): T {
  const { rev: _rev, ...rest } = doc;
  return rest as T;
}
