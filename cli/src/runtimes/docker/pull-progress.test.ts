import { describe, expect, it } from 'vitest';
import { PullTracker } from './pull-progress.js';

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
