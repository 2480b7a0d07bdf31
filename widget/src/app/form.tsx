import { useState } from 'preact/hooks';
import type { Ack, ErrorBody } from '@kamflo/shared/constants';

/**
 * Form state with the server as the validator: its `bad_request` issues are shown next to the
 * fields they name, anything else above the button.
 */
export function useForm<K extends string>(fields: readonly K[]) {
  const empty = () => Object.fromEntries(fields.map((f) => [f, ''])) as Record<K, string>;
  const [values, setValues] = useState(empty);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [busy, setBusy] = useState(false);
  const beside = !!error?.issues?.length && error.issues.every((i) => (fields as readonly string[]).includes(i.path));

  return {
    busy,
    /** What to say above the button: the error itself, or a pointer to the fields. */
    summary: error ? (beside ? 'Please check the fields above.' : error.message) : undefined,
    /** Props for <Field> bound to one value. */
    field: (name: K) => ({
      name,
      value: values[name],
      error: error?.issues?.find((i) => i.path === name)?.message,
      set: (v: string) => setValues((x) => ({ ...x, [name]: v })),
    }),
    /** Runs `send` once at a time; on success the fields are cleared. */
    submit: (send: (values: Record<K, string>) => Promise<Ack<unknown>>) => async (e: Event) => {
      e.preventDefault();
      const form = e.currentTarget as HTMLFormElement;
      if (busy) return;
      setBusy(true);
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
  error?: string;
  type?: string;
  multiline?: boolean;
  autocomplete?: string;
}) {
  const id = `${props.form}-${props.name}`;
  const common = {
    id,
    name: props.name,
    value: props.value,
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
          {props.label} {props.error}
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
