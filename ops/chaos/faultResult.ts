/** What each fault reports to the runner: survived or not, rows lost against the reference, why. */
export interface FaultResult {
  fault: string;
  survived: boolean;
  rowsLost: number;
  detail: string;
}

export type Fault = () => Promise<FaultResult>;
