import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { AnalyticsDataset, DatasetError } from './dataset';
import { SUPPORTED_FEED_SCHEMA } from './dataset-schema';
import { fetchFeedPage } from './feed-client';

export interface SyncOptions {
  apiUrl: string;
  cptsId: string;
  token: string;
  /** The dataset's directory. */
  out: string;
  /** Lines asked per request: each page is one transaction of the dataset. */
  pageSize: number;
  /** Stop after this many pages (a long catch-up spread over several runs). */
  maxPages?: number;
  log?: (line: string) => void;
}

export interface SyncReport {
  cptsId: string;
  /** Events added by this run. */
  added: number;
  pages: number;
  /** The checkpoint after this run: the `after` of the next one. */
  position: string;
  /** Whether the run stopped at `maxPages` with more to fetch. */
  more: boolean;
  /** The Parquet file this run wrote, if it added anything. */
  parquet: string | null;
  events: number;
  seconds: number;
}

/**
 * One run of the job: from the dataset's checkpoint, page after page until the feed has nothing more
 * (or `maxPages`), each page and the checkpoint after it committed together; then the new events go to a
 * Parquet file. A run with nothing new adds nothing and writes no file.
 */
export async function sync(options: SyncOptions): Promise<SyncReport> {
  const log = options.log ?? (() => undefined);
  const started = process.hrtime.bigint();
  const dataset = await AnalyticsDataset.open(options.out);
  const pageFile = join(options.out, '.page.ndjson');
  try {
    let after = await dataset.start(options.cptsId, options.apiUrl, SUPPORTED_FEED_SCHEMA);
    let added = 0;
    let pages = 0;
    let more = false;
    for (;;) {
      const page = await fetchFeedPage({
        apiUrl: options.apiUrl,
        cptsId: options.cptsId,
        token: options.token,
        after,
        limit: options.pageSize,
        file: pageFile,
      });
      if (page.schema !== SUPPORTED_FEED_SCHEMA) {
        throw new DatasetError(
          `the API serves the feed in schema version ${page.schema}; this job reads version ` +
            `${SUPPORTED_FEED_SCHEMA}: update the job (docs/analytics.md lists what changed)`,
        );
      }
      const count = await dataset.ingest(pageFile, page.next, page.schema);
      added += count;
      pages += 1;
      after = page.next;
      log(`page ${pages}: ${count} events, position ${after}`);
      if (page.lines < options.pageSize) break;
      if (options.maxPages !== undefined && pages >= options.maxPages) {
        more = true;
        break;
      }
    }
    if (await dataset.refreshDerived()) log('derived tables worked out again');
    const parquet = await dataset.writeParquet();
    if (parquet) log(`wrote ${parquet.file} (${parquet.events} events)`);
    const [{ events }] = await dataset.rows<{ events: number }>(
      'SELECT count(*)::INTEGER AS events FROM events',
    );
    return {
      cptsId: options.cptsId,
      added,
      pages,
      position: after.toString(),
      more,
      parquet: parquet?.file ?? null,
      events,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
  } finally {
    rmSync(pageFile, { force: true });
    dataset.close();
  }
}
