/**
 * Text and attribute values for XML (JUnit, SVG): the five special characters as entities, and
 * the control characters XML 1.0 forbids (a stray one in an error message would break the file)
 * dropped.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
