import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('the Lambda bundle', () => {
  it('bundles src/lambda.ts on its own: amqplib and the Secrets Manager client, without Express, pg or another AWS client', async () => {
    const result = await build({
      entryPoints: [path.join(import.meta.dirname, 'lambda.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.includes('node_modules/amqplib/'))).toBe(true);
    expect(inputs.filter((input) => /node_modules\/(express|pg)\/|node_modules\/@aws-sdk\/client-(?!secrets-manager)/.test(input))).toEqual([]);
    // RabbitMQ's URL comes from Secrets Manager on AWS.
    expect(inputs.some((input) => input.includes('node_modules/@aws-sdk/client-secrets-manager/'))).toBe(true);
    expect(result.outputFiles[0]!.text).toContain('batchItemFailures');
  });
});
