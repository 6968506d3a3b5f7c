import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

/** `{{key}}` in a template file's text, `__key__` in its path. */
const PLACEHOLDER = /\{\{([a-zA-Z]+)\}\}/g;
const PATH_PLACEHOLDER = /__([a-zA-Z]+)__/g;

export interface RenderedFile {
  /** Relative to the target folder. */
  path: string;
  content: string;
}

/** Every file under `templateDir`, its path and text with the placeholders filled in. */
export async function renderTemplate(templateDir: string, values: Record<string, string>): Promise<RenderedFile[]> {
  const entries = await readdir(templateDir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => path.relative(templateDir, path.join(entry.parentPath, entry.name)));
  return Promise.all(
    files.sort().map(async (relative) => ({
      path: fill(relative, PATH_PLACEHOLDER, values, relative),
      content: fill(await readFile(path.join(templateDir, relative), 'utf8'), PLACEHOLDER, values, relative),
    })),
  );
}

function fill(text: string, pattern: RegExp, values: Record<string, string>, file: string): string {
  return text.replace(pattern, (_match, key: string) => {
    const value = values[key];
    // A template naming a value the scaffold does not provide is our bug, not the user's.
    if (value === undefined) throw new Error(`The template ${file} uses the unknown placeholder "${key}".`);
    return value;
  });
}
