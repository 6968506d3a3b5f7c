import { IMAGE_FORMATS, THUMBNAIL_WIDTHS, uploadProblem, type ImageFormat } from '@frank/contracts/images';
import { PoisonMessageError } from '@frank/kit/errors';
import sharp from 'sharp';

export interface Thumbnail {
  /** The width asked for (THUMBNAIL_WIDTHS); a smaller original keeps its own. */
  size: number;
  width: number;
  height: number;
  bytes: Buffer;
}

export interface Thumbnails {
  format: ImageFormat;
  width: number;
  height: number;
  thumbnails: Thumbnail[];
}

/**
 * Every thumbnail of an image, made in memory before anything is written: an image that does not
 * decode throws a PoisonMessageError and leaves nothing behind. WebP at a fixed quality, so the
 * same original always gives the same bytes.
 */
export async function makeThumbnails(bytes: Uint8Array): Promise<Thumbnails> {
  const problem = uploadProblem(bytes);
  if (problem) throw new PoisonMessageError(`not a product image (${problem.code}): ${problem.message}`);
  let format: string | undefined;
  let width: number | undefined;
  let height: number | undefined;
  try {
    ({ format, width, height } = await sharp(bytes, { failOn: 'error' }).metadata());
  } catch (error) {
    throw new PoisonMessageError(`the image does not decode: ${error instanceof Error ? error.message : String(error)}`, {}, { cause: error });
  }
  if (!format || !(format in IMAGE_FORMATS) || !width || !height)
    throw new PoisonMessageError(`not a JPEG, PNG or WebP image (sharp reads "${String(format)}")`);
  try {
    const thumbnails = await Promise.all(
      THUMBNAIL_WIDTHS.map(async (target) => {
        const { data, info } = await sharp(bytes, { failOn: 'error' })
          .rotate()
          .resize({ width: target, withoutEnlargement: true })
          .webp({ quality: 80 })
          .toBuffer({ resolveWithObject: true });
        return { size: target, width: info.width, height: info.height, bytes: data };
      }),
    );
    return { format: format as ImageFormat, width, height, thumbnails };
  } catch (error) {
    // A header that reads but pixels that do not (a truncated file) are as bad as no image.
    throw new PoisonMessageError(`the image does not decode: ${error instanceof Error ? error.message : String(error)}`, {}, { cause: error });
  }
}
