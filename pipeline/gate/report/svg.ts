/**
 * Inline SVG charts for the HTML report: drawn here rather than by a charting library so the page is
 * one file that renders without scripts or network, in a browser, a mail client or a CI artifact.
 * Values are "observed / threshold", so checks of different units share an axis: 1 is the threshold.
 */
import type { Outcome } from '../checks';

export const OUTCOME_COLOR: Record<Outcome, string> = { pass: '#2e7d32', warn: '#ed6c02', fail: '#c62828' };
const SERIES_COLORS = ['#1565c0', '#6a1b9a', '#00838f', '#ad1457', '#4e342e', '#558b2f', '#ef6c00', '#37474f', '#c0ca33', '#5d4037'];
/** Lines one trend chart can tell apart. */
export const MAX_SERIES = SERIES_COLORS.length;
const MAX_RATIO = 2;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** observed / threshold, capped; a zero threshold makes any observation a full bar. */
export function ratioToThreshold(observed: number, threshold: number): number {
  if (threshold > 0) return Math.min(MAX_RATIO, Math.max(0, observed / threshold));
  return observed > 0 ? MAX_RATIO : 0;
}

export interface Bar {
  label: string;
  ratio: number;
  outcome: Outcome;
  valueText: string;
}

export function barChart(bars: readonly Bar[]): string {
  const labelWidth = 230, plotWidth = 250, valueWidth = 110, row = 22, top = 18;
  const width = labelWidth + plotWidth + valueWidth;
  const height = top + bars.length * row + 6;
  const x = (ratio: number) => labelWidth + (ratio / MAX_RATIO) * plotWidth;
  const rows = bars.map((bar, i) => {
    const y = top + i * row;
    return [
      `<text x="${labelWidth - 6}" y="${y + 15}" text-anchor="end" class="label">${escapeXml(truncate(bar.label, 34))}<title>${escapeXml(bar.label)}</title></text>`,
      `<rect x="${labelWidth}" y="${y + 4}" width="${Math.max(1.5, x(bar.ratio) - labelWidth).toFixed(1)}" height="${row - 8}" fill="${OUTCOME_COLOR[bar.outcome]}" rx="2"><title>${escapeXml(`${bar.label}: ${bar.valueText} (${bar.outcome})`)}</title></rect>`,
      `<text x="${labelWidth + plotWidth + 8}" y="${y + 15}" class="value">${escapeXml(bar.valueText)}</text>`,
    ].join('');
  });
  return svg(width, height, [
    `<text x="${labelWidth}" y="11" class="axis">0</text>`,
    `<text x="${x(1)}" y="11" text-anchor="middle" class="axis">threshold</text>`,
    `<text x="${x(MAX_RATIO)}" y="11" text-anchor="end" class="axis">2×</text>`,
    ...rows,
    `<line x1="${x(1)}" y1="${top}" x2="${x(1)}" y2="${height - 4}" class="threshold"/>`,
  ]);
}

export interface Series {
  label: string;
  /** One value per run, oldest first; null where the check did not run. */
  values: (number | null)[];
}

/** Trend lines of observed / threshold per run, the threshold dashed at 1. */
export function trendChart(series: readonly Series[], runLabels: readonly string[]): string {
  const left = 34, right = 12, top = 10, plotHeight = 150, width = 590;
  const shown = series.slice(0, SERIES_COLORS.length);
  const legendRows = Math.ceil(shown.length / 2);
  const height = top + plotHeight + 24 + legendRows * 16;
  const plotWidth = width - left - right;
  const step = runLabels.length > 1 ? plotWidth / (runLabels.length - 1) : 0;
  const x = (i: number) => left + (runLabels.length > 1 ? i * step : plotWidth / 2);
  const y = (ratio: number) => top + plotHeight - (ratio / MAX_RATIO) * plotHeight;
  const parts = [
    `<line x1="${left}" y1="${top + plotHeight}" x2="${width - right}" y2="${top + plotHeight}" class="axisline"/>`,
    `<line x1="${left}" y1="${y(1)}" x2="${width - right}" y2="${y(1)}" class="threshold"/>`,
    `<text x="${left - 4}" y="${y(1) + 4}" text-anchor="end" class="axis">1×</text>`,
    `<text x="${left - 4}" y="${y(MAX_RATIO) + 8}" text-anchor="end" class="axis">2×</text>`,
    `<text x="${left - 4}" y="${top + plotHeight}" text-anchor="end" class="axis">0</text>`,
  ];
  if (runLabels.length > 0) {
    parts.push(`<text x="${x(0)}" y="${top + plotHeight + 14}" class="axis">${escapeXml(runLabels[0])}</text>`);
    if (runLabels.length > 1) parts.push(`<text x="${x(runLabels.length - 1)}" y="${top + plotHeight + 14}" text-anchor="end" class="axis">${escapeXml(runLabels[runLabels.length - 1])}</text>`);
  }
  shown.forEach((s, k) => {
    const color = SERIES_COLORS[k];
    const points = s.values.map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`)).filter((p): p is string => p !== null);
    if (points.length > 1) parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="2"><title>${escapeXml(s.label)}</title></polyline>`);
    const last = points[points.length - 1];
    if (last) parts.push(`<circle cx="${last.split(',')[0]}" cy="${last.split(',')[1]}" r="3" fill="${color}"/>`);
    const lx = left + (k % 2) * (plotWidth / 2), ly = top + plotHeight + 32 + Math.floor(k / 2) * 16;
    parts.push(`<rect x="${lx}" y="${ly - 8}" width="10" height="3" fill="${color}"/><text x="${lx + 14}" y="${ly - 3}" class="legend">${escapeXml(truncate(s.label, 40))}</text>`);
  });
  return svg(width, height, parts);
}

/** A small line of a check's raw observed values, its threshold dashed, the latest point by outcome. */
export function sparkline(values: readonly number[], threshold: number, lastOutcome: Outcome): string {
  const width = 130, height = 30, pad = 3;
  const max = Math.max(threshold, ...values) * 1.1 || 1;
  const x = (i: number) => pad + (values.length > 1 ? (i * (width - 2 * pad)) / (values.length - 1) : (width - 2 * pad) / 2);
  const y = (v: number) => height - pad - (v / max) * (height - 2 * pad);
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  const last = values.length - 1;
  return svg(width, height, [
    `<line x1="${pad}" y1="${y(threshold).toFixed(1)}" x2="${width - pad}" y2="${y(threshold).toFixed(1)}" class="threshold"/>`,
    values.length > 1 ? `<polyline points="${points.join(' ')}" fill="none" stroke="#455a64" stroke-width="1.5"/>` : '',
    last >= 0 ? `<circle cx="${x(last).toFixed(1)}" cy="${y(values[last]).toFixed(1)}" r="3" fill="${OUTCOME_COLOR[lastOutcome]}"/>` : '',
  ]);
}

function svg(width: number, height: number, parts: readonly string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">${parts.join('')}</svg>`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
