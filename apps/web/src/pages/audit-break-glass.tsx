/**
 * The emergency accesses of the CPTS (`GET …/patients/break-glass`), newest first, for the coordinators and
 * auditors to review each one: who opened which record, why, until when, and whether it is still open.
 */
import { tenant } from '../api';
import { formatDateTime, shortId } from '../format';
import { useLang, useText } from '../i18n';
import { label } from '../labels';
import { href } from '../router';
import { useMembers } from '../ui/members';
import { Loaded, useQuery } from '../ui/page';
import { TableRegion } from '../ui/table';

interface Report {
  items: Array<{
    id: string;
    at: string;
    until: string;
    patientId: string;
    actorId: string;
    purpose: string;
    active: boolean;
  }>;
}

const TEXT = {
  fr: {
    title: 'Accès d’urgence (bris de glace)',
    intro: 'Chaque ouverture d’un dossier hors du cercle de soins, pour 4 heures, avec son motif.',
    none: 'Aucun accès d’urgence.',
    at: 'Le',
    who: 'Par',
    patient: 'Patient',
    purpose: 'Motif',
    until: 'Jusqu’au',
    open: 'En cours',
    closed: 'Terminé',
  },
  en: {
    title: 'Emergency accesses (break-glass)',
    intro: 'Each opening of a record outside the care circle, for 4 hours, with its purpose.',
    none: 'No emergency access.',
    at: 'At',
    who: 'By',
    patient: 'Patient',
    purpose: 'Purpose',
    until: 'Until',
    open: 'Open',
    closed: 'Ended',
  },
};

export function EmergencyAccesses() {
  const text = useText(TEXT);
  const lang = useLang();
  const report = useQuery<Report>(tenant('/patients/break-glass'));
  const members = useMembers();
  const nameOf = (id: string) => members.find((member) => member.id === id)?.displayName ?? shortId(id);
  return (
    <section class="card" aria-labelledby="audit-break-glass">
      <h2 id="audit-break-glass">{text.title}</h2>
      <p>{text.intro}</p>
      <Loaded query={report}>
        {(data) =>
          data.items.length === 0 ? (
            <p class="empty">{text.none}</p>
          ) : (
            <TableRegion label={text.title}>
              <thead>
                <tr>
                  <th scope="col">{text.at}</th>
                  <th scope="col">{text.who}</th>
                  <th scope="col">{text.patient}</th>
                  <th scope="col">{text.purpose}</th>
                  <th scope="col">{text.until}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((item) => (
                  <tr key={item.id} data-testid="break-glass-row">
                    <td>{formatDateTime(item.at, lang)}</td>
                    <td>{nameOf(item.actorId)}</td>
                    <td>
                      <a href={href(`/patients/${item.patientId}`)} class="mono">
                        {shortId(item.patientId)}
                      </a>
                    </td>
                    <td>{label(lang, 'breakGlassPurpose', item.purpose)}</td>
                    <td>
                      {formatDateTime(item.until, lang)}{' '}
                      <span class={`badge ${item.active ? 'due' : 'neutral'}`}>
                        {item.active ? text.open : text.closed}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </TableRegion>
          )
        }
      </Loaded>
    </section>
  );
}
