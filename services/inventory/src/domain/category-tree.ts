export interface CategoryRow {
  id: number;
  parentId: number | null;
  name: string;
  slug: string;
}

export interface CategoryNode {
  id: number;
  slug: string;
  name: string;
  children: CategoryNode[];
}

/** Nests flat rows under their parents; siblings by name. A row whose parent is missing becomes a root. */
export function buildCategoryTree(rows: readonly CategoryRow[]): CategoryNode[] {
  const nodes = new Map<number, CategoryNode>();
  for (const row of rows) nodes.set(row.id, { id: row.id, slug: row.slug, name: row.name, children: [] });
  const roots: CategoryNode[] = [];
  for (const row of rows) {
    const node = nodes.get(row.id)!;
    const parent = row.parentId === null ? undefined : nodes.get(row.parentId);
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: CategoryNode[]) => {
    list.sort((a, b) => a.name.localeCompare(b.name, 'en'));
    for (const node of list) sort(node.children);
  };
  sort(roots);
  return roots;
}
