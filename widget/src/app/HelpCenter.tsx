import { useState } from 'preact/hooks';
import type { WidgetClient } from './client.ts';
import { Field, FormError, useForm } from './form.tsx';
import { useT } from './i18n.ts';

/**
 * "Submit a request": a form that becomes a ticket, answered by email when the server has email
 * configured, and in this widget while the visitor is here.
 */
export function HelpCenter({ client, emailEnabled }: { client: WidgetClient; emailEnabled: boolean }) {
  const t = useT();
  const form = useForm(['name', 'email', 'subject', 'message'] as const);
  const [ticket, setTicket] = useState<number>();

  if (ticket) {
    return (
      <div class="kf-done">
        <p class="kf-done-title" role="status">
          {t('hcDone', { number: ticket })}
        </p>
        <p>{t(emailEnabled ? 'hcDoneBody' : 'hcDoneBodyNoEmail')}</p>
        <button type="button" class="kf-secondary" onClick={() => setTicket(undefined)}>
          {t('hcAnother')}
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
      <h2 id="kf-hc-title">{t('hcTitle')}</h2>
      <p>{t(emailEnabled ? 'hcIntro' : 'hcIntroNoEmail')}</p>
      <Field form="kf-hc" label={t('name')} autocomplete="name" {...form.field('name')} />
      <Field form="kf-hc" label={t('email')} type="email" autocomplete="email" {...form.field('email')} />
      <Field form="kf-hc" label={t('subject')} {...form.field('subject')} />
      <Field form="kf-hc" label={t('message')} multiline {...form.field('message')} />
      <FormError text={form.summary} />
      <button type="submit" class="kf-primary" disabled={form.busy}>
        {t('hcSubmit')}
      </button>
    </form>
  );
}
