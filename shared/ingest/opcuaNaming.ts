/**
 * Which equipment and which reading an OPC UA variable feeds, from its node id. A naming
 * template such as `{equipment}.{reading}` (the default) or `{line}/{equipment}/{reading}`
 * is matched against the node id's identifier (`press-1.temperature` in
 * `ns=1;s=press-1.temperature`); an item may also name its equipment and reading itself.
 *
 * Two placeholders must be separated by literal text, and each placeholder stops at the
 * first character of the text after it: matching is then one pass, whatever the operator
 * types (no regular expression written by a user ever runs). Pure.
 */
import { IngestConfigError } from './errors';

export const DEFAULT_NAMING_TEMPLATE = '{equipment}.{reading}';
const PLACEHOLDERS = ['line', 'equipment', 'reading'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

type Part = { readonly literal: string } | { readonly name: Placeholder };

export interface NamingTemplate {
  readonly template: string;
  /** The parts the identifier holds, or null when the template does not fit it. */
  match(identifier: string): Partial<Record<Placeholder, string>> | null;
}

/** Compiles a naming template or throws naming `field` and the fault. */
export function compileNaming(template: string, field: string): NamingTemplate {
  const parts: Part[] = [];
  const pattern = /\{([^{}]*)\}/g;
  let at = 0;
  for (let found = pattern.exec(template); found !== null; found = pattern.exec(template)) {
    if (found.index > at) parts.push({ literal: template.slice(at, found.index) });
    const name = found[1] as Placeholder;
    if (!PLACEHOLDERS.includes(name)) throw new IngestConfigError(field, `{${found[1]}} is not a placeholder (use {line}, {equipment} and {reading})`);
    if (parts.some((part) => 'name' in part && part.name === name)) throw new IngestConfigError(field, `{${name}} appears twice`);
    if (parts.length > 0 && 'name' in parts[parts.length - 1]!) throw new IngestConfigError(field, 'two placeholders must be separated by some text');
    parts.push({ name });
    at = found.index + found[0].length;
  }
  if (at < template.length) parts.push({ literal: template.slice(at) });
  if (/[{}]/.test(parts.map((part) => ('literal' in part ? part.literal : '')).join(''))) throw new IngestConfigError(field, 'has an unclosed { or a stray }');
  if (!parts.some((part) => 'name' in part && part.name === 'equipment')) throw new IngestConfigError(field, 'must hold {equipment}');
  return { template, match: (identifier) => matchParts(parts, identifier) };
}

function matchParts(parts: readonly Part[], identifier: string): Partial<Record<Placeholder, string>> | null {
  const out: Partial<Record<Placeholder, string>> = {};
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if ('literal' in part) {
      if (!identifier.startsWith(part.literal, at)) return null;
      at += part.literal.length;
      continue;
    }
    const next = parts[i + 1];
    // The last placeholder takes the rest; another stops where the following text begins.
    const end = next === undefined ? identifier.length : identifier.indexOf((next as { literal: string }).literal, at);
    if (end <= at) return null;
    out[part.name] = identifier.slice(at, end);
    at = end;
  }
  return at === identifier.length ? out : null;
}

/** The identifier part of a node id in its text form (`ns=1;s=press-1.temp` → `press-1.temp`). */
export function nodeIdentifier(nodeId: string): string {
  const found = /(?:^|;)(?:s|i|g|b)=(.*)$/s.exec(nodeId);
  return found ? found[1]! : nodeId;
}
