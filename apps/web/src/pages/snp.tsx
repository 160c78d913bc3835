import type { PageProps } from '../app';
import { PageTitle } from '../ui/page';

export function SnpPage(_props: PageProps) {
  return <PageTitle title="snp">snp</PageTitle>;
}
