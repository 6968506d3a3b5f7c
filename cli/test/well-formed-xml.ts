/**
 * A strict reader of the XML frank writes (JUnit, SVG), for tests: it throws on anything not
 * well-formed (unbalanced or crossed tags, unquoted or duplicate attributes, a raw < or a stray &
 * in text) and returns every element with its attributes and its own text, entities decoded.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  text: string;
  parent: XmlElement | undefined;
}

const TOKEN =
  /<\?xml[^?]*\?>|<!--[\s\S]*?-->|<\/([A-Za-z_][\w.:-]*)\s*>|<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|([^<]+)/y;
const ATTRIBUTE = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const STRAY_AMPERSAND = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;

function decode(text: string, where: string): string {
  if (STRAY_AMPERSAND.test(text)) throw new Error(`stray & in ${where}: ${JSON.stringify(text.slice(0, 80))}`);
  return text
    .replace(/&#x([0-9a-fA-F]+);/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

export function readXml(xml: string): XmlElement[] {
  const elements: XmlElement[] = [];
  const stack: XmlElement[] = [];
  let roots = 0;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < xml.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(xml);
    if (!match) throw new Error(`not well-formed at offset ${at}: ${JSON.stringify(xml.slice(at, at + 60))}`);
    const [whole, closing, opening, attributeText, selfClosing, text] = match;
    if (whole.startsWith('<?xml')) {
      if (at !== 0) throw new Error('the XML declaration must come first');
    } else if (whole.startsWith('<!--')) {
      continue;
    } else if (closing) {
      const open = stack.pop();
      if (open?.name !== closing) throw new Error(`</${closing}> closes <${open?.name ?? 'nothing'}> at offset ${at}`);
    } else if (opening) {
      if (stack.length === 0 && ++roots > 1) throw new Error(`a second root element <${opening}>`);
      const attributes: Record<string, string> = {};
      for (const [, name, double, single] of (attributeText ?? '').matchAll(ATTRIBUTE)) {
        if (name! in attributes) throw new Error(`duplicate attribute ${name} on <${opening}>`);
        attributes[name!] = decode(double ?? single ?? '', `attribute ${name} of <${opening}>`);
      }
      const element: XmlElement = { name: opening, attributes, text: '', parent: stack.at(-1) };
      elements.push(element);
      if (!selfClosing) stack.push(element);
    } else if (text !== undefined) {
      if (stack.length === 0) {
        if (text.trim()) throw new Error(`text outside the root element: ${JSON.stringify(text.slice(0, 40))}`);
      } else {
        stack.at(-1)!.text += decode(text, `the text of <${stack.at(-1)!.name}>`);
      }
    }
  }
  if (stack.length > 0) throw new Error(`<${stack.at(-1)!.name}> is never closed`);
  if (roots !== 1) throw new Error('no root element');
  return elements;
}
