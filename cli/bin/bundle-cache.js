// Plain JavaScript: the bin asks this before it knows whether it needs tsx to load TypeScript.
import { readFile, stat } from 'node:fs/promises';

/** The list of files a bundle was built from, kept beside it. */
export function bundleManifestPath(outfile) {
  return `${outfile}.inputs.json`;
}

/** The bundle exists and no file it was built from changed since (an edit, an npm install). */
export async function bundleIsCurrent(outfile) {
  let recorded;
  try {
    recorded = JSON.parse(await readFile(bundleManifestPath(outfile), 'utf8'));
    await stat(outfile);
  } catch {
    return false;
  }
  const changed = await Promise.all(
    recorded.inputs.map((input) =>
      stat(input).then(
        (s) => s.mtimeMs > recorded.builtAtMs,
        () => true,
      ),
    ),
  );
  return !changed.includes(true);
}
