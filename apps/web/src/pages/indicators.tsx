import type { PageProps } from '../app';
import { PageTitle } from '../ui/page';

export function IndicatorsPage(_props: PageProps) {
  return <PageTitle title="indicators">indicators</PageTitle>;
}
