import { CATEGORIES, CATEGORY_LABELS, PRIORITIES, PRIORITY_LABELS, type Category, type Priority } from '@kamflo/shared/constants';

/** The labelled Priority select used wherever a ticket's priority is chosen. */
export function PriorityField({ value, onChange }: { value: Priority; onChange: (p: Priority) => void }) {
  return (
    <label class="field">
      <span>Priority</span>
      <select value={value} onChange={(e) => onChange(e.currentTarget.value as Priority)}>
        {PRIORITIES.map((p) => (
          <option key={p} value={p}>
            {PRIORITY_LABELS[p]}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The labelled Category select used wherever a ticket's category is chosen. */
export function CategoryField({ value, onChange }: { value: Category; onChange: (c: Category) => void }) {
  return (
    <label class="field">
      <span>Category</span>
      <select value={value} onChange={(e) => onChange(e.currentTarget.value as Category)}>
        {CATEGORIES.map((c) => (
          <option key={c} value={c}>
            {CATEGORY_LABELS[c]}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A form's error line and its submit and Cancel buttons. */
export function FormFooter(props: { error: string | null; saving: boolean; submit: string; tone?: 'primary' | 'success' | 'danger'; onCancel: () => void }) {
  return (
    <>
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      <div class="actions">
        <button type="submit" class={`button ${props.tone ?? 'primary'}`} disabled={props.saving}>
          {props.submit}
        </button>
        <button type="button" class="button ghost" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </>
  );
}
