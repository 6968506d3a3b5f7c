import { PRODUCT_IMAGES_BUCKET } from '@frank/contracts/images';
import { awsSettings, defineSettings, setting } from '@frank/kit/settings';
import { z } from 'zod';

export const settings = defineSettings({
  DATABASE_URL: setting.database(),
  AMQP_URL: setting.broker(),
  ...awsSettings,
  IMAGES_BUCKET: setting.tunable(
    z.string().min(1).default(PRODUCT_IMAGES_BUCKET),
    'the bucket product images are uploaded to (S3 tells EventBridge, image-processing makes the thumbnails)',
  ),
});
