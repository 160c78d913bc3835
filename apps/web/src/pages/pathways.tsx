import type { PageProps } from '../app';
import { PageTitle } from '../ui/page';

export function PathwaysPage(_props: PageProps) {
  return <PageTitle title="pathways">pathways</PageTitle>;
}
