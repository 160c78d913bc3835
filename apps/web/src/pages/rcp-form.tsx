/**
 * The form that records an RCP (`POST …/rcps`): participants and cases are lists whose rows can be added
 * and removed. Inputs are named with the API's paths (`participants[0].memberId`, `cases[1].decisions`)
 * so that its errors land next to them; the rules about a whole list (two professions, at least one case)
 * come back with the path `participants` or `cases` and are shown at the head of that list.
 */
import { useRef, useState } from 'preact/hooks';
import { ApiError, type CommandResult, post, tenant } from '../api';
import { useLang, useText } from '../i18n';
import { label, options } from '../labels';
import {
  Checkbox,
  CommandForm,
  DateInput,
  DateTimeInput,
  type FormValues,
  Select,
  TextArea,
  TextInput,
} from '../ui/forms';
import { MemberSelect } from '../ui/members';
import { idIn } from './patient-shared';

const TEXT = {
  fr: {
    title: 'Enregistrer une RCP',
    intro:
      'Une réunion de concertation pluriprofessionnelle réunit au moins deux professions et discute au moins un cas.',
    submit: 'Enregistrer la RCP',
    convenedBy: 'Convoquée par',
    heldAt: 'Date et heure',
    duration: 'Durée (minutes)',
    format: 'Format',
    complex: 'Cas complexe discuté',
    patientPresent: 'Patient présent',
    familyPresent: 'Famille ou aidant présent',
    participants: 'Participants',
    member: (n: number) => `Membre de la CPTS (participant ${n})`,
    externalName: (n: number) => `Nom du professionnel extérieur (participant ${n})`,
    externalProfession: (n: number) => `Profession (participant ${n})`,
    addMember: 'Ajouter un membre de la CPTS',
    addExternal: 'Ajouter un professionnel extérieur',
    removeParticipant: (n: number) => `Retirer le participant ${n}`,
    cases: 'Cas discutés',
    case: (n: number) => `Cas ${n}`,
    pathway: (n: number) => `Parcours (cas ${n})`,
    pathwayHint: 'L’identifiant du parcours, ou le lien vers sa page.',
    decisions: (n: number) => `Décisions (cas ${n})`,
    decisionsHint: 'Une décision par ligne.',
    reviewOn: (n: number) => `À revoir le (cas ${n}, facultatif)`,
    addCase: 'Ajouter un cas',
    removeCase: (n: number) => `Retirer le cas ${n}`,
    cancel: 'Annuler',
  },
  en: {
    title: 'Record an RCP',
    intro:
      'A multi-professional coordination meeting brings together at least two professions and discusses at least one case.',
    submit: 'Record the RCP',
    convenedBy: 'Convened by',
    heldAt: 'Date and time',
    duration: 'Duration (minutes)',
    format: 'Format',
    complex: 'Complex case discussed',
    patientPresent: 'Patient present',
    familyPresent: 'Family or carer present',
    participants: 'Participants',
    member: (n: number) => `Member of the CPTS (participant ${n})`,
    externalName: (n: number) => `Name of the outside professional (participant ${n})`,
    externalProfession: (n: number) => `Profession (participant ${n})`,
    addMember: 'Add a member of the CPTS',
    addExternal: 'Add an outside professional',
    removeParticipant: (n: number) => `Remove participant ${n}`,
    cases: 'Cases discussed',
    case: (n: number) => `Case ${n}`,
    pathway: (n: number) => `Pathway (case ${n})`,
    pathwayHint: 'The pathway’s id, or the link to its page.',
    decisions: (n: number) => `Decisions (case ${n})`,
    decisionsHint: 'One decision per line.',
    reviewOn: (n: number) => `Review on (case ${n}, optional)`,
    addCase: 'Add a case',
    removeCase: (n: number) => `Remove case ${n}`,
    cancel: 'Cancel',
  },
};

interface ParticipantRow {
  key: number;
  kind: 'member' | 'external';
}

interface CaseRow {
  key: number;
  pathwayId?: string;
}

export function RcpForm(props: {
  pathwayId?: string;
  onDone: (result: CommandResult) => void;
  onCancel: () => void;
}) {
  const text = useText(TEXT);
  const lang = useLang();
  const next = useRef(10);
  const [participants, setParticipants] = useState<ParticipantRow[]>([
    { key: 1, kind: 'member' },
    { key: 2, kind: 'member' },
  ]);
  const [cases, setCases] = useState<CaseRow[]>([{ key: 1, pathwayId: props.pathwayId }]);
  /** The errors about a whole list (`participants`, `cases`), which no single input carries. */
  const [listErrors, setListErrors] = useState<Record<string, string>>({});

  const newKey = () => (next.current += 1);

  const build = (values: FormValues) => ({
    convenedBy: values.required('convenedBy'),
    heldAt: values.time('heldAt') ?? '',
    durationMinutes: values.number('durationMinutes'),
    complex: values.bool('complex'),
    format: values.required('format'),
    participants: participants.map((row, index) =>
      row.kind === 'member'
        ? { memberId: values.required(`participants[${index}].memberId`) }
        : {
            name: values.required(`participants[${index}].name`),
            profession: values.required(`participants[${index}].profession`),
          },
    ),
    patientPresent: values.bool('patientPresent'),
    familyPresent: values.bool('familyPresent'),
    cases: cases.map((_, index) => ({
      pathwayId: idIn(values.text(`cases[${index}].pathwayId`)) ?? '',
      decisions: (values.text(`cases[${index}].decisions`) ?? '')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== ''),
      reviewOn: values.text(`cases[${index}].reviewOn`),
    })),
  });

  const submit = async (values: FormValues, idempotencyKey: string) => {
    setListErrors({});
    try {
      return await post(tenant('/rcps'), build(values), { idempotencyKey });
    } catch (error: unknown) {
      if (error instanceof ApiError) {
        const whole: Record<string, string> = {};
        for (const item of error.problem.errors ?? []) {
          if (item.path === 'participants' || item.path === 'cases') whole[item.path] = item.message;
        }
        setListErrors(whole);
      }
      throw error;
    }
  };

  const listError = (path: 'participants' | 'cases') =>
    listErrors[path] ? (
      <p class="field-error" id={`rcp-${path}-error`}>
        {listErrors[path]}
      </p>
    ) : null;

  return (
    <CommandForm
      title={text.title}
      intro={<p class="muted">{text.intro}</p>}
      submitLabel={text.submit}
      fields={[
        'convenedBy',
        'heldAt',
        'durationMinutes',
        'complex',
        'format',
        'participants',
        'patientPresent',
        'familyPresent',
        'cases',
      ]}
      submit={submit}
      onDone={props.onDone}
      class="rcp-form"
    >
      <div class="grid">
        <MemberSelect name="convenedBy" label={text.convenedBy} required dateField="heldAt" />
        <DateTimeInput name="heldAt" label={text.heldAt} required />
        <TextInput name="durationMinutes" type="number" min={1} max={600} label={text.duration} required />
        <Select
          name="format"
          label={text.format}
          required
          options={options(lang, 'rcpFormat')}
          defaultValue="presentiel"
        />
      </div>
      <Checkbox name="complex" label={text.complex} />
      <Checkbox name="patientPresent" label={text.patientPresent} />
      <Checkbox name="familyPresent" label={text.familyPresent} />

      <fieldset
        class={`list-rows${listErrors.participants ? ' invalid' : ''}`}
        aria-describedby={listErrors.participants ? 'rcp-participants-error' : undefined}
      >
        <legend>{text.participants}</legend>
        {listError('participants')}
        {participants.map((row, index) => {
          const n = index + 1;
          return (
            <div class="list-row participant" key={row.key} data-participant={index}>
              <div class="grid">
                {row.kind === 'member' ? (
                  <MemberSelect
                    name={`participants[${index}].memberId`}
                    label={text.member(n)}
                    dateField="heldAt"
                    required
                  />
                ) : (
                  <>
                    <TextInput
                      name={`participants[${index}].name`}
                      label={text.externalName(n)}
                      required
                      maxLength={200}
                    />
                    <Select
                      name={`participants[${index}].profession`}
                      label={text.externalProfession(n)}
                      required
                      options={options(lang, 'profession')}
                    />
                  </>
                )}
              </div>
              {participants.length > 1 && (
                <button
                  type="button"
                  class="link"
                  onClick={() => setParticipants(participants.filter((other) => other.key !== row.key))}
                >
                  {text.removeParticipant(n)}
                </button>
              )}
            </div>
          );
        })}
        <div class="row-actions">
          <button
            type="button"
            class="secondary"
            onClick={() => setParticipants([...participants, { key: newKey(), kind: 'member' }])}
          >
            {text.addMember}
          </button>
          <button
            type="button"
            class="secondary"
            onClick={() => setParticipants([...participants, { key: newKey(), kind: 'external' }])}
          >
            {text.addExternal}
          </button>
        </div>
      </fieldset>

      <fieldset
        class={`list-rows${listErrors.cases ? ' invalid' : ''}`}
        aria-describedby={listErrors.cases ? 'rcp-cases-error' : undefined}
      >
        <legend>{text.cases}</legend>
        {listError('cases')}
        {cases.map((row, index) => {
          const n = index + 1;
          return (
            <div class="list-row" key={row.key} data-case={index}>
              <p class="list-row-title">{text.case(n)}</p>
              <TextInput
                name={`cases[${index}].pathwayId`}
                label={text.pathway(n)}
                hint={text.pathwayHint}
                required
                defaultValue={row.pathwayId}
              />
              <TextArea
                name={`cases[${index}].decisions`}
                label={text.decisions(n)}
                hint={text.decisionsHint}
                required
                rows={3}
              />
              <DateInput name={`cases[${index}].reviewOn`} label={text.reviewOn(n)} />
              {cases.length > 1 && (
                <button
                  type="button"
                  class="link"
                  onClick={() => setCases(cases.filter((other) => other.key !== row.key))}
                >
                  {text.removeCase(n)}
                </button>
              )}
            </div>
          );
        })}
        <div class="row-actions">
          <button type="button" class="secondary" onClick={() => setCases([...cases, { key: newKey() }])}>
            {text.addCase}
          </button>
        </div>
      </fieldset>
      <p>
        <button type="button" class="link" onClick={props.onCancel}>
          {text.cancel}
        </button>
      </p>
    </CommandForm>
  );
}

/** A participant as the register shows it: a member's name and profession, or the outside one's. */
export function participantText(
  participant: { memberId?: string; name?: string; profession?: string },
  member: (id: string) => { displayName: string; profession: string } | undefined,
  lang: 'fr' | 'en',
): { name: string; profession: string; external: boolean } {
  if (participant.memberId !== undefined) {
    const known = member(participant.memberId);
    return {
      name: known?.displayName ?? participant.memberId.slice(0, 8),
      profession: known ? label(lang, 'profession', known.profession) : '—',
      external: false,
    };
  }
  return {
    name: participant.name ?? '—',
    profession: label(lang, 'profession', participant.profession),
    external: true,
  };
}
