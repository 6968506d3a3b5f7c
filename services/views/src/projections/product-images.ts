import type { EventEnvelope } from '@frank/kit';
import type { EventData } from '@frank/contracts/events';

/** An image as the catalogue's documents carry it: the BFF turns the thumbnails' keys into URLs. */
export interface CatalogueImage {
  imageId: string;
  width: number;
  height: number;
  thumbnails: { size: number; width: number; height: number; key: string }[];
}

/** The part of an inventory_views.product_list document this projection writes. */
export interface ProductWithImages {
  _id: string;
  images?: CatalogueImage[];
}

export const PRODUCT_IMAGE_EVENTS = ['product.image-ready'] as const;

/** An image (from the event, or from inventory-service's product) as the catalogue keeps it. */
export function catalogueImageOf(image: CatalogueImage): CatalogueImage {
  return {
    imageId: image.imageId,
    width: image.width,
    height: image.height,
    thumbnails: image.thumbnails.map(({ size, width, height, key }) => ({ size, width, height, key })),
  };
}

/**
 * product.image-ready on the product's catalogue document: the newest image first; an image it
 * has already changes nothing (the same image processed twice, a redelivery). A product the
 * catalogue does not know gets no document: the seed from inventory-service brings its images.
 */
export function reduceProductImages<T extends ProductWithImages>(current: T | undefined, event: Pick<EventEnvelope, 'data'>): T | undefined {
  if (!current) return undefined;
  const ready = event.data as EventData['product.image-ready'];
  const image = catalogueImageOf({ imageId: ready.imageId, width: ready.original.width, height: ready.original.height, thumbnails: ready.thumbnails });
  const images = current.images ?? [];
  if (images.some((i) => i.imageId === image.imageId)) return undefined;
  return { ...current, images: [image, ...images] };
}
