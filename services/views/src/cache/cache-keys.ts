/**
 * The cache's shared vocabulary (the BFF keeps its own copy). The BFF's cached reads embed a
 * generation in their key; the projector invalidates by bumping the generation after its Mongo
 * write, so no reader can fill the cache with a value older than the invalidation.
 */
export const productsGeneration = 'views:gen:products';
export const userGeneration = (userId: string) => `views:gen:user:${userId}`;
export const CACHED_VIEWS = ['product_list', 'stock_levels', 'user_summary'] as const;
export const cacheHits = (view: string) => `views:cache:hits:${view}`;
export const cacheMisses = (view: string) => `views:cache:misses:${view}`;
export const invalidations = (view: string) => `views:cache:invalidations:${view}`;
