import type { PageProps } from '../app';
import { PageTitle } from '../ui/page';

export function AuditPage(_props: PageProps) {
  return <PageTitle title="audit">audit</PageTitle>;
}
