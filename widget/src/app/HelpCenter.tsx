import { useState } from 'preact/hooks';
import type { WidgetClient } from './client.ts';
import { Field, FormError, useForm } from './form.tsx';

/**
 * "Submit a request": a form that becomes a ticket, answered by email when the server has email
 * configured, and in this widget while the visitor is here.
 */
export function HelpCenter({ client, emailEnabled }: { client: WidgetClient; emailEnabled: boolean }) {
  const form = useForm(['name', 'email', 'subject', 'message'] as const);
  const [ticket, setTicket] = useState<number>();

  if (ticket) {
    return (
      <div class="kf-done">
        <p class="kf-done-title" role="status">{`Request received — ticket #${ticket}`}</p>
        <p>{emailEnabled ? "We'll reply by email" : "We'll reply here while you're on our site"}. Keep the number if you write to us about it.</p>
        <button type="button" class="kf-secondary" onClick={() => setTicket(undefined)}>
          Submit another request
        </button>
      </div>
    );
  }
  return (
    <form
      class="kf-form"
      noValidate
      aria-labelledby="kf-hc-title"
      onSubmit={form.submit(async (v) => {
        const r = await client.submitRequest(v);
        if (r.ok) setTicket(r.data.ticketNumber);
        return r;
      })}
    >
      <h2 id="kf-hc-title">Submit a request</h2>
      <p>{emailEnabled ? "Can't find what you need? Tell us and we'll reply by email." : "Can't find what you need? Tell us and we'll reply here."}</p>
      <Field form="kf-hc" label="Name" autocomplete="name" {...form.field('name')} />
      <Field form="kf-hc" label="Email" type="email" autocomplete="email" {...form.field('email')} />
      <Field form="kf-hc" label="Subject" {...form.field('subject')} />
      <Field form="kf-hc" label="Message" multiline {...form.field('message')} />
      <FormError text={form.summary} />
      <button type="submit" class="kf-primary" disabled={form.busy}>
        Submit request
      </button>
    </form>
  );
}
