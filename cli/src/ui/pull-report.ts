import type { PullProgress } from '../runtimes/docker/pull-progress.js';

/**
 * A listener that writes one line when a pull starts, one per quarter of its layers, and one when
 * it ends: enough to see that something is happening, few enough for a log.
 */
export function pullReporter(write: (line: string) => void): (progress: PullProgress) => void {
  const reported = new Map<string, number>();
  return (progress) => {
    const last = reported.get(progress.image);
    if (progress.done) {
      if (last === Infinity) return;
      reported.set(progress.image, Infinity);
      write(`pulled ${progress.image} (${megabytes(progress.downloadedBytes)})`);
      return;
    }
    if (last === undefined) {
      reported.set(progress.image, 0);
      write(`pulling ${progress.image}…`);
      return;
    }
    if (progress.layers === 0 || last === Infinity) return;
    const quarter = Math.floor((progress.layersDone / progress.layers) * 4);
    if (quarter > last && quarter < 4) {
      reported.set(progress.image, quarter);
      write(
        `pulling ${progress.image}: ${progress.layersDone}/${progress.layers} layers, ${megabytes(progress.downloadedBytes)} of ${megabytes(progress.totalBytes)}`,
      );
    }
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
