import type { PullEvent } from './container-client.js';

/** Where an image pull stands, summed over its layers. */
export interface PullProgress {
  image: string;
  /** Layers announced so far, and how many of them are in place (pulled, or there already). */
  layers: number;
  layersDone: number;
  /** Bytes downloaded, and the size of the layers whose size is known yet. */
  downloadedBytes: number;
  totalBytes: number;
  done: boolean;
}

interface Layer {
  current: number;
  total: number;
  done: boolean;
}

/** Turns the engine's pull messages for one image into running totals. */
export class PullTracker {
  private readonly layers = new Map<string, Layer>();
  private finished = false;

  constructor(readonly image: string) {}

  update(event: PullEvent): PullProgress {
    const { id, status = '' } = event;
    // Messages without a layer id, or naming the tag ("Pulling from library/postgres"), are about the whole image.
    if (id && !status.startsWith('Pulling from')) {
      const layer = this.layers.get(id) ?? { current: 0, total: 0, done: false };
      this.layers.set(id, layer);
      if (status === 'Downloading') {
        layer.current = event.progressDetail?.current ?? layer.current;
        layer.total = event.progressDetail?.total ?? layer.total;
      } else if (status === 'Download complete') {
        layer.current = layer.total;
      } else if (status === 'Pull complete' || status === 'Already exists') {
        layer.current = layer.total;
        layer.done = true;
      }
    }
    return this.progress();
  }

  finish(): PullProgress {
    this.finished = true;
    for (const layer of this.layers.values()) layer.done = true;
    return this.progress();
  }

  progress(): PullProgress {
    const layers = [...this.layers.values()];
    return {
      image: this.image,
      layers: layers.length,
      layersDone: layers.filter((l) => l.done).length,
      downloadedBytes: layers.reduce((sum, l) => sum + l.current, 0),
      totalBytes: layers.reduce((sum, l) => sum + l.total, 0),
      done: this.finished,
    };
  }
}
