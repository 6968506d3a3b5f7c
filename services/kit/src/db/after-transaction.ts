import type { DbClient, Pool } from './pool.js';

export interface AfterTransaction {
  /** Runs `work` once `client` goes back to the pool, i.e. after its transaction committed or rolled back. */
  (client: DbClient, work: () => void): void;
}

/**
 * The kit's consumer owns the transaction and gives no commit hook; the pool's `release` event
 * fires after COMMIT (or ROLLBACK) returned. `work` must therefore only look at committed state
 * (a worker claims what it finds), never assume the commit happened. payment kicks its provider
 * requester with it, notification its delivery worker.
 */
export function afterTransactionOn(pool: Pool): AfterTransaction {
  const pending = new WeakMap<DbClient, (() => void)[]>();
  pool.on('release', (_error, client) => {
    const works = pending.get(client);
    if (!works) return;
    pending.delete(client);
    for (const work of works) work();
  });
  return (client, work) => {
    const works = pending.get(client);
    if (works) works.push(work);
    else pending.set(client, [work]);
  };
}
