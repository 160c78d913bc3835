import { ACI_AMOUNT_TABLES } from '../financing/aci-amounts';
import { frDate, frDateTime, frDatesIn, frEuros, frNumber, frPercent } from './french-format';
import type { PackIndicator, YearlyPack } from './yearly-pack';

/**
 * The yearly review pack as a PDF, drawn with pdfkit (server-side: no browser at run time). A4, the
 * standard Helvetica (no font file to ship; it covers French), every page stamped "tel que connu le …"
 * with the CPTS and the page number. French: the pack is for the ARS and the CPAM.
 */

const MARGIN = 48;
const PART_NAMES: Record<string, string> = {
  functioning: 'Forfait de fonctionnement',
  topup: 'Majoration exceptionnelle (année 1)',
  fixed: 'Part fixe',
  variable: 'Part variable',
};

/** The standard fonts encode WinAnsi: characters outside it are written as their nearest reading. */
function printable(text: string): string {
  return text
    .replace(/\u202f/g, '\u00a0')
    .replace(/−/g, '-')
    .replace(/≥/g, '>=')
    .replace(/≤/g, '<=');
}

export function formatFigure(unit: PackIndicator['unit'], value: number | null): string {
  if (value === null) return '—';
  return unit === 'share' ? frPercent(value) : frNumber(value);
}

export async function renderYearlyPackPdf(pack: YearlyPack): Promise<Buffer> {
  // pdfkit and its font metrics load with the first PDF, not with every start of the API and the CLI.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN + 20, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: {
      Title: `Dialogue de gestion — ${pack.name} — année de contrat ${pack.contractYear}`,
      Author: 'Parcours',
    },
    lang: 'fr-FR',
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width - 2 * MARGIN;
  const text = (value: string, options: PDFKit.Mixins.TextOptions = {}) =>
    doc.text(printable(value), options);
  const heading = (title: string) => {
    if (doc.y > doc.page.height - 160) doc.addPage();
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).fillColor('#1a3a5c');
    text(title, { width });
    doc.moveDown(0.3).font('Helvetica').fontSize(9.5).fillColor('black');
  };
  /** One table row: the cells side by side, the row as tall as its tallest cell. */
  const row = (
    cells: Array<{ value: string; width: number; align?: 'left' | 'right'; bold?: boolean; note?: string }>,
  ) => {
    const heights = cells.map((cell) => {
      doc.font(cell.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9.5);
      const main = doc.heightOfString(printable(cell.value), { width: cell.width - 6 });
      doc.fontSize(7.5);
      const note = cell.note ? doc.heightOfString(printable(cell.note), { width: cell.width - 6 }) : 0;
      return main + note;
    });
    const height = Math.max(...heights) + 4;
    if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const top = doc.y;
    let x = MARGIN;
    for (const cell of cells) {
      if (cell.value !== '') {
        doc
          .font(cell.bold ? 'Helvetica-Bold' : 'Helvetica')
          .fontSize(9.5)
          .fillColor('black');
        doc.text(printable(cell.value), x, top, { width: cell.width - 6, align: cell.align ?? 'left' });
        if (cell.note) {
          doc.font('Helvetica').fontSize(7.5).fillColor('#555555');
          doc.text(printable(cell.note), x, doc.y, { width: cell.width - 6 });
        }
      }
      x += cell.width;
    }
    doc.x = MARGIN;
    doc.y = top + height;
    doc
      .moveTo(MARGIN, doc.y - 2)
      .lineTo(MARGIN + width, doc.y - 2)
      .lineWidth(0.3)
      .strokeColor('#cccccc')
      .stroke();
  };

  const year = (p: { from: string; lastDay: string }) => `du ${frDate(p.from)} au ${frDate(p.lastDay)}`;

  // Title.
  doc.font('Helvetica-Bold').fontSize(18).fillColor('#1a3a5c');
  text('Dialogue de gestion ARS – CPAM', { width });
  doc.fontSize(13).fillColor('black');
  text(pack.name, { width });
  doc.font('Helvetica').fontSize(10.5);
  text(`Année de contrat ${pack.contractYear} : ${year(pack.period)}`, { width });
  text(`Année précédente : ${year(pack.previousPeriod)}`, { width });
  text(`Tel que connu le ${frDateTime(pack.knownOn)}`, { width });

  // Financing summary.
  const f = pack.financing;
  heading('Synthèse du financement ACI');
  row([
    { value: 'Total', width: width / 3, bold: true },
    { value: 'Avance', width: width / 3, bold: true },
    { value: 'Solde', width: width / 3, bold: true },
  ]);
  row([
    { value: frEuros(f.total), width: width / 3 },
    { value: frEuros(f.advance), width: width / 3 },
    { value: frEuros(f.balance), width: width / 3 },
  ]);
  const table = ACI_AMOUNT_TABLES.find((t) => t.id === f.amounts);
  text(`Taille ${f.sizeClass} — barème : ${table ? `${table.title} (${f.amounts})` : f.amounts}`, { width });

  // Indicators per mission.
  const labelWidth = width - 180;
  for (const mission of pack.missions) {
    const code = mission.mission ?? 'adhesion';
    heading(`${mission.label.fr} (${code})`);
    const facts: string[] = [];
    if (mission.mission !== null) {
      facts.push(mission.inContract ? 'Mission du contrat' : 'Hors contrat');
      if (mission.startedOn) facts.push(`démarrée le ${frDate(mission.startedOn)}`);
      facts.push(
        mission.achievementRate === null
          ? 'taux d’atteinte : non enregistré'
          : `taux d’atteinte : ${frPercent(mission.achievementRate)}`,
      );
      text(facts.join(' — '), { width });
      doc.moveDown(0.3);
    }
    row([
      { value: 'Indicateur', width: labelWidth, bold: true },
      { value: `Année ${pack.contractYear}`, width: 90, align: 'right', bold: true },
      { value: 'Année précédente', width: 90, align: 'right', bold: true },
    ]);
    for (const indicator of mission.indicators) {
      row([
        { value: indicator.label.fr, width: labelWidth, note: indicator.code },
        { value: formatFigure(indicator.unit, indicator.value), width: 90, align: 'right' },
        { value: formatFigure(indicator.unit, indicator.previous.value), width: 90, align: 'right' },
      ]);
    }
    for (const figure of mission.external) {
      row([
        {
          value: `${figure.label.fr} — chiffre CPAM ${figure.period}`,
          width: labelWidth,
          note: `${figure.code} — source : ${figure.source}`,
        },
        {
          value: figure.unit === 'share' ? frPercent(figure.value) : `${frNumber(figure.value)} ‰`,
          width: 90,
          align: 'right',
        },
        { value: '', width: 90 },
      ]);
    }
  }

  // Financing line by line.
  heading(`Financement ACI, ligne par ligne — année de contrat ${pack.contractYear}`);
  row([
    { value: 'Mission', width: 130, bold: true },
    { value: 'Part', width: 110, bold: true },
    { value: 'Montant', width: 85, align: 'right', bold: true },
    { value: 'Base de calcul', width: width - 325, bold: true },
  ]);
  for (const line of f.lines) {
    row([
      {
        value: line.mission
          ? (pack.missions.find((m) => m.mission === line.mission)?.label.fr ?? line.mission)
          : '—',
        width: 130,
        ...(line.mission ? { note: line.mission } : {}),
      },
      { value: PART_NAMES[line.part] ?? line.part, width: 110, note: line.part },
      { value: frEuros(line.amount), width: 85, align: 'right' },
      { value: frDatesIn(line.basis), width: width - 325 },
    ]);
  }
  row([
    { value: 'Total', width: 240, bold: true },
    { value: frEuros(f.total), width: 85, align: 'right', bold: true },
    { value: '', width: width - 325 },
  ]);

  // Crises and crisis plan.
  heading('Crises sanitaires et plan de crise');
  const plan = pack.crisisPlan;
  text(
    plan.draftedOn
      ? `Plan de crise rédigé le ${frDate(plan.draftedOn)}${plan.updates.length ? `, mis à jour le ${plan.updates.map(frDate).join(', ')}` : ''}.`
      : 'Aucun plan de crise enregistré.',
    { width },
  );
  if (pack.crises.length === 0) text('Aucune crise déclarée pendant l’année.', { width });
  for (const crisis of pack.crises) {
    text(
      `Crise « ${crisis.kind} » déclarée le ${frDate(crisis.declaredOn)}${crisis.endedOn ? `, terminée le ${frDate(crisis.endedOn)}` : ''}.`,
      { width },
    );
  }

  heading('Annexe');
  text(
    'Les événements derrière chaque chiffre (un par ligne, sans donnée d’identité) sont dans l’annexe CSV ' +
      `du même dossier : GET /api/v1/cpts/${pack.cptsId}/reports/yearly/annex.csv?contractYear=${pack.contractYear}` +
      (pack.asOf ? `&asOf=${pack.asOf}` : ''),
    { width },
  );

  // The stamp on every page, in the bottom margin.
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index += 1) {
    doc.switchToPage(index);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(8).fillColor('#444444');
    doc.text(
      printable(
        `Tel que connu le ${frDateTime(pack.knownOn)} — ${pack.name} — année de contrat ${pack.contractYear} — page ${index + 1}/${range.count}`,
      ),
      MARGIN,
      doc.page.height - MARGIN,
      { width, align: 'center', lineBreak: false },
    );
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
