/**
 * The text of a PDF, page by page, as pdf.js reads it (through pdf-parse). pdf.js loads its worker by a
 * dynamic import, which jest's module sandbox refuses, so the reading runs in a plain Node process.
 */
import { spawnSync } from 'node:child_process';
import { ROOT } from './api-process';

const READER = `
const { PDFParse } = require('pdf-parse');
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', async () => {
  const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
  const result = await parser.getText();
  await parser.destroy();
  process.stdout.write(JSON.stringify(result.pages.map((page) => page.text)));
});
`;

/** pdf.js gives no-break spaces and line breaks where the page has them: compared as plain spaces. */
export const plain = (text: string) => text.replace(/[\u00a0\u202f\s]+/g, ' ');

export function pdfText(bytes: Buffer): { text: string; pages: string[] } {
  const run = spawnSync(process.execPath, ['-e', READER], { cwd: ROOT, input: bytes, maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`reading the PDF failed: ${run.stderr.toString()}`);
  const pages = (JSON.parse(run.stdout.toString()) as string[]).map(plain);
  return { text: pages.join(' '), pages };
}

/** How the yearly pack prints a figure (counts grouped by thousands, shares as a percentage to 0.1). */
export function packFigure(unit: 'share' | 'number', value: number | null): string {
  if (value === null) return '—';
  if (unit === 'share') return `${(Math.round(value * 1000) / 10).toFixed(1).replace('.', ',')} %`;
  return String(value)
    .replace('.', ',')
    .replace(/^\d+/, (whole) => whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' '));
}

/** How the yearly pack prints an amount: "12 345,60 €". */
export function packEuros(amount: number): string {
  return `${amount
    .toFixed(2)
    .replace('.', ',')
    .replace(/^\d+/, (whole) => whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' '))} €`;
}
