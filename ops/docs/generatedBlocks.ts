/**
 * Which generated block lives on which docs page, and what generates it. `npx tsx ops/docs/update.ts`
 * rewrites them; test/unit/docs.test.ts fails when a page differs from what the code generates.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../workers/config';
import { businessRulesTable, settingsFilesTable, toolVariablesTable, workerVariablesTable } from './configurationTables';
import { readBlock, writeBlock } from './markdown';
import { builtinChecksTable, checkKindsTable } from './qualityTables';

export interface GeneratedBlock {
  /** The page, relative to the repository. */
  page: string;
  name: string;
  generate(): string;
}

export const GENERATED_BLOCKS: readonly GeneratedBlock[] = [
  { page: 'docs/configuration.md', name: 'worker-variables', generate: workerVariablesTable },
  { page: 'docs/configuration.md', name: 'tool-variables', generate: toolVariablesTable },
  { page: 'docs/configuration.md', name: 'settings-files', generate: settingsFilesTable },
  { page: 'docs/configuration.md', name: 'business-rules', generate: businessRulesTable },
  { page: 'docs/quality.md', name: 'check-kinds', generate: checkKindsTable },
  { page: 'docs/quality.md', name: 'builtin-checks', generate: builtinChecksTable },
];

export interface PageUpdate {
  page: string;
  current: string;
  generated: string;
  /** Blocks whose text on the page differs from what the code generates. */
  stale: string[];
}

/** Every page with its blocks regenerated; reads only. */
export function regeneratePages(root = REPO_ROOT): PageUpdate[] {
  const pages = [...new Set(GENERATED_BLOCKS.map((b) => b.page))];
  return pages.map((page) => {
    const current = readFileSync(path.join(root, page), 'utf8');
    let generated = current;
    const stale: string[] = [];
    for (const block of GENERATED_BLOCKS.filter((b) => b.page === page)) {
      const content = block.generate();
      if (readBlock(current, block.name) !== content) stale.push(block.name);
      generated = writeBlock(generated, block.name, content);
    }
    return { page, current, generated, stale };
  });
}
