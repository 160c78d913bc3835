/**
 * The patient's care circle on the patient page (`GET …/patients/{id}/care-team`): who is in it today and
 * why, who is involved in an open pathway, the stays that ended; coordinators add a member and remove one.
 */
import { useState } from 'preact/hooks';
import { post, tenant } from '../api';
import { formatDate, formatDateTime, parisToday, shortId } from '../format';
import { useLang, useText } from '../i18n';
import { label, options } from '../labels';
import { href } from '../router';
import { CommandForm, DateInput, Select, TextArea } from '../ui/forms';
import { MemberSelect } from '../ui/members';
import { Loaded, useQuery } from '../ui/page';
import { TableRegion } from '../ui/table';

export interface CareTeam {
  patientId: string;
  members: Array<{
    memberId: string;
    displayName: string | null;
    basis: string;
    role: string | null;
    from: string | null;
    eventId: string | null;
  }>;
  past: Array<{
    memberId: string;
    displayName: string | null;
    role: string | null;
    from: string | null;
    to: string | null;
    blocked: boolean;
    eventId: string;
  }>;
  involved: Array<{
    memberId: string;
    displayName: string | null;
    pathwayId: string;
    reason: string;
    since: string;
  }>;
}

const TEXT = {
  fr: {
    title: 'Cercle de soins',
    intro:
      'Les professionnels qui prennent en charge ce patient : les données de santé du patient peuvent être partagées avec eux (équipe de soins).',
    empty: 'Personne dans le cercle de soins.',
    table: 'Membres du cercle de soins',
    member: 'Professionnel',
    why: 'À quel titre',
    since: 'Depuis le',
    involvedTitle: 'Impliqués dans un parcours en cours',
    involvedTable: 'Professionnels impliqués dans un parcours',
    pathway: 'Parcours',
    pastTitle: 'Anciens membres',
    pastTable: 'Anciens membres du cercle de soins',
    until: 'Jusqu’au',
    suspended: 'Bloqué par le patient',
    add: 'Ajouter au cercle de soins',
    addSubmit: 'Ajouter au cercle',
    removeSubmit: 'Retirer du cercle',
    removalReason: 'Motif du retrait',
    role: 'Rôle',
    from: 'Premier jour',
    remove: 'Retirer',
    removeTitle: (name: string) => `Retirer ${name} du cercle de soins`,
    to: 'Dernier jour',
    reasonHint: 'Par exemple « fin des soins à domicile ». Pas de donnée personnelle ici.',
    cancel: 'Annuler',
  },
  en: {
    title: 'Care circle',
    intro:
      'The professionals caring for this patient: the patient’s health data may be shared with them (care team).',
    empty: 'Nobody in the care circle.',
    table: 'Members of the care circle',
    member: 'Professional',
    why: 'As',
    since: 'Since',
    involvedTitle: 'Involved in an open pathway',
    involvedTable: 'Professionals involved in a pathway',
    pathway: 'Pathway',
    pastTitle: 'Former members',
    pastTable: 'Former members of the care circle',
    until: 'Until',
    suspended: 'Blocked by the patient',
    add: 'Add to the care circle',
    addSubmit: 'Add to the circle',
    removeSubmit: 'Remove from the circle',
    removalReason: 'Reason for the removal',
    role: 'Role',
    from: 'First day',
    remove: 'Remove',
    removeTitle: (name: string) => `Remove ${name} from the care circle`,
    to: 'Last day',
    reasonHint: 'E.g. “home care ended”. No personal data here.',
    cancel: 'Cancel',
  },
};

export function CareTeamCard(props: { patientId: string; coordinator: boolean; erased: boolean }) {
  const text = useText(TEXT);
  const lang = useLang();
  const query = useQuery<CareTeam>(tenant(`/patients/${encodeURIComponent(props.patientId)}/care-team`));
  const [removing, setRemoving] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const editable = props.coordinator && !props.erased;
  const path = (route: string) => tenant(`/patients/${props.patientId}/${route}`);
  const today = parisToday();
  const name = (member: { memberId: string; displayName: string | null }) =>
    member.displayName ?? shortId(member.memberId);

  return (
    <section class="card" aria-labelledby="care-team-title" data-testid="care-team">
      <h2 id="care-team-title">{text.title}</h2>
      <p class="muted">{text.intro}</p>
      <Loaded query={query}>
        {(team) => (
          <>
            {team.members.length === 0 ? (
              <p>{text.empty}</p>
            ) : (
              <TableRegion label={text.table}>
                <thead>
                  <tr>
                    <th scope="col">{text.member}</th>
                    <th scope="col">{text.why}</th>
                    <th scope="col">{text.since}</th>
                    {editable && <td />}
                  </tr>
                </thead>
                <tbody>
                  {team.members.map((member) => (
                    <tr key={`${member.basis}-${member.memberId}`}>
                      <td>{name(member)}</td>
                      <td>{label(lang, 'careTeamRole', member.role ?? member.basis)}</td>
                      <td>{member.from ? formatDate(member.from, lang) : '—'}</td>
                      {editable && (
                        <td>
                          {member.basis === 'care-team' && (
                            <button
                              type="button"
                              class="secondary"
                              aria-label={text.removeTitle(name(member))}
                              onClick={() => setRemoving(member.memberId)}
                            >
                              {text.remove}
                            </button>
                          )}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </TableRegion>
            )}
            {editable && removing !== null && (
              <>
                <CommandForm
                  key={removing}
                  level={3}
                  title={text.removeTitle(
                    name(
                      team.members.find((m) => m.memberId === removing) ?? {
                        memberId: removing,
                        displayName: null,
                      },
                    ),
                  )}
                  submitLabel={text.removeSubmit}
                  fields={['to', 'reason']}
                  submit={(values, idempotencyKey) =>
                    post(
                      path('care-team/removals'),
                      { memberId: removing, to: values.required('to'), reason: values.required('reason') },
                      { idempotencyKey },
                    )
                  }
                  onDone={() => {
                    setRemoving(null);
                    query.reload();
                  }}
                >
                  <DateInput name="to" label={text.to} required defaultValue={today} />
                  <TextArea
                    name="reason"
                    label={text.removalReason}
                    hint={text.reasonHint}
                    required
                    maxLength={500}
                    rows={2}
                  />
                </CommandForm>
                <p>
                  <button type="button" class="secondary" onClick={() => setRemoving(null)}>
                    {text.cancel}
                  </button>
                </p>
              </>
            )}
            {team.involved.length > 0 && (
              <>
                <h3>{text.involvedTitle}</h3>
                <TableRegion label={text.involvedTable}>
                  <thead>
                    <tr>
                      <th scope="col">{text.member}</th>
                      <th scope="col">{text.why}</th>
                      <th scope="col">{text.pathway}</th>
                      <th scope="col">{text.since}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {team.involved.map((involved) => (
                      <tr key={`${involved.pathwayId}-${involved.memberId}-${involved.reason}`}>
                        <td>{name(involved)}</td>
                        <td>{label(lang, 'involvement', involved.reason)}</td>
                        <td>
                          <a href={href(`/pathways/${involved.pathwayId}`)} class="mono">
                            {shortId(involved.pathwayId)}
                          </a>
                        </td>
                        <td>{formatDateTime(involved.since, lang)}</td>
                      </tr>
                    ))}
                  </tbody>
                </TableRegion>
              </>
            )}
            {team.past.length > 0 && (
              <>
                <h3>{text.pastTitle}</h3>
                <TableRegion label={text.pastTable}>
                  <thead>
                    <tr>
                      <th scope="col">{text.member}</th>
                      <th scope="col">{text.role}</th>
                      <th scope="col">{text.since}</th>
                      <th scope="col">{text.until}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {team.past.map((stay) => (
                      <tr key={stay.eventId}>
                        <td>{name(stay)}</td>
                        <td>{label(lang, 'careTeamRole', stay.role)}</td>
                        <td>{stay.from ? formatDate(stay.from, lang) : '—'}</td>
                        <td>{stay.blocked ? text.suspended : formatDate(stay.to ?? undefined, lang)}</td>
                      </tr>
                    ))}
                  </tbody>
                </TableRegion>
              </>
            )}
            {editable && !adding && (
              <p>
                <button type="button" class="secondary" onClick={() => setAdding(true)}>
                  {text.add}
                </button>
              </p>
            )}
            {editable && adding && (
              <CommandForm
                level={3}
                title={text.add}
                submitLabel={text.addSubmit}
                fields={['memberId', 'role', 'from']}
                submit={(values, idempotencyKey) =>
                  post(
                    path('care-team'),
                    {
                      memberId: values.required('memberId'),
                      role: values.required('role'),
                      from: values.required('from'),
                    },
                    { idempotencyKey },
                  )
                }
                onDone={() => {
                  setAdding(false);
                  query.reload();
                }}
              >
                <MemberSelect name="memberId" label={text.member} required dateField="from" />
                <Select
                  name="role"
                  label={text.role}
                  required
                  options={options(lang, 'careTeamRole').filter(
                    ([value]) => value !== 'medecin-traitant' && value !== 'pharmacien-correspondant',
                  )}
                />
                <DateInput name="from" label={text.from} required defaultValue={today} />
              </CommandForm>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}
