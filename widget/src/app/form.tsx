import { useState } from 'preact/hooks';
import { MAX_MESSAGE_LENGTH, MAX_SUBJECT_LENGTH, type Ack, type ErrorBody } from '@kamflo/shared/constants';
import { errorText, useT, type MessageKey } from './i18n.ts';

/** The longest value the server takes per field (shared/src/schemas.ts). */
const MAX: Record<string, number> = { text: MAX_MESSAGE_LENGTH, message: MAX_MESSAGE_LENGTH, subject: MAX_SUBJECT_LENGTH, name: 100, email: 254 };

/**
 * What is wrong with a field the server refused, in the widget's words: the server's issue only
 * says which field; the value says why.
 */
export function issueKey(name: string, value: string): MessageKey {
  if (!value.trim()) return 'fieldRequired';
  if (value.length > (MAX[name] ?? Infinity)) return 'fieldTooLong';
  if (name === 'email') return 'fieldEmail';
  return 'fieldInvalid';
}

/**
 * Form state with the server as the validator: its `bad_request` issues are shown next to the
 * fields they name, anything else above the button.
 */
export function useForm<K extends string>(fields: readonly K[]) {
  const t = useT();
  const empty = () => Object.fromEntries(fields.map((f) => [f, ''])) as Record<K, string>;
  const [values, setValues] = useState(empty);
  const [error, setError] = useState<ErrorBody | null>(null);
  /** The values as they were sent: a refused field keeps its message while the visitor edits it. */
  const [sent, setSent] = useState(empty);
  const [busy, setBusy] = useState(false);
  const beside = !!error?.issues?.length && error.issues.every((i) => (fields as readonly string[]).includes(i.path));

  return {
    busy,
    /** What to say above the button: the error itself, or a pointer to the fields. */
    summary: error ? (beside ? t('checkFields') : errorText(t, error)) : undefined,
    /** Props for <Field> bound to one value. */
    field: (name: K) => ({
      name,
      value: values[name],
      error: error?.issues?.some((i) => i.path === name) ? issueKey(name, sent[name]) : undefined,
      maxLength: MAX[name],
      set: (v: string) => setValues((x) => ({ ...x, [name]: v })),
    }),
    /** Runs `send` once at a time; on success the fields are cleared. */
    submit: (send: (values: Record<K, string>) => Promise<Ack<unknown>>) => async (e: Event) => {
      e.preventDefault();
      const form = e.currentTarget as HTMLFormElement;
      if (busy) return;
      setBusy(true);
      setSent(values);
      const r = await send(values);
      setBusy(false);
      setError(r.ok ? null : r.error);
      if (r.ok) setValues(empty);
      // Take the visitor (and a screen reader) to the first field the server refused.
      else setTimeout(() => form.querySelector<HTMLElement>('[aria-invalid=true]')?.focus());
    },
  };
}

export function Field(props: {
  form: string;
  name: string;
  label: string;
  value: string;
  set: (v: string) => void;
  error?: MessageKey;
  maxLength?: number;
  type?: string;
  multiline?: boolean;
  autocomplete?: string;
}) {
  const t = useT();
  const id = `${props.form}-${props.name}`;
  const common = {
    id,
    name: props.name,
    value: props.value,
    maxLength: props.maxLength,
    required: true,
    autocomplete: props.autocomplete,
    'aria-invalid': props.error ? true : undefined,
    'aria-describedby': props.error ? `${id}-error` : undefined,
    onInput: (e: Event) => props.set((e.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class="kf-field">
      <label for={id}>{props.label}</label>
      {props.multiline ? <textarea rows={4} {...common} /> : <input type={props.type ?? 'text'} {...common} />}
      {props.error && (
        <small id={`${id}-error`} class="kf-error">
          {t(props.error, { label: props.label })}
        </small>
      )}
    </div>
  );
}

export function FormError({ text }: { text?: string }) {
  return text ? (
    <p class="kf-error" role="alert">
      {text}
    </p>
  ) : null;
}
