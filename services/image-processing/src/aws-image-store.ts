import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsClientConfig } from '@frank/kit/aws';
import type { ImageDeps } from './handler.js';

/** The handler's S3 and EventBridge on the AWS SDK; path-style S3 addressing, which the emulator needs and AWS accepts. */
export function awsImageDeps(config: AwsClientConfig, eventBus: string): ImageDeps & { close(): void } {
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const events = new EventBridgeClient(config);
  return {
    async getObject(bucket, key) {
      try {
        const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return answer.Body ? await answer.Body.transformToByteArray() : new Uint8Array();
      } catch (error) {
        if (error instanceof NoSuchKey) return undefined;
        throw error;
      }
    },
    async putObject(bucket, key, bytes, contentType) {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType, CacheControl: 'public, max-age=31536000, immutable' }),
      );
    },
    async putEvent(source, detailType, detail) {
      const answer = await events.send(
        new PutEventsCommand({ Entries: [{ EventBusName: eventBus, Source: source, DetailType: detailType, Detail: JSON.stringify(detail) }] }),
      );
      if (answer.FailedEntryCount)
        throw new Error(`EventBridge refused ${detailType}: ${answer.Entries?.[0]?.ErrorCode ?? 'unknown'} ${answer.Entries?.[0]?.ErrorMessage ?? ''}`);
    },
    close() {
      s3.destroy();
      events.destroy();
    },
  };
}
