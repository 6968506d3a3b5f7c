/** `{{ name }}` placeholders: a letter or underscore, then word characters or dots. */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g;

export type TemplateVariables = Record<string, string | number>;

/** A template asked for a variable nobody gave: a bug in the template, not a channel fault. */
export class TemplateRenderError extends Error {
  constructor(readonly missing: string[]) {
    super(`template needs variables it was not given: ${missing.join(', ')}`);
    this.name = 'TemplateRenderError';
  }
}

/**
 * Replaces every `{{variable}}`; a missing one is an error here, at render time, rather than an
 * empty string in a customer's inbox. Text that is not a placeholder is left as it is.
 */
export function renderTemplate(text: string, variables: TemplateVariables): string {
  const missing = new Set<string>();
  const rendered = text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = variables[name];
    if (value === undefined) {
      missing.add(name);
      return whole;
    }
    return String(value);
  });
  if (missing.size > 0) throw new TemplateRenderError([...missing]);
  return rendered;
}
