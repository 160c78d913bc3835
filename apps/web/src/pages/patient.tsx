import type { PageProps } from '../app';
import { PageTitle } from '../ui/page';

export function PatientPage(_props: PageProps) {
  return <PageTitle title="patient">patient</PageTitle>;
}
