import { awsSettings, defineSettings, setting } from '@frank/kit/settings';
import { PRODUCT_IMAGES_BUCKET } from '@frank/contracts/images';
import { z } from 'zod';

const bus = setting.tunable(z.string().min(1).default('frank-external'), 'the EventBridge bus product.image-ready goes to');

/** The lab's process: it polls the upload queue, writes thumbnails to S3 and puts product.image-ready on EventBridge. */
export const settings = defineSettings({
  ...awsSettings,
  IMAGES_BUCKET: setting.tunable(z.string().min(1).default(PRODUCT_IMAGES_BUCKET), 'the bucket of the originals and their thumbnails'),
  IMAGES_QUEUE: setting.tunable(z.string().min(1).default('frank-image-uploads'), "the SQS queue S3's Object Created events arrive on"),
  IMAGES_EVENT_BUS: bus,
});

/** The Lambda (src/lambda.ts): the runtime sets the region and credentials; the bucket comes with each event. */
export const lambdaSettings = {
  IMAGES_EVENT_BUS: bus,
  ...awsSettings,
  AWS_REGION: { ...awsSettings.AWS_REGION, schema: z.string().min(1).optional() },
};
