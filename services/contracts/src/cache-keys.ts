/**
 * The read cache's vocabulary, shared by views-service (which invalidates) and the BFF (which
 * reads through the cache). A cached read embeds a generation in its key; the projector bumps the
 * generation after its Mongo write, so no reader can fill the cache with a value older than the
 * invalidation.
 */
export const productsGeneration = 'views:gen:products';
export const userGeneration = (userId: string) => `views:gen:user:${userId}`;
export const CACHED_VIEWS = ['product_list', 'stock_levels', 'user_summary'] as const;
export type CachedView = (typeof CACHED_VIEWS)[number];
export const cacheHits = (view: CachedView) => `views:cache:hits:${view}`;
export const cacheMisses = (view: CachedView) => `views:cache:misses:${view}`;
export const invalidations = (view: CachedView) => `views:cache:invalidations:${view}`;
