import { describe, expect, it } from 'vitest';
import { buildCategoryTree } from './category-tree.js';

describe('buildCategoryTree', () => {
  it('nests children under their parents, siblings by name', () => {
    const tree = buildCategoryTree([
      { id: 1, parentId: null, name: 'Outdoor', slug: 'outdoor' },
      { id: 2, parentId: 1, name: 'Cycling', slug: 'cycling' },
      { id: 3, parentId: 1, name: 'Camping', slug: 'camping' },
      { id: 4, parentId: null, name: 'Audio', slug: 'audio' },
    ]);
    expect(tree).toEqual([
      { id: 4, slug: 'audio', name: 'Audio', children: [] },
      {
        id: 1,
        slug: 'outdoor',
        name: 'Outdoor',
        children: [
          { id: 3, slug: 'camping', name: 'Camping', children: [] },
          { id: 2, slug: 'cycling', name: 'Cycling', children: [] },
        ],
      },
    ]);
  });
});
