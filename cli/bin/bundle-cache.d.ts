/** What a bundle was built from, beside it (`<outfile>.inputs.json`), to tell whether it is still current. */
export interface BundleInputs {
  builtAtMs: number;
  /** Absolute paths. */
  inputs: string[];
}

export function bundleManifestPath(outfile: string): string;

/** The bundle exists and no file it was built from changed since (an edit, an npm install). */
export function bundleIsCurrent(outfile: string): Promise<boolean>;
