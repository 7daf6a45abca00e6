/** Small Markdown helpers for the generated reference tables (docs/configuration.md, docs/quality.md). */

/** A cell's text with the characters that would break a table row escaped. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function code(text: string | number | boolean): string {
  return `\`${String(text)}\``;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** A value as a reader would write it in a settings file: `["ymd_hms","iso8601"]` -> `ymd_hms`, `iso8601`. */
export function valueText(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? code('[]') : value.map((v) => code(typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return code('{}');
    return entries.map(([key, v]) => `${key}: ${innerText(v)}`).join('; ');
  }
  return code(typeof value === 'string' ? value : JSON.stringify(value));
}

/** `{ strategy: 'fill_constant', value: 0 }` -> `fill_constant` (value `0`). */
function innerText(value: unknown): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'strategy' in value) {
    const { strategy, ...rest } = value as Record<string, unknown>;
    const extra = Object.entries(rest).map(([k, v]) => `${k} ${code(JSON.stringify(v))}`);
    return `${code(String(strategy))}${extra.length ? ` (${extra.join(', ')})` : ''}`;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${code(JSON.stringify(v))}`).join(', ')} }`;
  }
  return valueText(value);
}

const BEGIN = (name: string) => `<!-- generated: ${name} (npx tsx ops/docs/update.ts; do not edit by hand) -->`;
const END = (name: string) => `<!-- end generated: ${name} -->`;

/** The text between a block's markers, or undefined when the page has no such block. */
export function readBlock(page: string, name: string): string | undefined {
  const start = page.indexOf(BEGIN(name));
  const end = page.indexOf(END(name));
  if (start < 0 || end < start) return undefined;
  return page.slice(start + BEGIN(name).length, end).replace(/^\n/, '').replace(/\n$/, '');
}

/** The page with the block's content replaced; a page without the markers is an error, never appended to. */
export function writeBlock(page: string, name: string, content: string): string {
  const start = page.indexOf(BEGIN(name));
  const end = page.indexOf(END(name));
  if (start < 0 || end < start) throw new Error(`no block "${name}": add the lines\n${BEGIN(name)}\n${END(name)}\nwhere the table belongs`);
  return `${page.slice(0, start)}${BEGIN(name)}\n${content}\n${page.slice(end)}`;
}

export function blockMarkers(name: string): string {
  return `${BEGIN(name)}\n${END(name)}`;
}
