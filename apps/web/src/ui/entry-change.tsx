/**
 * Correcting or voiding one recorded entry of any stream (an achievement, a mission start, an RCP, a
 * request…): the API decides the corrected entry again as if it were new, so a refused correction comes
 * back as a rule next to the field. `base` is the stream's route; the forms post to `…/corrections` and
 * `…/voidings` under it.
 */
import { useState } from 'preact/hooks';
import { post } from '../api';
import { useText } from '../i18n';
import { CommandForm, DateInput, DateTimeInput, type FormValues, Select, TextArea, TextInput } from './forms';
import { parisLocal } from '../format';

export interface ChangeableField {
  /** The entry's field, as the API names it. */
  name: string;
  label: string;
  kind: 'date' | 'datetime' | 'number' | 'text' | 'select' | 'boolean';
  options?: Array<[string, string]>;
  value?: unknown;
}

const TEXT = {
  fr: {
    change: 'Corriger ou annuler…',
    correction: 'Corriger',
    correctionIntro: (what: string) =>
      `Corriger ${what}. La correction est vérifiée comme une nouvelle saisie et s’ajoute à l’historique ; l’entrée d’origine reste consultable.`,
    field: 'Champ à corriger',
    newValue: (field: string) => `Nouvelle valeur : ${field}`,
    reason: 'Motif',
    saveCorrection: 'Enregistrer la correction',
    voiding: 'Annuler l’entrée',
    voidingIntro: (what: string) =>
      `Annuler ${what} : l’entrée sort des chiffres et de la liste des tâches ; elle reste dans l’historique.`,
    saveVoiding: 'Enregistrer l’annulation',
    yes: 'Oui',
    no: 'Non',
  },
  en: {
    change: 'Correct or void…',
    correction: 'Correct',
    correctionIntro: (what: string) =>
      `Correct ${what}. The correction is checked like a new entry and added to the history; the original entry stays readable.`,
    field: 'Field to correct',
    newValue: (field: string) => `New value: ${field}`,
    reason: 'Reason',
    saveCorrection: 'Record the correction',
    voiding: 'Void the entry',
    voidingIntro: (what: string) =>
      `Void ${what}: the entry leaves the figures and the worklist; it stays in the history.`,
    saveVoiding: 'Record the voiding',
    yes: 'Yes',
    no: 'No',
  },
};

function ValueInput({ field }: { field: ChangeableField }) {
  const text = useText(TEXT);
  const name = `correction.${field.name}`;
  const label = text.newValue(field.label);
  const asText = typeof field.value === 'string' ? field.value : undefined;
  switch (field.kind) {
    case 'date':
      return <DateInput name={name} label={label} required defaultValue={asText} />;
    case 'datetime':
      return (
        <DateTimeInput
          name={name}
          label={label}
          required
          defaultValue={asText ? parisLocal(asText) : undefined}
        />
      );
    case 'number':
      return (
        <TextInput
          name={name}
          label={label}
          required
          defaultValue={typeof field.value === 'number' ? String(field.value) : undefined}
        />
      );
    case 'select':
      return (
        <Select name={name} label={label} required options={field.options ?? []} defaultValue={asText} />
      );
    case 'boolean':
      return (
        <Select
          name={name}
          label={label}
          required
          options={[
            ['true', text.yes],
            ['false', text.no],
          ]}
          defaultValue={typeof field.value === 'boolean' ? String(field.value) : undefined}
        />
      );
    default:
      return <TextInput name={name} label={label} required defaultValue={asText} />;
  }
}

function valueOf(values: FormValues, field: ChangeableField): unknown {
  const name = `correction.${field.name}`;
  switch (field.kind) {
    case 'datetime':
      return values.time(name) ?? '';
    case 'number':
      return values.number(name);
    case 'boolean':
      return values.text(name) === 'true';
    default:
      return values.required(name);
  }
}

export function EntryChange(props: {
  base: string;
  eventId: string;
  /** What the entry is, in a few words (“le taux d’atteinte 2025, parcours”). */
  what: string;
  /** The fields a correction may change; none: the entry can only be voided. */
  fields: ChangeableField[];
  voidable: boolean;
  onDone: (change: 'corrected' | 'voided') => void;
}) {
  const text = useText(TEXT);
  const [field, setField] = useState(props.fields[0]?.name);
  const chosen = props.fields.find((candidate) => candidate.name === field);
  return (
    <details class="entry-change">
      <summary>{text.change}</summary>
      {chosen && (
        <CommandForm
          level={3}
          title={text.correction}
          intro={<p>{text.correctionIntro(props.what)}</p>}
          submitLabel={text.saveCorrection}
          fields={['correction', 'reason']}
          submit={(values, idempotencyKey) =>
            post(
              `${props.base}/corrections`,
              {
                targetEventId: props.eventId,
                reason: values.required('reason'),
                correction: { [chosen.name]: valueOf(values, chosen) },
              },
              { idempotencyKey },
            )
          }
          onDone={() => props.onDone('corrected')}
        >
          <Select
            name="field"
            label={text.field}
            required
            options={props.fields.map((candidate): [string, string] => [candidate.name, candidate.label])}
            defaultValue={field}
            onChange={setField}
          />
          <ValueInput key={chosen.name} field={chosen} />
          <TextArea name="reason" label={text.reason} required maxLength={1000} rows={2} />
        </CommandForm>
      )}
      {props.voidable && (
        <CommandForm
          level={3}
          title={text.voiding}
          intro={<p>{text.voidingIntro(props.what)}</p>}
          submitLabel={text.saveVoiding}
          fields={['reason']}
          submit={(values, idempotencyKey) =>
            post(
              `${props.base}/voidings`,
              { targetEventId: props.eventId, reason: values.required('reason') },
              { idempotencyKey },
            )
          }
          onDone={() => props.onDone('voided')}
        >
          <TextArea name="reason" label={text.reason} required maxLength={1000} rows={2} />
        </CommandForm>
      )}
    </details>
  );
}
