import type { PageProps } from '../app';
import { PageTitle } from '../ui/page';

export function FinancingPage(_props: PageProps) {
  return <PageTitle title="financing">financing</PageTitle>;
}
