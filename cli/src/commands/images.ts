import { Command } from 'commander';
import { uploadProductImage } from '../images/upload.js';
import { parseDuration } from '../lab/duration.js';
import { openLab } from '../lab/lab.js';
import { writeData, writeInfo } from '../ui/output.js';
import { labOptionsOf, outputOf } from './global-options.js';

export function imagesCommand(): Command {
  const images = new Command('images').description('Product images: S3, EventBridge, the image handler, the storefront');
  images
    .command('upload')
    .description('Upload a product image (JPEG, PNG or WebP, up to 5 MiB) and wait until the storefront shows its thumbnails')
    .argument('<sku>', 'the product, e.g. SKU-0001')
    .argument('<file>', 'the image file')
    .option('--timeout <duration>', 'how long to wait for the thumbnails; 0: do not wait', '30s')
    .addHelpText('after', '\nExamples:\n  npx frank images upload SKU-0001 ./photo.jpg\n  npx frank images upload SKU-0002 ./photo.png --timeout 0 --json')
    .action(async (sku: string, file: string, options: { timeout: string }, command: Command) => {
      const waitMs = options.timeout === '0' ? 0 : parseDuration(options.timeout, '--timeout');
      const lab = await openLab(labOptionsOf(command));
      const result = await uploadProductImage(lab, { sku, file, waitMs });
      if (outputOf(command).json) return writeData(result);
      if (result.status === 'processing') return writeInfo(`${sku}: image ${result.imageId} uploaded as ${result.key}; its thumbnails are on their way`);
      writeInfo(`${sku}: image ${result.imageId} ready in ${result.elapsedMs} ms`);
      for (const t of result.thumbnails) writeInfo(`  ${t.width}x${t.height}  ${t.url}`);
    });
  return images;
}
