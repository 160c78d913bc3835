import type { PageProps } from '../app';
import { PageTitle } from '../ui/page';

export function PathwayPage(_props: PageProps) {
  return <PageTitle title="pathway">pathway</PageTitle>;
}
