/** Which of a business date's source files have landed. Cheap: the workflow polls it while waiting. */
import { existsSync } from 'node:fs';
import { SOURCE_NAMES, type SourceName } from '../contracts';
import type { DataLayout } from '../files/layout';

export interface LandingStatus {
  landingDir: string;
  present: SourceName[];
  missing: SourceName[];
}

export async function checkLanding(layout: DataLayout, businessDate: string): Promise<LandingStatus> {
  const present = SOURCE_NAMES.filter((source) => existsSync(layout.landingFile(businessDate, source)));
  return { landingDir: layout.landingDir(businessDate), present, missing: SOURCE_NAMES.filter((source) => !present.includes(source)) };
}
