/**
 * A few small SVG chart helpers for the report: stacked bars by category
 * (with horizontal reference lines) and horizontal bars. They return static
 * SVG text: no script, no fonts to fetch, readable printed (the colours have
 * patterns of their own in the legend's order) and scaled to any width by
 * the viewBox. Every bar carries its numbers as data attributes and a
 * <title> (the tooltip, and what a screen reader says), so the chart is the
 * data, not a picture of it.
 */
import { escapeHtml } from './escape';

/** One series of a stacked bar chart: a value per category. */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

/** A horizontal line across a chart (a budget's daily allowance). */
export interface ReferenceLine {
  readonly label: string;
  readonly value: number;
  readonly color: string;
}

export interface StackedBarsOptions {
  /** The chart's id (element id, and prefix of its parts' ids). */
  readonly id: string;
  /** What the chart shows, for screen readers and the tooltip. */
  readonly title: string;
  /** One bar per category (days); shown under the bars, thinned to fit. */
  readonly categories: readonly string[];
  readonly series: readonly Series[];
  readonly lines?: readonly ReferenceLine[];
  /** Unit of the values, in tooltips and on the axis ("min"). */
  readonly unit: string;
  /** Values are counts (runs, jobs): the axis steps by whole numbers. @default false */
  readonly counts?: boolean;
  /** How a category is written under its bar. @default the category itself */
  readonly label?: (category: string) => string;
  /** @default 720 */
  readonly width?: number;
  /** @default 240 */
  readonly height?: number;
}

const num = (n: number) => (Math.round(n * 100) / 100).toString();
const fmt = (n: number) => (Math.round(n * 10) / 10).toLocaleString('en-US', { maximumFractionDigits: 1 });

/** A round maximum for an axis at or above `max`, and its tick step (1, 2 or 5 × 10ⁿ). */
export function niceScale(max: number, ticks = 4): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.25 };
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  return { top: Math.ceil(max / step) * step, step };
}

/** Bars of stacked series per category, with reference lines; an empty chart says it is empty. */
export function stackedBars(options: StackedBarsOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 240;
  const pad = { left: 48, right: 8, top: 10, bottom: 28 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const n = options.categories.length;
  const totals = options.categories.map((_, i) => options.series.reduce((s, series) => s + (series.values[i] ?? 0), 0));
  const lines = options.lines ?? [];
  const scale = niceScale(Math.max(0, ...totals, ...lines.map((l) => l.value)));
  const step = options.counts === true ? Math.max(1, scale.step) : scale.step;
  const top = options.counts === true ? Math.max(step, Math.ceil(scale.top / step) * step) : scale.top;
  const y = (v: number) => pad.top + plotH - (v / top) * plotH;
  const slot = n === 0 ? plotW : plotW / n;
  const barW = Math.max(1, slot * 0.8);
  const label = options.label ?? ((c: string) => c);
  const parts: string[] = [];

  // Grid and axis values.
  for (let v = 0; v <= top + step / 2; v += step) {
    parts.push(
      `<line x1="${pad.left}" x2="${width - pad.right}" y1="${num(y(v))}" y2="${num(y(v))}" class="grid"/>`,
      `<text x="${pad.left - 4}" y="${num(y(v) + 3)}" class="axis" text-anchor="end">${fmt(v)}</text>`,
    );
  }
  // Bars, bottom series first.
  options.categories.forEach((category, i) => {
    let base = 0;
    const x = pad.left + i * slot + (slot - barW) / 2;
    for (const series of options.series) {
      const value = series.values[i] ?? 0;
      if (value <= 0) continue;
      const y0 = y(base + value);
      const h = y(base) - y0;
      parts.push(
        `<rect class="bar" x="${num(x)}" y="${num(y0)}" width="${num(barW)}" height="${num(h)}" fill="${series.color}" ` +
          `data-category="${escapeHtml(category)}" data-series="${escapeHtml(series.name)}" data-value="${value}">` +
          `<title>${escapeHtml(`${category}: ${series.name} ${fmt(value)} ${options.unit}`)}</title></rect>`,
      );
      base += value;
    }
  });
  // Category labels, thinned so they do not overlap (about 44 px each).
  const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plotW / 44))));
  options.categories.forEach((category, i) => {
    if (i % every !== 0) return;
    const x = pad.left + i * slot + slot / 2;
    parts.push(
      `<text x="${num(x)}" y="${height - pad.bottom + 14}" class="axis" text-anchor="middle">${escapeHtml(label(category))}</text>`,
    );
  });
  for (const line of lines) {
    parts.push(
      `<line class="limit" x1="${pad.left}" x2="${width - pad.right}" y1="${num(y(line.value))}" y2="${num(y(line.value))}" ` +
        `stroke="${line.color}" data-label="${escapeHtml(line.label)}" data-value="${line.value}">` +
        `<title>${escapeHtml(`${line.label}: ${fmt(line.value)} ${options.unit}`)}</title></line>`,
      `<text x="${pad.left + 4}" y="${num(y(line.value) - 3)}" class="axis limit-label">${escapeHtml(line.label)}</text>`,
    );
  }
  if (totals.every((t) => t === 0)) {
    parts.push(
      `<text x="${pad.left + plotW / 2}" y="${pad.top + plotH / 2}" class="empty" text-anchor="middle">nothing in this window</text>`,
    );
  }
  return svg(options.id, options.title, width, height, parts);
}

export interface HorizontalBarsOptions {
  readonly id: string;
  readonly title: string;
  readonly items: readonly { readonly label: string; readonly value: number }[];
  readonly unit: string;
  readonly color: string;
  /** @default 720 */
  readonly width?: number;
}

/** One labelled horizontal bar per item, longest scale first as given. */
export function horizontalBars(options: HorizontalBarsOptions): string {
  const width = options.width ?? 720;
  const row = 22;
  const labelW = 220;
  const height = Math.max(1, options.items.length) * row + 8;
  const { top } = niceScale(Math.max(0, ...options.items.map((i) => i.value)));
  const plotW = width - labelW - 60;
  const parts = options.items.map((item, i) => {
    const w = Math.max(1, (item.value / top) * plotW);
    const yTop = 4 + i * row;
    return (
      `<text x="${labelW - 6}" y="${yTop + 14}" class="axis" text-anchor="end">${escapeHtml(clipLabel(item.label))}</text>` +
      `<rect class="bar" x="${labelW}" y="${yTop + 3}" width="${num(w)}" height="${row - 8}" fill="${options.color}" ` +
      `data-category="${escapeHtml(item.label)}" data-value="${item.value}">` +
      `<title>${escapeHtml(`${item.label}: ${fmt(item.value)} ${options.unit}`)}</title></rect>` +
      `<text x="${num(labelW + w + 4)}" y="${yTop + 14}" class="axis">${fmt(item.value)}</text>`
    );
  });
  if (options.items.length === 0) parts.push(`<text x="8" y="18" class="empty">none in this window</text>`);
  return svg(options.id, options.title, width, height, parts);
}

function clipLabel(label: string): string {
  return label.length <= 34 ? label : `${label.slice(0, 33)}…`;
}

function svg(id: string, title: string, width: number, height: number, parts: readonly string[]): string {
  return (
    `<svg id="${escapeHtml(id)}" class="chart" role="img" aria-labelledby="${escapeHtml(id)}-title" ` +
    `viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${escapeHtml(id)}-title">${escapeHtml(title)}</title>${parts.join('')}</svg>`
  );
}
