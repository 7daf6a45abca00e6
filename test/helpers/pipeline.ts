/** A data folder with a generated day of exports, and configuration pointing at it. */
import { generateDailyExport, type GeneratedExport } from '../../ops/generate/sampleData';
import { DEFAULT_QUALITY_THRESHOLDS, type PipelineSettings } from '../../domain/settings/index';
import { DataLayout } from '../../domain/layout';
import { loadEnvironment } from '../../workers/environments';
import { tempDir } from './tempDirs';

export interface TestDataDir {
  settings: PipelineSettings;
  layout: DataLayout;
  generate(businessDate: string, orders?: number, defectRate?: number): Promise<GeneratedExport>;
}

export function testDataDir(): TestDataDir {
  const dataDir = tempDir('data');
  const layout = new DataLayout(dataDir);
  return {
    settings: { ...loadEnvironment('test'), dataDir, quality: { ...DEFAULT_QUALITY_THRESHOLDS } },
    layout,
    generate: (businessDate, orders = 200, defectRate = 0.005) =>
      generateDailyExport({ businessDate, orders, seed: 7, defectRate, outDir: layout.landingDir(businessDate) }),
  };
}
