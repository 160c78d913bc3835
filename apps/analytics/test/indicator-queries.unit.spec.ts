import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PATHWAY_KINDS as DOMAIN_KINDS, URGENCIES as DOMAIN_URGENCIES } from '@parcours/domain';
import { FEED_CLASSIFICATION, INDICATORS, WORKLIST_KINDS as WORKLIST } from '@parcours/cross-capability';
import { INDICATOR_QUERIES, PATHWAY_KINDS, URGENCIES, WORKLIST_KINDS } from '../src/indicator-queries';

const DOCS = readFileSync(join(__dirname, '../../../docs/analytics.md'), 'utf8');

describe('the indicators in SQL', () => {
  it('are the API’s catalogue: the same codes, in the same order, with the same missions', () => {
    expect(INDICATOR_QUERIES.map(({ code, mission }) => ({ code, mission }))).toEqual(
      INDICATORS.map(({ code, mission }) => ({ code, mission })),
    );
  });

  it('list every pathway kind, urgency and worklist kind the API knows in their breakdowns', () => {
    expect(PATHWAY_KINDS).toEqual(DOMAIN_KINDS);
    expect(URGENCIES).toEqual(DOMAIN_URGENCIES);
    expect(WORKLIST_KINDS).toEqual(WORKLIST);
  });

  it('are shown in docs/analytics.md as they run, each under its code', () => {
    const missing = INDICATOR_QUERIES.filter(({ code, sql }) => {
      const section = DOCS.indexOf(`### \`${code}\``);
      return section === -1 || !DOCS.slice(section).includes(`\`\`\`sql\n${sql.trim()}\n\`\`\``);
    }).map(({ code }) => code);
    expect(missing).toEqual([]);
  });
});

describe('docs/analytics.md', () => {
  it('says what the feed keeps of every event type it classifies', () => {
    const rows = DOCS.split('\n').filter((line) => line.startsWith('| '));
    const named = Object.keys(FEED_CLASSIFICATION).filter(
      (type) => !rows.some((row) => row.includes(`\`${type}\``)),
    );
    expect(named).toEqual([]);
  });
});
