// The frame's entry and its only module with side effects. widget.js opens it as
// /widget/frame.html?site=<site>&host=<page origin>&page=<page URL>&l=<locale>[&c=1][&x=1]
//   #<{ k: the page's kamflo: keys, u: the signed-in user }>
// `c`: connect at once (a conversation in progress); `x`: only forget the visitor (shutdown).
import { render } from 'preact';
import { DEFAULT_SITE } from '@kamflo/shared/constants';
import { App } from './App.tsx';
import { createClient, type Identity } from './client.ts';
import { createFrameBridge } from './frame.ts';
import { loadMessages, pickLocale } from './i18n.ts';
import { applyEpoch, browserStorage, forgetVisitor, fromFragment, visitorKey } from './storage.ts';
import './styles.css';

const params = new URLSearchParams(location.search);
const site = params.get('site') || DEFAULT_SITE;
const frame = createFrameBridge(params.get('host') ?? '', site);

const { keys, user } = fromFragment(location.hash);
const storage = browserStorage({ initial: keys, mirror: frame.store });
// After a shutdown (a new epoch on the page) this site's visitor is forgotten first.
applyEpoch(storage, site, keys);

// `x`: widget.js loaded this frame only for that.
if (!params.has('x')) {
  // A visitor saved for another signed-in user (or for none) is not this one's: start afresh.
  const saved = storage.get<Identity>(visitorKey(site));
  if (saved && saved.user !== user?.id) forgetVisitor(storage, site);
  // The API and the socket live on the origin that served this frame.
  const client = createClient({ origin: location.origin, site, storage });
  client.setUser(user);

  const loadLocale = async (requested: string) => {
    const locale = pickLocale(requested);
    return { locale, messages: await loadMessages(locale) };
  };
  void loadLocale(params.get('l') ?? 'en').then(({ locale, messages }) => {
    render(
      <App
        client={client}
        storage={storage}
        site={site}
        page={params.get('page') ?? undefined}
        frame={frame}
        connect={params.has('c')}
        locale={locale}
        messages={messages}
        loadLocale={loadLocale}
      />,
      document.getElementById('app')!,
    );
    frame.ready();
  });
}
