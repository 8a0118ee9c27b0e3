/**
 * Vector charts drawn with pdfkit paths: bars (grouped or stacked) and lines over categories, with
 * a value axis on round numbers, category labels thinned so they never overlap, and a legend.
 * A chart with nothing to show is replaced by a sentence saying so.
 */
import { FONT, FONT_BOLD } from './pdf-fonts.ts';
import { pdfText } from './pdf-text.ts';
import { INK, MARGIN, MUTED, RULE, type PdfWriter } from './pdf-writer.ts';

export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

export interface ChartSeries {
  name: string;
  color?: string;
  values: readonly (number | null)[];
}

export interface ChartOptions {
  title: string;
  categories: readonly string[];
  series: readonly ChartSeries[];
  height?: number;
  format?: (value: number) => string;
  /** What to say when every value is zero or missing. */
  empty: string;
}

/** The smallest of 1, 2, 2.5, 5 × 10^k at or above `v`. */
export function niceCeiling(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

interface Frame {
  x: number;
  y: number;
  w: number;
  h: number;
  max: number;
}

function hasData(series: readonly ChartSeries[]): boolean {
  return series.some((s) => s.values.some((v) => v !== null && v !== 0));
}

function frame(writer: PdfWriter, o: ChartOptions, max: number): Frame {
  const doc = writer.doc;
  const height = o.height ?? 170;
  writer.ensure(height + 40);
  doc.font(FONT_BOLD).fontSize(10).fillColor(INK).text(pdfText(o.title), MARGIN, doc.y, { width: writer.width });
  const top = doc.y + 4;
  const format = o.format ?? ((v: number) => v.toLocaleString('en-US'));
  const ticks = 4;
  doc.font(FONT).fontSize(7);
  const axisW = Math.max(...Array.from({ length: ticks + 1 }, (_, i) => doc.widthOfString(pdfText(format((max / ticks) * i))))) + 6;
  const f: Frame = { x: MARGIN + axisW, y: top, w: writer.width - axisW, h: height - 34, max };
  for (let i = 0; i <= ticks; i++) {
    const y = f.y + f.h - (f.h * i) / ticks;
    doc.moveTo(f.x, y).lineTo(f.x + f.w, y).lineWidth(0.4).strokeColor(RULE).stroke();
    doc.fillColor(MUTED).text(pdfText(format((max / ticks) * i)), MARGIN, y - 3, { width: axisW - 4, align: 'right', lineBreak: false });
  }
  // Category labels, every k-th so that none overlaps its neighbour.
  const slot = f.w / Math.max(1, o.categories.length);
  const widest = Math.max(...o.categories.map((c) => doc.widthOfString(pdfText(c))));
  const every = Math.max(1, Math.ceil((widest + 6) / slot));
  o.categories.forEach((c, i) => {
    if (i % every !== 0) return;
    doc.fillColor(MUTED).text(pdfText(c), f.x + i * slot + slot / 2 - (widest + 6) / 2, f.y + f.h + 3, { width: widest + 6, align: 'center', lineBreak: false });
  });
  // Legend.
  let lx = f.x;
  const ly = f.y + f.h + 15;
  o.series.forEach((s, i) => {
    doc.rect(lx, ly + 1, 7, 7).fill(s.color ?? PALETTE[i % PALETTE.length]!);
    doc.fillColor(INK).text(pdfText(s.name), lx + 10, ly, { lineBreak: false });
    lx += 10 + doc.widthOfString(pdfText(s.name)) + 14;
  });
  return f;
}

/** Continue below the chart: under its legend, whatever the labels did to the text cursor. */
function finish(writer: PdfWriter, f: Frame): void {
  writer.doc.x = MARGIN;
  writer.doc.y = f.y + f.h + 34;
}

export function barChart(writer: PdfWriter, o: ChartOptions & { stacked?: boolean }): void {
  if (!hasData(o.series)) {
    writer.paragraph(`${o.title}: ${o.empty}`, { color: MUTED });
    return;
  }
  const totals = o.categories.map((_, i) =>
    o.stacked ? o.series.reduce((s, se) => s + (se.values[i] ?? 0), 0) : Math.max(...o.series.map((se) => se.values[i] ?? 0)),
  );
  const f = frame(writer, o, niceCeiling(Math.max(...totals)));
  const doc = writer.doc;
  const slot = f.w / o.categories.length;
  const groupW = slot * 0.72;
  o.categories.forEach((_, i) => {
    let base = 0;
    o.series.forEach((s, j) => {
      const v = s.values[i] ?? 0;
      if (v <= 0) return;
      const h = (v / f.max) * f.h;
      const color = s.color ?? PALETTE[j % PALETTE.length]!;
      if (o.stacked) {
        doc.rect(f.x + i * slot + (slot - groupW) / 2, f.y + f.h - base - h, groupW, h).fill(color);
        base += h;
      } else {
        const w = groupW / o.series.length;
        doc.rect(f.x + i * slot + (slot - groupW) / 2 + j * w, f.y + f.h - h, Math.max(0.5, w - 0.5), h).fill(color);
      }
    });
  });
  finish(writer, f);
}

export function lineChart(writer: PdfWriter, o: ChartOptions & { maxValue?: number }): void {
  if (!hasData(o.series)) {
    writer.paragraph(`${o.title}: ${o.empty}`, { color: MUTED });
    return;
  }
  const max = o.maxValue ?? niceCeiling(Math.max(...o.series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  const f = frame(writer, o, max);
  const doc = writer.doc;
  const slot = f.w / o.categories.length;
  o.series.forEach((s, j) => {
    const color = s.color ?? PALETTE[j % PALETTE.length]!;
    let drawing = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        drawing = false;
        return;
      }
      const x = f.x + i * slot + slot / 2;
      const y = f.y + f.h - (Math.min(v, f.max) / f.max) * f.h;
      if (drawing) doc.lineTo(x, y);
      else doc.moveTo(x, y);
      drawing = true;
    });
    doc.lineWidth(1.4).strokeColor(color).stroke();
    // Points, so a series of single values between gaps still shows.
    s.values.forEach((v, i) => {
      if (v === null) return;
      doc.circle(f.x + i * slot + slot / 2, f.y + f.h - (Math.min(v, f.max) / f.max) * f.h, 1.6).fill(color);
    });
  });
  finish(writer, f);
}
