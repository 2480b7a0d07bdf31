import { useEffect, useState } from 'preact/hooks';
import type { HcPublicArticleDto } from '@kamflo/shared';
import { ArticleView, Results, Suggestions, useArticleSearch } from './articles.tsx';
import type { WidgetClient } from './client.ts';
import { Field, FormError, useForm } from './form.tsx';
import { useT } from './i18n.ts';

/**
 * The Help Center tab: with the site's Help Center on, "Search articles" and articles read here;
 * and "Submit a request": a form that becomes a ticket, answered by email when the server has
 * email configured, and in this widget while the visitor is here. Articles matching the subject
 * are suggested as the visitor types it.
 */
export function HelpCenter({ client, emailEnabled, articles }: { client: WidgetClient; emailEnabled: boolean; articles?: boolean }) {
  const t = useT();
  const form = useForm(['name', 'email', 'subject', 'message'] as const);
  const [ticket, setTicket] = useState<number>();
  const [q, setQ] = useState('');
  const [reading, setReading] = useState<string>();
  // The article the request is about (sent with it, for the agent and the reports).
  const [about, setAbout] = useState<string>();
  const hc = articles ? client : undefined;
  const results = useArticleSearch(hc, q, 2);
  const subject = form.field('subject');
  const name = form.field('name');
  const email = form.field('email');
  // A user the page signed in (Kamflo('boot', { user })): their name and email start the form.
  const user = client.user();
  useEffect(() => {
    if (user?.name && !name.value) name.set(user.name);
    if (user?.email && !email.value) email.set(user.email);
  }, [user?.id]);

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
  const ask = (a: HcPublicArticleDto) => {
    if (!subject.value.trim()) subject.set(a.title);
    setAbout(a.slug);
    setReading(undefined);
    setTimeout(() => document.getElementById('kf-hc-message')?.focus());
  };
  return (
    <>
      {reading && <ArticleView client={client} slug={reading} back={() => setReading(undefined)} ask={ask} />}
      {/* Hidden, not unmounted, while an article is open: the search and a half-written request survive. */}
      <div hidden={!!reading}>
        {hc && (
          <div role="search" class="kf-field">
            <label for="kf-hc-q">{t('searchArticles')}</label>
            <input id="kf-hc-q" type="search" maxLength={200} value={q} onInput={(e) => setQ(e.currentTarget.value)} />
            {results &&
              (results.length ? <Results label={t('searchArticles')} results={results} open={setReading} snippets /> : <p role="status">{t('noArticles')}</p>)}
          </div>
        )}
        <form
          class="kf-form"
          noValidate
          aria-labelledby="kf-hc-title"
          onSubmit={form.submit(async (v) => {
            const r = await client.submitRequest(about ? { ...v, article: about } : v);
            if (r.ok) {
              setTicket(r.data.ticketNumber);
              setAbout(undefined);
            }
            return r;
          })}
        >
          <h2 id="kf-hc-title">{t('hcTitle')}</h2>
          <p>{t(emailEnabled ? 'hcIntro' : 'hcIntroNoEmail')}</p>
          <Field form="kf-hc" label={t('name')} autocomplete="name" {...name} />
          <Field form="kf-hc" label={t('email')} type="email" autocomplete="email" {...email} />
          <Field form="kf-hc" label={t('subject')} {...subject} />
          <Suggestions client={hc} text={subject.value} open={setReading} />
          <Field form="kf-hc" label={t('message')} multiline {...form.field('message')} />
          <FormError text={form.summary} />
          <button type="submit" class="kf-primary" disabled={form.busy}>
            {t('hcSubmit')}
          </button>
        </form>
      </div>
    </>
  );
}
