// The frame's entry and its only module with side effects. widget.js opens it as
// /widget/frame.html?site=<site>&host=<page origin>&page=<page URL>#<the page's kamflo: keys>.
import { render } from 'preact';
import { DEFAULT_SITE } from '@kamflo/shared/constants';
import { App } from './App.tsx';
import { createClient } from './client.ts';
import { createFrameBridge } from './frame.ts';
import { browserStorage, fromFragment } from './storage.ts';
import './styles.css';

const params = new URLSearchParams(location.search);
const site = params.get('site') || DEFAULT_SITE;
const frame = createFrameBridge(params.get('host') ?? '');
const storage = browserStorage({ initial: fromFragment(location.hash), mirror: frame.store });
// The API and the socket live on the origin that served this frame.
const client = createClient({ origin: location.origin, site, storage });

render(<App client={client} storage={storage} site={site} page={params.get('page') ?? undefined} frame={frame} />, document.getElementById('app')!);
frame.ready();
