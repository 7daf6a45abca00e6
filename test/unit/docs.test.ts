/**
 * The docs stay true to the code: the tables generated from it (ops/docs/generatedBlocks.ts) match,
 * every relative link of README.md and docs/*.md reaches a file (and heading) that exists, every
 * `npm run X` they name is a script of package.json, and the README stays a ten-minute page.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { regeneratePages } from '../../ops/docs/generatedBlocks';
import { REPO_ROOT } from '../../workers/config';

const README = 'README.md';
const PAGES = [README, ...readdirSync(path.join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const read = (page: string) => readFileSync(path.join(REPO_ROOT, page), 'utf8');

/** The page's prose: fenced code blocks and inline code removed, so `[x](y)` inside code is no link. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes; repeats get -1, -2. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const [, heading] of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = heading!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

/** `npm run X`, `npm run --silent X` and the two built-ins `npm start` / `npm test`, as written anywhere on the page. */
function npmScripts(markdown: string): Set<string> {
  const names = new Set<string>();
  for (const [, name] of markdown.matchAll(/\bnpm run(?: --?[a-z-]+)* ([a-z][\w:-]*)/g)) names.add(name!);
  for (const [, name] of markdown.matchAll(/\bnpm (start|test)\b/g)) names.add(name!);
  return names;
}

describe('docs', () => {
  it('the tables generated from the code match it (else run npx tsx ops/docs/update.ts)', () => {
    const stale = regeneratePages().flatMap((update) => update.stale.map((block) => `${update.page}: ${block}`));
    assert.deepEqual(stale, [], `generated blocks differ from the code; run npx tsx ops/docs/update.ts and review the diff`);
  });

  it('every relative link of README.md and docs/*.md reaches an existing file and heading', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const page of PAGES) {
      for (const [, target] of prose(read(page)).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target!)) continue; // http:, https:, mailto:
        checked += 1;
        const [file, anchor] = target!.split('#') as [string, string | undefined];
        const resolved = file === '' ? page : path.join(path.dirname(page), decodeURIComponent(file));
        if (!existsSync(path.join(REPO_ROOT, resolved))) {
          broken.push(`${page}: ${target} (no file ${resolved})`);
          continue;
        }
        if (anchor && !(statSync(path.join(REPO_ROOT, resolved)).isFile() && anchors(read(resolved)).has(anchor))) {
          broken.push(`${page}: ${target} (no heading #${anchor} in ${resolved})`);
        }
      }
    }
    assert.ok(checked > 10, `found ${checked} relative links: is the link pattern still right?`);
    assert.deepEqual(broken, []);
  });

  it('every docs page is linked from the README', () => {
    const linked = new Set([...prose(read(README)).matchAll(/\]\((docs\/[^)#\s]+)/g)].map(([, target]) => target));
    assert.deepEqual(PAGES.filter((p) => p !== README && !linked.has(p)), []);
  });

  it('every npm run command the README and docs name is a script of package.json', () => {
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
    const missing = PAGES.flatMap((page) => [...npmScripts(read(page))].filter((name) => !scripts.includes(name)).map((name) => `${page}: npm run ${name}`));
    assert.ok(npmScripts(read(README)).has('sql'), 'the README names npm run sql: is the command pattern still right?');
    assert.deepEqual(missing, []);
  });

  it('the README stays at most 12 KB', () => {
    const bytes = Buffer.byteLength(read(README));
    assert.ok(bytes <= 12 * 1024, `README.md is ${bytes} bytes; move detail to docs/`);
  });
});
