import { clipPayload } from '@zen-watcher/sdk/helpers';
import { boundedCopy } from './canonical-json.js';
import { getFirst, parseAlternatives, type Path } from './path.js';

/** A compiled template: literal text and lookups, in order. */
export type Template = readonly (string | readonly Path[])[];

/**
 * Compiles `"{{labels.alertname}} on {{labels.instance|$root.receiver}}"`. Placeholders are
 * payload paths (with `|` alternatives) and nothing else: there are no expressions, filters or
 * calls, so a template cannot run code. Throws a `SyntaxError` for an unclosed `{{` or a bad path.
 *
 * @example
 * ```ts
 * const t = compileTemplate('{{labels.alertname}} on {{labels.instance}}');
 * renderTemplate(t, { labels: { alertname: 'Down', instance: 'a:9100' } }, undefined); // 'Down on a:9100'
 * ```
 */
export function compileTemplate(source: string): Template {
  const parts: (string | readonly Path[])[] = [];
  let rest = source;
  while (rest.length > 0) {
    const open = rest.indexOf('{{');
    if (open === -1) {
      parts.push(rest);
      break;
    }
    if (open > 0) parts.push(rest.slice(0, open));
    const close = rest.indexOf('}}', open + 2);
    if (close === -1) throw new SyntaxError(`unclosed "{{" in template "${source.slice(0, 80)}"`);
    const alternatives = parseAlternatives(rest.slice(open + 2, close));
    if (alternatives.length === 0) throw new SyntaxError(`empty "{{}}" in template "${source.slice(0, 80)}"`);
    parts.push(alternatives);
    rest = rest.slice(close + 2);
  }
  return parts;
}

/**
 * Text of a payload value: strings as they are, numbers and booleans printed, objects and lists
 * as compact JSON (bounded), nothing for missing values.
 *
 * @example
 * ```ts
 * valueText(3); // '3'
 * valueText(undefined); // ''
 * ```
 */
export function valueText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    return clipPayload(JSON.stringify(boundedCopy(value, { depth: 3, stringChars: 128, arrayItems: 8, objectKeys: 16, totalChars: 512 })), 512);
  }
  return '';
}

// The word or sign that ties a value to the text before it: `X on {{b}}`, `X ({{b}})`, `X: {{b}}`.
const CONNECTOR = String.raw`(?:\b(?:on|in|at|for|by|from|of|to|with|via|and|or)\b|[-–—:|/,@#(\[])`;
const TRAILING = new RegExp(String.raw`\s*${CONNECTOR}\s*$`, 'i');
const LEADING = new RegExp(String.raw`^\s*(?:${CONNECTOR}|[)\]])\s*`, 'i');

/**
 * Renders a compiled template against an item (and the body, for `$root.` paths). A missing
 * value renders as nothing and takes the word or sign that tied it to the text with it, so no
 * word dangles: `{{alertname}} on {{instance}}` without an instance is `KubeJobFailed`, not
 * `KubeJobFailed on`; `{{a}} ({{b}})` without b is `a`; a template that starts with a missing
 * value drops the connector after it. Each value is capped at `maxChars` so one huge field
 * cannot make the result huge.
 *
 * @example
 * ```ts
 * renderTemplate(compileTemplate('{{a}} on {{missing}}'), { a: 1 }, undefined); // '1'
 * renderTemplate(compileTemplate('{{missing}} in {{b}}'), { b: 'shop' }, undefined); // 'shop'
 * ```
 */
export function renderTemplate(template: Template, item: unknown, root: unknown, maxChars = 4096): string {
  let out = '';
  // Set by a missing value: the next literal's leading connector (or closing bracket) goes too.
  let dropLeading = false;
  for (const part of template) {
    if (typeof part === 'string') {
      if (!dropLeading) out += part;
      else {
        const rest = part.replace(LEADING, '');
        out = out.trim() === '' || rest === '' ? out + rest : `${out.trimEnd()} ${rest}`;
        dropLeading = false;
      }
    } else {
      const value = clipPayload(valueText(getFirst(item, part, root)), maxChars);
      if (value !== '') out += value;
      else if (out.trim() === '') dropLeading = true;
      else {
        const tie = TRAILING.exec(out);
        if (tie) {
          out = out.slice(0, tie.index);
          // An opening bracket went: its closing one follows the value.
          dropLeading = /[([]\s*$/.test(tie[0]);
        }
      }
    }
    if (out.length > maxChars) return clipPayload(out, maxChars);
  }
  return out;
}
