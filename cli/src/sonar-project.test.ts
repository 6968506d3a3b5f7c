import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from './lab/paths.js';

const properties = Object.fromEntries(
  readFileSync(path.join(REPOSITORY_ROOT, 'sonar-project.properties'), 'utf8')
    .split('\n')
    .filter((line) => /^[a-z]/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

describe('sonar-project.properties', () => {
  it("analyses the CLI and every service's src, and no build output or dependencies", () => {
    const services = readdirSync(path.join(REPOSITORY_ROOT, 'services')).filter((name) => existsSync(path.join(REPOSITORY_ROOT, 'services', name, 'src')));
    expect(properties['sonar.sources']!.split(',').sort()).toEqual(['cli/src', ...services.map((name) => `services/${name}/src`)].sort());
    expect(properties['sonar.exclusions']!.split(',')).toEqual(expect.arrayContaining(['**/node_modules/**', '**/.bundle/**', '**/dist/**']));
    expect(properties['sonar.test.inclusions']).toContain('**/*.test.ts');
  });
});
