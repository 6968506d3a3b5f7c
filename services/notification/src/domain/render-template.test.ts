import { describe, expect, it } from 'vitest';
import { renderTemplate, TemplateRenderError } from './render-template.js';

describe('renderTemplate', () => {
  it('replaces every placeholder, with or without spaces inside the braces, as often as it occurs', () => {
    expect(renderTemplate('Hi {{name}}, order {{ orderId }} ({{name}})', { name: 'Ada', orderId: 'o-1' })).toBe('Hi Ada, order o-1 (Ada)');
  });

  it('renders numbers and leaves text without placeholders untouched', () => {
    expect(renderTemplate('{{count}} items', { count: 3 })).toBe('3 items');
    expect(renderTemplate('no {braces} here {{', {})).toBe('no {braces} here {{');
  });

  it('names every missing variable at render time instead of rendering an empty string', () => {
    let error: unknown;
    try {
      renderTemplate('{{a}} {{b}} {{a}} {{c}}', { b: 'x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TemplateRenderError);
    expect((error as TemplateRenderError).missing).toEqual(['a', 'c']);
    expect((error as Error).message).toMatch(/a, c/);
  });

  it('does not treat a value containing braces as a placeholder', () => {
    expect(renderTemplate('{{x}}', { x: '{{y}}' })).toBe('{{y}}');
  });
});
