import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsClientConfig } from '@frank/kit/aws';

export interface ImageBucket {
  /** Stores an original; S3 then announces Object Created on EventBridge. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** An object's bytes, or undefined when there is none. */
  get(key: string): Promise<Uint8Array | undefined>;
  close(): void;
}

/** The images bucket; path-style addressing, which the emulator needs and AWS accepts. */
export function imageBucket(config: AwsClientConfig, bucket: string): ImageBucket {
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  return {
    async put(key, bytes, contentType) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType }));
    },
    async get(key) {
      try {
        const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return answer.Body ? await answer.Body.transformToByteArray() : new Uint8Array();
      } catch (error) {
        if (error instanceof NoSuchKey) return undefined;
        throw error;
      }
    },
    close: () => s3.destroy(),
  };
}
