/**
 * The CPAM's yearly figures of the accès-aux-soins mission (`external` of `GET …/indicators`), shown
 * beside the figures Parcours computes, marked as external: computed by the Assurance Maladie from its
 * own data, recorded in Parcours as they were sent.
 */
import { formatNumber, formatPercent } from '../format';
import { type Lang, useText } from '../i18n';

export interface ExternalFigure {
  code: string;
  period: string;
  value: number;
  unit: 'share' | 'per-1000';
  direction: 'increasing' | 'decreasing';
  label: { fr: string; en: string };
  source: string;
}

const TEXT = {
  fr: {
    title: 'Chiffres de l’Assurance Maladie',
    intro:
      'Indicateurs nationaux que seule l’Assurance Maladie peut calculer, transmis chaque année par la CPAM et enregistrés tels quels : ce ne sont pas des chiffres calculés par Parcours.',
    badge: 'Externe',
    year: (year: string) => `Année ${year}`,
    source: (source: string) => `Source : ${source}`,
    per1000: 'pour 1 000 habitants',
    increasing: 'Objectif : à la hausse',
    decreasing: 'Objectif : à la baisse',
  },
  en: {
    title: 'Assurance Maladie figures',
    intro:
      'National indicators only the Assurance Maladie can compute, sent each year by the CPAM and recorded as sent: they are not computed by Parcours.',
    badge: 'External',
    year: (year: string) => `Year ${year}`,
    source: (source: string) => `Source: ${source}`,
    per1000: 'per 1,000 inhabitants',
    increasing: 'Goal: upwards',
    decreasing: 'Goal: downwards',
  },
};

export function ExternalFigures({ figures, lang }: { figures: ExternalFigure[]; lang: Lang }) {
  const text = useText(TEXT);
  if (figures.length === 0) return null;
  return (
    <section class="external-figures" aria-labelledby="external-figures">
      <h3 id="external-figures">
        {text.title} <span class="badge">{text.badge}</span>
      </h3>
      <p class="muted">{text.intro}</p>
      <div class="indicator-grid">
        {figures.map((figure) => (
          <article
            key={`${figure.code}-${figure.period}`}
            class="card indicator external"
            data-code={figure.code}
            data-external="true"
          >
            <h4>{figure.label[lang]}</h4>
            <p class="muted">
              {text.year(figure.period)} · <span class="badge">{text.badge}</span>
            </p>
            <p class="figure" data-testid="external-figure">
              {figure.unit === 'share'
                ? formatPercent(figure.value, lang)
                : `${formatNumber(figure.value, lang, 1)} ${text.per1000}`}
            </p>
            <p class="muted">{figure.direction === 'increasing' ? text.increasing : text.decreasing}</p>
            <p class="muted">{text.source(figure.source)}</p>
          </article>
        ))}
      </div>
    </section>
  );
}
