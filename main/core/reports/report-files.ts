/** A report in the format asked for: its bytes, content type and file extension. */
import type { PaperSize } from '../../../contract/report-api.ts';
import type { Report, ReportFormat } from '../../../contract/reports.ts';
import { reportPdf } from './pdf/report-pdf.ts';
import { reportCsvZip } from './report-csv.ts';
import { MIME } from './saved-reports.ts';

export async function reportBytes(report: Report, format: ReportFormat, paper: PaperSize = 'A4'): Promise<{ bytes: Uint8Array; mimeType: string }> {
  switch (format) {
    case 'json':
      return { bytes: new TextEncoder().encode(`${JSON.stringify(report, null, 2)}\n`), mimeType: MIME.json };
    case 'csv':
      return { bytes: reportCsvZip(report), mimeType: MIME.zip };
    case 'pdf':
      return { bytes: await reportPdf(report, paper), mimeType: MIME.pdf };
  }
}
