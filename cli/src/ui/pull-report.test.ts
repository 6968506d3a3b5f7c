import { describe, expect, it } from 'vitest';
import type { PullProgress } from '../runtimes/docker/pull-progress.js';
import { pullReporter } from './pull-report.js';

const IMAGE = 'postgres:18.4-alpine3.23';

describe('pullReporter', () => {
  it('writes a line when a pull starts, one per quarter of its layers, and one when it ends', () => {
    const lines: string[] = [];
    const report = pullReporter((line) => lines.push(line));
    const at = (layersDone: number, done = false): PullProgress => ({
      image: IMAGE,
      layers: 8,
      layersDone,
      downloadedBytes: layersDone * 1_000_000,
      totalBytes: 8_000_000,
      done,
    });
    report({ image: IMAGE, layers: 0, layersDone: 0, downloadedBytes: 0, totalBytes: 0, done: false });
    for (let done = 0; done <= 8; done++) {
      report(at(done));
      report(at(done));
    }
    report(at(8, true));
    report(at(8, true));
    expect(lines).toEqual([
      `pulling ${IMAGE}…`,
      `pulling ${IMAGE}: 2/8 layers, 2.0 MB of 8.0 MB`,
      `pulling ${IMAGE}: 4/8 layers, 4.0 MB of 8.0 MB`,
      `pulling ${IMAGE}: 6/8 layers, 6.0 MB of 8.0 MB`,
      `pulled ${IMAGE} (8.0 MB)`,
    ]);
  });

  it('keeps the images of parallel pulls apart', () => {
    const lines: string[] = [];
    const report = pullReporter((line) => lines.push(line));
    for (const image of ['a:1.0.0', 'b:2.0.0']) report({ image, layers: 0, layersDone: 0, downloadedBytes: 0, totalBytes: 0, done: false });
    report({ image: 'b:2.0.0', layers: 1, layersDone: 1, downloadedBytes: 1, totalBytes: 1, done: true });
    expect(lines).toEqual(['pulling a:1.0.0…', 'pulling b:2.0.0…', 'pulled b:2.0.0 (0.0 MB)']);
  });
});
