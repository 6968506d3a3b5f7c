import { dataOf, type EventHandler, type Logger } from '@frank/kit';
import { productExists, recordProductImage } from '../persistence/product-images.js';
import { productImageReadyData } from './consumed-events.js';

/** product.image-ready → the product's image, once; an image of a SKU the catalogue does not have is logged and left. */
export function recordImage(log: Logger): EventHandler {
  return async (client, event) => {
    const ready = dataOf(productImageReadyData, event);
    if (!(await productExists(client, ready.sku))) {
      log.warn('image of an unknown product; not recorded', { sku: ready.sku, imageId: ready.imageId, eventId: event.id });
      return;
    }
    const recorded = await recordProductImage(client, {
      sku: ready.sku,
      imageId: ready.imageId,
      bucket: ready.bucket,
      originalKey: ready.original.key,
      contentType: ready.original.contentType,
      width: ready.original.width,
      height: ready.original.height,
      thumbnails: ready.thumbnails,
    });
    if (recorded) log.info('product image recorded', { sku: ready.sku, imageId: ready.imageId });
  };
}
