/**
 * A report as a PDF (pdfkit): title, period, key figures, and tables that break across pages
 * with their header repeated; "Page i of n" in every footer.
 */
import PDFDocument from 'pdfkit';

export interface PdfTable {
  heading: string;
  columns: { header: string; align?: 'left' | 'right' }[];
  /** Cells already formatted for reading. */
  rows: string[][];
  /** Shown under the heading when there are no rows. */
  empty?: string;
}

export interface PdfReport {
  title: string;
  period: string;
  generatedAt: string;
  /** Key figures shown as "label: value" under the title. */
  figures: [string, string][];
  tables: PdfTable[];
}

const MARGIN = 50;
const ROW_H = 16;
const FONT = 8.5;

/** Render `report` to PDF bytes. Landscape when a table has many columns. */
export function renderReportPdf(report: PdfReport): Promise<Buffer> {
  const landscape = report.tables.some((t) => t.columns.length > 8);
  const doc = new PDFDocument({
    size: 'A4',
    layout: landscape ? 'landscape' : 'portrait',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: { Title: report.title, Author: 'Sigmatiq cluster', Subject: report.period },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width - 2 * MARGIN;
  doc.font('Helvetica-Bold').fontSize(18).fillColor('#111').text(report.title, MARGIN, MARGIN);
  doc.moveDown(0.3);
  doc.font('Helvetica').fontSize(10).fillColor('#444').text(`Period: ${report.period}`);
  doc.text(`Generated: ${report.generatedAt}`);
  doc.moveDown(0.6);
  for (const [label, value] of report.figures) {
    doc.font('Helvetica-Bold').fontSize(10).fillColor('#111').text(`${label}: `, { continued: true }).font('Helvetica').text(value);
  }
  for (const table of report.tables) drawTable(doc, table, width);

  // Footers last, when the page count is known.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing inside the bottom margin must not add a page
    doc.font('Helvetica').fontSize(8).fillColor('#666');
    doc.text(`${report.title} — page ${i + 1} of ${range.count}`, MARGIN, doc.page.height - MARGIN + 18, { width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}

/** Drop columns that are empty ('' or '–') in every row: they only take width from the others. */
function withoutEmptyColumns(table: PdfTable): PdfTable {
  const keep = table.columns.map((_, j) => table.rows.some((r) => r[j] !== undefined && r[j] !== '' && r[j] !== '–'));
  return { ...table, columns: table.columns.filter((_, j) => keep[j]), rows: table.rows.map((r) => r.filter((_, j) => keep[j])) };
}

function columnWidths(doc: PDFKit.PDFDocument, table: PdfTable, width: number): number[] {
  doc.font('Helvetica').fontSize(FONT);
  const natural = table.columns.map((c, j) => {
    doc.font('Helvetica-Bold');
    let w = doc.widthOfString(c.header);
    doc.font('Helvetica');
    for (const r of table.rows.slice(0, 200)) w = Math.max(w, doc.widthOfString(r[j] ?? ''));
    return Math.min(w + 10, width * 0.45);
  });
  const total = natural.reduce((a, b) => a + b, 0);
  return natural.map((w) => (w / total) * width);
}

function drawTable(doc: PDFKit.PDFDocument, table: PdfTable, width: number): void {
  const bottom = doc.page.height - MARGIN - 10;
  if (doc.y + 3 * ROW_H + 20 > bottom) doc.addPage();
  doc.moveDown(1);
  doc.font('Helvetica-Bold').fontSize(12).fillColor('#111').text(table.heading, MARGIN, doc.y);
  doc.moveDown(0.3);
  if (table.rows.length === 0) {
    doc.font('Helvetica-Oblique').fontSize(9).fillColor('#555').text(table.empty ?? 'Nothing to show.');
    return;
  }
  table = withoutEmptyColumns(table);
  const widths = columnWidths(doc, table, width);
  let y = doc.y;
  const row = (cells: string[], header: boolean, shade: boolean): void => {
    if (shade || header) doc.rect(MARGIN, y, width, ROW_H).fill(header ? '#dde3ea' : '#f4f6f8');
    doc.font(header ? 'Helvetica-Bold' : 'Helvetica').fontSize(FONT).fillColor('#111');
    let x = MARGIN;
    cells.forEach((cell, j) => {
      doc.text(cell, x + 4, y + 4.5, { width: widths[j]! - 8, align: table.columns[j]!.align ?? 'left', lineBreak: false, ellipsis: true, height: ROW_H });
      x += widths[j]!;
    });
    y += ROW_H;
  };
  const header = table.columns.map((c) => c.header);
  row(header, true, false);
  table.rows.forEach((cells, i) => {
    if (y + ROW_H > bottom) {
      doc.addPage();
      y = MARGIN;
      row(header, true, false);
    }
    row(cells, false, i % 2 === 1);
  });
  doc.x = MARGIN;
  doc.y = y + 4;
}
