/**
 * The reports' fonts, embedded in every PDF: Arimo (SIL Open Font License, from @fontsource/arimo),
 * whose letters are as wide as Helvetica's. A PDF that only names the standard Helvetica is drawn by
 * a viewer without it in another font at Helvetica's places: poppler on Linux takes DejaVu Sans,
 * whose wider letters ran into the next ("J obs") and past table cells. The Latin files are enough
 * for what the reports write; other characters of user text are replaced (pdf-text.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';

export const FONT = 'Arimo';
export const FONT_BOLD = 'Arimo-Bold';

const require = createRequire(import.meta.url);
const fileOf = (weight: 400 | 700) => require.resolve(`@fontsource/arimo/files/arimo-latin-${weight}-normal.woff`);

let loaded: { regular: Buffer; bold: Buffer; characters: ReadonlySet<number> } | null = null;

function fonts() {
  if (!loaded) {
    const regular = readFileSync(fileOf(400));
    const bold = readFileSync(fileOf(700));
    const setOf = (b: Buffer) => new Set((fontkit.create(b) as fontkit.Font).characterSet);
    const inBold = setOf(bold);
    loaded = { regular, bold, characters: new Set([...setOf(regular)].filter((c) => inBold.has(c))) };
  }
  return loaded;
}

/** Registers FONT and FONT_BOLD with a document. */
export function registerReportFonts(doc: PDFKit.PDFDocument): void {
  const { regular, bold } = fonts();
  doc.registerFont(FONT, regular);
  doc.registerFont(FONT_BOLD, bold);
}

/** Whether both weights have a glyph for the code point. */
export function fontHas(codePoint: number): boolean {
  return fonts().characters.has(codePoint);
}
