/**
 * The financing's lines as a table — the financing page (one table per mission, with a subtotal) and the
 * yearly review pack (one table with a mission column) — with the same words for the parts.
 */
import { formatEuros } from '../format';
import { useLang, useText } from '../i18n';
import { TableRegion } from './table';

export interface FinancingLine {
  mission?: string;
  part: string;
  amount: number;
  basis: string;
}

const TEXT = {
  fr: {
    mission: 'Mission',
    part: 'Part',
    amount: 'Montant',
    basis: 'Base de calcul',
    subtotal: 'Sous-total',
    parts: {
      functioning: 'Forfait de fonctionnement',
      topup: 'Majoration exceptionnelle (année 1)',
      fixed: 'Part fixe',
      variable: 'Part variable',
    } as Record<string, string>,
  },
  en: {
    mission: 'Mission',
    part: 'Part',
    amount: 'Amount',
    // The basis is the server's sentence, in French.
    basis: 'Basis (French)',
    subtotal: 'Subtotal',
    parts: {
      functioning: 'Functioning allowance',
      topup: 'Exceptional top-up (year 1)',
      fixed: 'Fixed part',
      variable: 'Variable part',
    } as Record<string, string>,
  },
};

/** A part's name (the financing page's totals name them too). */
export function usePartName(): (part: string) => string {
  const text = useText(TEXT);
  return (part) => text.parts[part] ?? part;
}

export function FinancingLinesTable(props: {
  label: string;
  lines: FinancingLine[];
  /** With a mission column, each line's mission named by it. */
  mission?: (code?: string) => string;
  /** With a subtotal row when there are several lines. */
  subtotal?: boolean;
}) {
  const text = useText(TEXT);
  const lang = useLang();
  const euros = (value: number) => formatEuros(value, lang);
  const { lines, mission } = props;
  return (
    <TableRegion label={props.label} class="financing-lines">
      <thead>
        <tr>
          {mission && <th scope="col">{text.mission}</th>}
          <th scope="col">{text.part}</th>
          <th scope="col" class="num">
            {text.amount}
          </th>
          <th scope="col">{text.basis}</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => (
          <tr key={`${line.mission ?? ''}-${line.part}`}>
            {mission && <td>{mission(line.mission)}</td>}
            <td>{text.parts[line.part] ?? line.part}</td>
            <td class="num">{euros(line.amount)}</td>
            <td lang="fr" class="muted">
              {line.basis.replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, '$3/$2/$1')}
            </td>
          </tr>
        ))}
      </tbody>
      {props.subtotal && lines.length > 1 && (
        <tfoot>
          <tr>
            {mission && <td />}
            <th scope="row">{text.subtotal}</th>
            <td class="num">
              <strong>{euros(lines.reduce((sum, line) => sum + line.amount, 0))}</strong>
            </td>
            <td />
          </tr>
        </tfoot>
      )}
    </TableRegion>
  );
}
