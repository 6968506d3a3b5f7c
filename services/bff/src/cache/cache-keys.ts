/**
 * bff's copy of the cache vocabulary views-service invalidates with. A cached read embeds the
 * generation in its key; the projector bumps the generation after its Mongo write.
 */
export const productsGeneration = 'views:gen:products';
export const userGeneration = (userId: string) => `views:gen:user:${userId}`;
export type CachedView = 'product_list' | 'stock_levels' | 'user_summary';
export const cacheHits = (view: CachedView) => `views:cache:hits:${view}`;
export const cacheMisses = (view: CachedView) => `views:cache:misses:${view}`;
