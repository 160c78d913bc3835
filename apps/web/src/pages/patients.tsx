import type { PageProps } from '../app';
import { PageTitle } from '../ui/page';

export function PatientsPage(_props: PageProps) {
  return <PageTitle title="patients">patients</PageTitle>;
}
