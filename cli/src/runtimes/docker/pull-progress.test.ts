import { describe, expect, it } from 'vitest';
import { PullTracker, pullReporter, type PullProgress } from './pull-progress.js';

const IMAGE = 'postgres:18.4-alpine3.23';

describe('PullTracker', () => {
  it("sums the engine's per-layer messages into layers done and bytes", () => {
    const tracker = new PullTracker(IMAGE);
    tracker.update({ status: 'Pulling from library/postgres', id: '18.4-alpine3.23' });
    tracker.update({ status: 'Pulling fs layer', id: 'a' });
    tracker.update({ status: 'Pulling fs layer', id: 'b' });
    tracker.update({ status: 'Already exists', id: 'c' });
    tracker.update({ status: 'Downloading', id: 'a', progressDetail: { current: 400, total: 1000 } });
    let progress = tracker.update({ status: 'Downloading', id: 'b', progressDetail: { current: 50, total: 500 } });
    expect(progress).toEqual({ image: IMAGE, layers: 3, layersDone: 1, downloadedBytes: 450, totalBytes: 1500, done: false });

    tracker.update({ status: 'Download complete', id: 'a' });
    progress = tracker.update({ status: 'Pull complete', id: 'a' });
    expect(progress).toMatchObject({ layersDone: 2, downloadedBytes: 1050 });

    tracker.update({ status: 'Digest: sha256:0123' });
    expect(tracker.finish()).toEqual({ image: IMAGE, layers: 3, layersDone: 3, downloadedBytes: 1050, totalBytes: 1500, done: true });
  });
});

describe('pullReporter', () => {
  it('writes a line when a pull starts, one per quarter of its layers, and one when it ends', () => {
    const lines: string[] = [];
    const report = pullReporter((line) => lines.push(line));
    const at = (layersDone: number, done = false): PullProgress => ({ image: IMAGE, layers: 8, layersDone, downloadedBytes: layersDone * 1_000_000, totalBytes: 8_000_000, done });
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
