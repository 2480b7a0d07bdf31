import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { HcPublicArticleDto, HcSearchResultDto } from '@kamflo/shared';
import type { Ack } from '@kamflo/shared/constants';
import type { WidgetClient } from './client.ts';
import { FormError } from './form.tsx';
import { errorText, useT } from './i18n.ts';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * A search highlight (the server's escaped HTML whose only markup is `<mark>`) as text nodes:
 * the pieces between the tags are decoded and rendered as text, so nothing in it is ever parsed
 * as HTML, whatever the server sent.
 */
export function Marked({ html }: { html: string }) {
  return (
    <>
      {html.split(/<\/?mark>/).map((part, i) => {
        const text = part.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);
        return i % 2 ? <mark key={i}>{text}</mark> : text;
      })}
    </>
  );
}

/** Search results for `q` (at least `min` characters), 250 ms after the last keystroke; a newer query cancels the older one. */
export function useArticleSearch(client: WidgetClient | undefined, q: string, min: number) {
  const [results, setResults] = useState<HcSearchResultDto[]>();
  useEffect(() => {
    const text = q.trim();
    setResults(undefined);
    if (!client || text.length < min) return;
    const stale = new AbortController();
    const timer = setTimeout(async () => {
      const r = await client.search(text, stale.signal);
      if (!stale.signal.aborted) setResults(r.ok ? r.data.results : []);
    }, 250);
    return () => {
      clearTimeout(timer);
      stale.abort();
    };
  }, [client, q]);
  return results;
}

export function Results({ results, open, label, snippets }: { results: HcSearchResultDto[]; open: (slug: string) => void; label: string; snippets?: boolean }) {
  return (
    <ul class="kf-results" aria-label={label}>
      {results.map((r) => (
        <li key={r.slug}>
          <button type="button" class="kf-link" onClick={() => open(r.slug)}>
            <Marked html={r.titleHtml} />
          </button>
          {snippets && (
            <p>
              <Marked html={r.snippetHtml} />
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}

/** One published article, "Was this helpful?", and (with `ask`) "Submit a request" about it. */
export function ArticleView({
  client,
  slug,
  back,
  ask,
}: {
  client: WidgetClient;
  slug: string;
  back: () => void;
  ask?: (article: HcPublicArticleDto) => void;
}) {
  const t = useT();
  const [a, setA] = useState<Ack<HcPublicArticleDto>>();
  const [vote, setVote] = useState<Ack<unknown>>();
  useEffect(() => {
    setA(undefined);
    setVote(undefined);
    void client.article(slug).then(setA);
  }, [slug]);
  const body = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    // Links in an article open outside the widget's frame (the server set rel="noopener noreferrer nofollow").
    for (const link of body.current?.querySelectorAll('a') ?? []) link.target = '_blank';
  }, [a]);
  const answer = async (helpful: boolean) => setVote(await client.feedback(slug, helpful));
  return (
    <div class="kf-article">
      <button type="button" class="kf-link" onClick={back}>
        {t('back')}
      </button>
      {!a ? (
        <p role="status">{t('loading')}</p>
      ) : !a.ok ? (
        <FormError text={a.error.code === 'not_found' ? t('articleGone') : errorText(t, a.error)} />
      ) : (
        <article aria-labelledby="kf-art-title">
          <h2 id="kf-art-title">{a.data.title}</h2>
          {/* Sanitized by the server when it was published (server/src/helpcenter/markdown.ts): text markup, links, images. */}
          <div ref={body} class="kf-art" dangerouslySetInnerHTML={{ __html: a.data.html }} />
          <div role="group" aria-labelledby="kf-helpful">
            <p id="kf-helpful">{t('helpful')}</p>
            {vote?.ok ? (
              <p role="status">{t('thanks')}</p>
            ) : (
              <>
                <button type="button" class="kf-secondary" onClick={() => answer(true)}>
                  {t('yes')}
                </button>{' '}
                <button type="button" class="kf-secondary" onClick={() => answer(false)}>
                  {t('no')}
                </button>
                <FormError text={vote && !vote.ok ? errorText(t, vote.error) : undefined} />
              </>
            )}
          </div>
          {ask && (
            <button type="button" class="kf-primary" onClick={() => ask(a.data)}>
              {t('hcTitle')}
            </button>
          )}
        </article>
      )}
    </div>
  );
}

/**
 * Articles matching what the visitor is typing (a request's subject, a first chat message),
 * compactly: titles only. Opening one counts as a suggested read; it opens in `open`, or here.
 */
export function Suggestions({ client, text, open }: { client?: WidgetClient; text: string; open?: (slug: string) => void }) {
  const t = useT();
  const results = useArticleSearch(client, text, 3);
  const [reading, setReading] = useState<string>();
  if (!client) return null;
  if (reading) return <ArticleView client={client} slug={reading} back={() => setReading(undefined)} />;
  return results?.length ? (
    <div class="kf-sugg">
      <small aria-hidden="true">{t('suggested')}</small>
      <Results
        label={t('suggested')}
        results={results.slice(0, 3)}
        open={(slug) => {
          void client.suggestedRead(slug);
          (open ?? setReading)(slug);
        }}
      />
    </div>
  ) : null;
}
