/** Which of a business date's source files have landed. Cheap: the workflow polls it while waiting. */
import { CONTRACTS, SOURCE_NAMES, type SourceName } from '../../domain/contracts';
import type { DataLayout } from '../../domain/layout';

export interface LandingStatus {
  landingDir: string;
  present: SourceName[];
  missing: SourceName[];
}

export async function checkLanding(layout: DataLayout, businessDate: string): Promise<LandingStatus> {
  // One listing of the day's folder (one request on S3), not a look-up per file.
  const landed = new Set(await layout.storage.list(layout.landingDir(businessDate)));
  const present = SOURCE_NAMES.filter((source) => landed.has(CONTRACTS[source].fileName));
  return { landingDir: layout.landingDir(businessDate), present, missing: SOURCE_NAMES.filter((source) => !present.includes(source)) };
}
