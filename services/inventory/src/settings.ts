import { PRODUCT_IMAGES_BUCKET } from '@frank/contracts/images';
import { awsSettings, defineSettings, setting } from '@frank/kit/settings';
import { z } from 'zod';

export const settings = defineSettings({
  DATABASE_URL: setting.database(),
  AMQP_URL: setting.broker(),
  ...awsSettings,
  // Without the aws resource inventory runs its saga step as ever; only its image endpoints answer 503.
  AWS_REGION: { ...awsSettings.AWS_REGION, schema: z.string().min(1).optional() },
  IMAGES_BUCKET: setting.tunable(
    z.string().min(1).default(PRODUCT_IMAGES_BUCKET),
    'the bucket product images are uploaded to (S3 tells EventBridge, image-processing makes the thumbnails)',
  ),
});
