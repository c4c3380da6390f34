export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  notes: string[];
}
export function countReport(report: object): Counts;
export function summarise(files: string[]): Counts;
export function closingLine(counts: Omit<Counts, 'notes'>): string;
