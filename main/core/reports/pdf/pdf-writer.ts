/**
 * A flowing PDF page layout over pdfkit: headings, paragraphs, key figures, tables that break
 * across pages with their header repeated, and room for charts — each block moves to a new page
 * when it would not fit. Page numbers are written last, when the page count is known.
 */
import PDFDocument from 'pdfkit';
import { FONT, FONT_BOLD, registerReportFonts } from './pdf-fonts.ts';
import { pdfText } from './pdf-text.ts';

export type PaperSize = 'A4' | 'LETTER';

export const MARGIN = 48;
const FOOTER = 24;
export const INK = '#1a1d23';
export const MUTED = '#5b6270';
export const RULE = '#d6d9de';

export interface PdfColumn<Row> {
  header: string;
  /** Relative width; columns share the page width in proportion. */
  width: number;
  align?: 'left' | 'right';
  cell: (row: Row) => string;
}

export class PdfWriter {
  readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;

  constructor(options: { size: PaperSize; title: string; subject: string }) {
    this.doc = new PDFDocument({
      size: options.size,
      margins: { top: MARGIN, bottom: MARGIN + FOOTER, left: MARGIN, right: MARGIN },
      bufferPages: true,
      info: { Title: pdfText(options.title), Author: 'Sigmatiq Admin Jobs', Subject: pdfText(options.subject) },
    });
    registerReportFonts(this.doc);
    this.doc.font(FONT);
    this.doc.on('data', (c: Buffer) => this.chunks.push(c));
    this.done = new Promise((resolve, reject) => {
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
  }

  get width(): number {
    return this.doc.page.width - 2 * MARGIN;
  }

  private get bottom(): number {
    return this.doc.page.height - MARGIN - FOOTER;
  }

  /** Start a new page unless `height` points still fit on this one. */
  ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  newPage(): void {
    this.doc.addPage();
  }

  title(text: string, sub: string): void {
    this.doc.font(FONT_BOLD).fontSize(24).fillColor(INK).text(pdfText(text), MARGIN, MARGIN + 40, { width: this.width });
    this.doc.moveDown(0.3).font(FONT).fontSize(13).fillColor(MUTED).text(pdfText(sub), { width: this.width });
    this.doc.moveDown(1.2);
  }

  heading(text: string): void {
    this.ensure(60);
    this.doc.moveDown(0.6).font(FONT_BOLD).fontSize(13).fillColor(INK).text(pdfText(text), MARGIN, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3);
  }

  paragraph(text: string, options: { size?: number; color?: string } = {}): void {
    this.doc.font(FONT).fontSize(options.size ?? 9.5).fillColor(options.color ?? INK);
    this.ensure(this.doc.heightOfString(pdfText(text), { width: this.width }) + 4);
    this.doc.text(pdfText(text), MARGIN, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3);
  }

  /** Label–value pairs in a grid of `perRow` cells (the report's key figures). */
  figures(pairs: readonly [string, string][], perRow = 4): void {
    const cellW = this.width / perRow;
    const rowH = 38;
    for (let i = 0; i < pairs.length; i += perRow) {
      this.ensure(rowH);
      const y = this.doc.y;
      pairs.slice(i, i + perRow).forEach(([label, value], j) => {
        const x = MARGIN + j * cellW;
        this.doc.font(FONT).fontSize(8).fillColor(MUTED).text(pdfText(label), x, y, { width: cellW - 8, lineBreak: false });
        this.doc.font(FONT_BOLD).fontSize(15).fillColor(INK).text(pdfText(value), x, y + 11, { width: cellW - 8, lineBreak: false });
      });
      this.doc.x = MARGIN;
      this.doc.y = y + rowH;
    }
  }

  /** Text cut with an ellipsis to fit `width` at the current font. */
  fit(text: string, width: number): string {
    const t = pdfText(text);
    if (this.doc.widthOfString(t) <= width) return t;
    let lo = 0;
    let hi = t.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.doc.widthOfString(`${t.slice(0, mid)}…`) <= width) lo = mid;
      else hi = mid - 1;
    }
    return `${t.slice(0, lo)}…`;
  }

  table<Row>(columns: readonly PdfColumn<Row>[], rows: readonly Row[], options: { empty: string; fontSize?: number } = { empty: 'Nothing in this period.' }): void {
    const size = options.fontSize ?? 8;
    const rowH = size + 6;
    if (rows.length === 0) {
      this.paragraph(options.empty, { color: MUTED });
      return;
    }
    const total = columns.reduce((s, c) => s + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    const header = () => {
      this.ensure(rowH * 2);
      const y = this.doc.y;
      this.doc.font(FONT_BOLD).fontSize(size).fillColor(MUTED);
      let x = MARGIN;
      columns.forEach((c, i) => {
        this.doc.text(this.fit(c.header, widths[i]! - 6), x + 3, y + 2, { width: widths[i]! - 6, align: c.align ?? 'left', lineBreak: false });
        x += widths[i]!;
      });
      this.doc.moveTo(MARGIN, y + rowH).lineTo(MARGIN + this.width, y + rowH).lineWidth(0.6).strokeColor(RULE).stroke();
      this.doc.y = y + rowH + 1;
    };
    header();
    rows.forEach((row, r) => {
      if (this.doc.y + rowH > this.bottom) {
        this.doc.addPage();
        header();
      }
      const y = this.doc.y;
      if (r % 2 === 1) this.doc.rect(MARGIN, y, this.width, rowH).fill('#f4f5f7');
      this.doc.font(FONT).fontSize(size).fillColor(INK);
      let x = MARGIN;
      columns.forEach((c, i) => {
        this.doc.text(this.fit(c.cell(row), widths[i]! - 6), x + 3, y + 3, { width: widths[i]! - 6, align: c.align ?? 'left', lineBreak: false });
        x += widths[i]!;
      });
      this.doc.x = MARGIN;
      this.doc.y = y + rowH;
    });
    this.doc.moveDown(0.6);
  }

  /** Footer on every page: the report's name and "Page i of n". */
  private footers(label: string): void {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      const bottomMargin = this.doc.page.margins.bottom;
      this.doc.page.margins.bottom = 0;
      const y = this.doc.page.height - MARGIN;
      this.doc.font(FONT).fontSize(8).fillColor(MUTED);
      this.doc.text(pdfText(label), MARGIN, y, { width: this.width / 2, lineBreak: false });
      this.doc.text(`Page ${i + 1 - range.start} of ${range.count}`, MARGIN + this.width / 2, y, { width: this.width / 2, align: 'right', lineBreak: false });
      this.doc.page.margins.bottom = bottomMargin;
    }
  }

  async finish(footerLabel: string): Promise<Buffer> {
    this.footers(footerLabel);
    this.doc.end();
    return this.done;
  }
}
