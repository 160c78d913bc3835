/**
 * A small accessible bar chart: an SVG with `role="img"` and an `aria-label` that says what it shows
 * (a screen reader reads that, not the bars), a legend, and the same data as a table in a `<details>`.
 * Bars of an earlier period (`previous`) are lighter. A missing value (`null`: nothing to measure) has
 * no bar and shows as "—" in the table.
 *
 * Meant for a few dozen bars (months): every bar has its own `<rect>`.
 */
import { useText } from '../i18n';
import { TableRegion } from './table';

export interface Bar {
  /** Short label under the bar (`nov.`). */
  label: string;
  /** Full label for the table and the bar's tooltip (`novembre 2025`). */
  title: string;
  value: number | null;
  /** The value as shown to people (`12`, `45,3 %`). */
  display: string;
  /** Extra column of the table (`12 / 30`). */
  detail?: string;
  previous?: boolean;
}

const TEXT = {
  fr: {
    data: 'Données du graphique',
    period: 'Période',
    current: 'Période choisie',
    previous: 'Période précédente',
    month: 'Mois',
    value: 'Valeur',
    detail: 'Détail',
  },
  en: {
    data: 'Chart data',
    period: 'Period',
    current: 'Chosen period',
    previous: 'Previous period',
    month: 'Month',
    value: 'Value',
    detail: 'Detail',
  },
};

const WIDTH = 360;
const HEIGHT = 150;
const TOP = 10;
const BOTTOM = 22;
const LEFT = 4;
const RIGHT = 4;

export function BarChart(props: {
  /** What the chart shows, for its accessible name and the table's caption. */
  title: string;
  /** One sentence summarising it (read by screen readers with the title). */
  summary: string;
  bars: Bar[];
  /** Ceiling of the scale (1 for rates); the largest value otherwise. */
  max?: number;
  /** Column name of `detail`. */
  detailLabel?: string;
}) {
  const text = useText(TEXT);
  const { bars } = props;
  const top = Math.max(props.max ?? 0, ...bars.map((bar) => bar.value ?? 0)) || 1;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = (WIDTH - LEFT - RIGHT) / Math.max(bars.length, 1);
  const barWidth = Math.max(2, slot * 0.7);
  // Label every month when there is room, else every 2nd or 3rd one.
  const every = bars.length <= 12 ? 1 : bars.length <= 24 ? 2 : Math.ceil(bars.length / 12);
  const hasPrevious = bars.some((bar) => bar.previous);
  const hasDetail = bars.some((bar) => bar.detail !== undefined);

  return (
    <div class="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${props.title}. ${props.summary}`}
        preserveAspectRatio="xMidYMid meet"
      >
        <line class="axis" x1={LEFT} x2={WIDTH - RIGHT} y1={TOP + plotHeight} y2={TOP + plotHeight} />
        {bars.map((bar, i) => {
          const x = LEFT + i * slot + (slot - barWidth) / 2;
          const h = bar.value === null ? 0 : Math.max(bar.value > 0 ? 1 : 0, (bar.value / top) * plotHeight);
          return (
            <g key={`${bar.title}-${i}`}>
              {bar.value !== null && (
                <rect
                  class={`bar${bar.previous ? ' previous' : ''}`}
                  x={x}
                  y={TOP + plotHeight - h}
                  width={barWidth}
                  height={h}
                >
                  <title>{`${bar.title} : ${bar.display}`}</title>
                </rect>
              )}
              {i % every === 0 && (
                <text x={x + barWidth / 2} y={HEIGHT - 6} text-anchor="middle" aria-hidden="true">
                  {bar.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      {hasPrevious && (
        <p class="legend">
          <span>
            <span class="swatch previous" />
            {text.previous}
          </span>
          <span>
            <span class="swatch" />
            {text.current}
          </span>
        </p>
      )}
      <details class="chart-data">
        <summary>{text.data}</summary>
        <TableRegion label={props.title}>
          <thead>
            <tr>
              <th scope="col">{text.month}</th>
              {hasPrevious && <th scope="col">{text.period}</th>}
              <th scope="col" class="num">
                {text.value}
              </th>
              {hasDetail && (
                <th scope="col" class="num">
                  {props.detailLabel ?? text.detail}
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {bars.map((bar, i) => (
              <tr key={`${bar.title}-${i}`}>
                <td>{bar.title}</td>
                {hasPrevious && <td>{bar.previous ? text.previous : text.current}</td>}
                <td class="num">{bar.display}</td>
                {hasDetail && <td class="num">{bar.detail ?? '—'}</td>}
              </tr>
            ))}
          </tbody>
        </TableRegion>
      </details>
    </div>
  );
}
