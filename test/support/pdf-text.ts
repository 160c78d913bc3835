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
