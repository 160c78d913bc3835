import type { PageProps } from '../app';
import { PageTitle } from '../ui/page';

export function RcpsPage(_props: PageProps) {
  return <PageTitle title="rcps">rcps</PageTitle>;
}
