/**
 * Forms that record a command. `CommandForm` posts what its `build` makes of the inputs, with one
 * Idempotency-Key per submission attempt (a double click or a retry after a timeout records once), and
 * shows the API's problem+json: each `errors[].path` next to the field of that name, the rest (and the
 * rule's message) in an alert at the top of the form, which takes the focus.
 *
 * Field names are the API's paths (`hospital.name`, `eligibility.answers.fievre`), so that an error comes
 * back to the right field without a mapping table.
 */
import type { ComponentChildren, JSX } from 'preact';
import { createContext } from 'preact';
import { useContext, useId, useRef, useState } from 'preact/hooks';
import { ApiError, type CommandResult, newIdempotencyKey } from '../api';
import { parisIso, parisLocal } from '../format';
import { useText } from '../i18n';

/** A field the browser cannot check but the form can, before anything is sent. */
export class InputError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const TEXT = {
  fr: {
    sending: 'Enregistrement…',
    invalidTime: 'Indiquez une date et une heure.',
    invalidNumber: 'Indiquez un nombre.',
    done: 'Enregistré.',
    required: 'obligatoire',
    checkFields: 'L’enregistrement est refusé : voyez le message à côté du champ concerné.',
  },
  en: {
    sending: 'Saving…',
    invalidTime: 'Give a date and a time.',
    invalidNumber: 'Give a number.',
    done: 'Saved.',
    required: 'required',
    checkFields: 'Not saved: see the message next to the field concerned.',
  },
};

/** Reads the inputs by name, as the API wants them. */
export class FormValues {
  constructor(
    private readonly data: FormData,
    private readonly texts: (typeof TEXT)['fr'],
  ) {}

  /** Trimmed text; undefined when empty. */
  text(name: string): string | undefined {
    const value = this.data.get(name);
    if (typeof value !== 'string') return undefined;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  /** Text the API requires: sent even when empty, so that its error names the field. */
  required(name: string): string {
    return this.text(name) ?? '';
  }

  bool(name: string): boolean {
    return this.data.get(name) === 'on';
  }

  /** Every checked value of a group of checkboxes of that name. */
  all(name: string): string[] {
    return this.data.getAll(name).filter((v): v is string => typeof v === 'string' && v !== '');
  }

  number(name: string): number | undefined {
    const text = this.text(name);
    if (text === undefined) return undefined;
    const value = Number(text.replace(',', '.'));
    if (!Number.isFinite(value)) throw new InputError(name, this.texts.invalidNumber);
    return value;
  }

  /** A `datetime-local` input as a Paris time with its offset; undefined when empty. */
  time(name: string): string | undefined {
    const text = this.text(name);
    if (text === undefined) return undefined;
    const iso = parisIso(text);
    if (iso === null) throw new InputError(name, this.texts.invalidTime);
    return iso;
  }
}

interface FormState {
  id: string;
  errors: Array<{ path: string; message: string }>;
}

const FormContext = createContext<FormState>({ id: 'form', errors: [] });

const matches = (path: string, name: string) =>
  path === name || path.startsWith(`${name}.`) || path.startsWith(`${name}[`);

/** The messages of the errors about this field. */
function useFieldErrors(name: string): string[] {
  const { errors } = useContext(FormContext);
  return errors.filter((error) => matches(error.path, name)).map((error) => error.message);
}

export interface CommandFormProps {
  /** The form's heading (a `h2`, or `h3` with `level={3}`). */
  title: string;
  level?: 2 | 3;
  submitLabel: string;
  /** The names of the fields this form renders: errors about other paths go to the alert. */
  fields?: string[];
  /** Makes the command from the inputs and sends it. */
  submit: (values: FormValues, idempotencyKey: string) => Promise<CommandResult>;
  onDone?: (result: CommandResult) => void;
  children: ComponentChildren;
  /** Text under the heading. */
  intro?: ComponentChildren;
  class?: string;
}

export function CommandForm(props: CommandFormProps) {
  const text = useText(TEXT);
  const id = useId();
  const [key, setKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{
    detail: string;
    errors: Array<{ path: string; message: string }>;
  } | null>(null);
  const [done, setDone] = useState(false);
  const alertRef = useRef<HTMLDivElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const Heading = props.level === 3 ? 'h3' : 'h2';

  const fail = (detail: string, errors: Array<{ path: string; message: string }>) => {
    setProblem({ detail, errors });
    // After the render: the alert, or the first field in error, takes the focus.
    setTimeout(() => {
      const invalid = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
      (invalid ?? alertRef.current)?.focus();
    }, 0);
  };

  const onSubmit = async (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setDone(false);
    setProblem(null);
    let values: FormValues;
    try {
      values = new FormValues(new FormData(event.currentTarget), text);
    } catch {
      return;
    }
    setBusy(true);
    try {
      const result = await props.submit(values, key);
      setKey(newIdempotencyKey());
      setDone(true);
      props.onDone?.(result);
    } catch (error: unknown) {
      if (error instanceof InputError) fail('', [{ path: error.path, message: error.message }]);
      else if (error instanceof ApiError) fail(error.message, error.problem.errors ?? []);
      else fail(String(error), []);
    } finally {
      setBusy(false);
    }
  };

  const errors = problem?.errors ?? [];
  const fields = props.fields;
  const elsewhere = fields ? errors.filter((error) => !fields.some((name) => matches(error.path, name))) : [];
  const beside = errors.filter((error) => !elsewhere.includes(error));
  // The rule's message is shown once: beside its field when it has one, else in the alert.
  const detail = beside.some((error) => error.message === problem?.detail) ? '' : (problem?.detail ?? '');
  const showAlert = problem !== null && (detail !== '' || elsewhere.length > 0 || beside.length > 0);

  return (
    <form
      ref={formRef}
      class={`card form ${props.class ?? ''}`}
      onSubmit={(event) => void onSubmit(event)}
      noValidate
      aria-labelledby={`${id}-title`}
    >
      <Heading id={`${id}-title`}>{props.title}</Heading>
      {props.intro}
      {showAlert && (
        <div ref={alertRef} class="alert error" role="alert" tabIndex={-1}>
          {beside.length > 0 && <p>{text.checkFields}</p>}
          {detail && <p>{detail}</p>}
          {elsewhere.length > 0 && (
            <ul>
              {elsewhere.map((error) => (
                <li key={error.path}>
                  <code>{error.path}</code> : {error.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <FormContext.Provider value={{ id, errors }}>{props.children}</FormContext.Provider>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? text.sending : props.submitLabel}
        </button>
        {done && (
          <span class="ok" role="status">
            {text.done}
          </span>
        )}
      </div>
    </form>
  );
}

interface FieldProps {
  name: string;
  label: string;
  hint?: string;
  required?: boolean;
}

/** Label, control, hint and the API's message for this field, tied together for assistive technology. */
function Field(
  props: FieldProps & { children: (attrs: ControlAttrs) => ComponentChildren; inline?: boolean },
) {
  const { id } = useContext(FormContext);
  const text = useText(TEXT);
  const errors = useFieldErrors(props.name);
  const controlId = `${id}-${props.name}`;
  const described = [props.hint ? `${controlId}-hint` : '', errors.length ? `${controlId}-error` : '']
    .filter(Boolean)
    .join(' ');
  const attrs: ControlAttrs = {
    id: controlId,
    name: props.name,
    'aria-invalid': errors.length > 0 ? 'true' : undefined,
    'aria-describedby': described || undefined,
    required: props.required,
  };
  const labelNode = (
    <label for={controlId}>
      {props.label}
      {props.required && <span class="required"> ({text.required})</span>}
    </label>
  );
  return (
    <div class={`field${props.inline ? ' inline' : ''}${errors.length ? ' invalid' : ''}`}>
      {props.inline ? (
        <>
          {props.children(attrs)}
          {labelNode}
        </>
      ) : (
        <>
          {labelNode}
          {props.children(attrs)}
        </>
      )}
      {props.hint && (
        <p class="hint" id={`${controlId}-hint`}>
          {props.hint}
        </p>
      )}
      {errors.length > 0 && (
        <p class="field-error" id={`${controlId}-error`}>
          {errors.join(' ')}
        </p>
      )}
    </div>
  );
}

interface ControlAttrs {
  id: string;
  name: string;
  'aria-invalid'?: 'true';
  'aria-describedby'?: string;
  required?: boolean;
}

export function TextInput(
  props: FieldProps & {
    defaultValue?: string;
    type?: 'text' | 'number' | 'date' | 'search' | 'time' | 'email';
    maxLength?: number;
    min?: number;
    max?: number;
    step?: string;
  },
) {
  return (
    <Field {...props}>
      {(attrs) => (
        <input
          {...attrs}
          type={props.type ?? 'text'}
          defaultValue={props.defaultValue}
          maxLength={props.maxLength}
          min={props.min}
          max={props.max}
          step={props.step}
        />
      )}
    </Field>
  );
}

export function DateInput(props: FieldProps & { defaultValue?: string }) {
  return <TextInput {...props} type="date" />;
}

/** A Paris date and time (`FormValues.time` reads it); defaults to now. */
export function DateTimeInput(props: FieldProps & { defaultValue?: string | null }) {
  const value = props.defaultValue === null ? undefined : (props.defaultValue ?? parisLocal());
  return (
    <Field {...props}>{(attrs) => <input {...attrs} type="datetime-local" defaultValue={value} />}</Field>
  );
}

export function TextArea(props: FieldProps & { defaultValue?: string; maxLength?: number; rows?: number }) {
  return (
    <Field {...props}>
      {(attrs) => (
        <textarea
          {...attrs}
          rows={props.rows ?? 3}
          maxLength={props.maxLength}
          defaultValue={props.defaultValue}
        />
      )}
    </Field>
  );
}

export function Select(
  props: FieldProps & {
    options: Array<[value: string, label: string]>;
    defaultValue?: string;
    placeholder?: string;
    onChange?: (value: string) => void;
  },
) {
  return (
    <Field {...props}>
      {(attrs) => (
        <select {...attrs} onChange={(event) => props.onChange?.(event.currentTarget.value)}>
          {(props.placeholder !== undefined || props.defaultValue === undefined) && (
            <option value="" selected={!props.defaultValue}>
              {props.placeholder ?? '—'}
            </option>
          )}
          {props.options.map(([value, label]) => (
            // `selected` on the option: a <select> has no default-value attribute of its own.
            <option key={value} value={value} selected={value === props.defaultValue}>
              {label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function Checkbox(
  props: FieldProps & { defaultChecked?: boolean; onChange?: (checked: boolean) => void },
) {
  return (
    <Field {...props} inline>
      {(attrs) => (
        <input
          {...attrs}
          type="checkbox"
          defaultChecked={props.defaultChecked}
          onChange={(event) => props.onChange?.(event.currentTarget.checked)}
        />
      )}
    </Field>
  );
}

/** Several values of one name (`FormValues.all`), as a group of checkboxes. */
export function CheckboxGroup(
  props: FieldProps & { options: Array<[string, string]>; defaultValues?: string[] },
) {
  const { id } = useContext(FormContext);
  const errors = useFieldErrors(props.name);
  const groupId = `${id}-${props.name}`;
  return (
    <fieldset
      class={`field group${errors.length ? ' invalid' : ''}`}
      aria-describedby={errors.length ? `${groupId}-error` : undefined}
    >
      <legend>{props.label}</legend>
      {props.options.map(([value, label]) => (
        <label key={value} class="inline">
          <input
            type="checkbox"
            name={props.name}
            value={value}
            defaultChecked={props.defaultValues?.includes(value)}
          />{' '}
          {label}
        </label>
      ))}
      {errors.length > 0 && (
        <p class="field-error" id={`${groupId}-error`}>
          {errors.join(' ')}
        </p>
      )}
    </fieldset>
  );
}

/** A filter of a list (outside a command form): a labelled select, "all" (the empty value) first when given. */
export function FilterSelect(props: {
  id: string;
  name: string;
  label: string;
  value: string;
  choices: Array<[string, string]>;
  /** The label of the empty value, which filters nothing. */
  all?: string;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.name} defaultValue={props.value}>
        {props.all !== undefined && <option value="">{props.all}</option>}
        {props.choices.map(([value, name]) => (
          <option key={value} value={value}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}
