import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { serverRoot } from '../lib/paths.ts';
import { consoleHeaders, demoHeaders, loaderHeaders, widgetFrameHeaders } from './security.ts';

// From the package's folder, not this module's: the production bundle (dist/main.js) sits elsewhere.
const root = serverRoot();
export const defaultStaticDirs = {
  widget: path.resolve(root, '../widget/dist'),
  /** The page API's TypeScript declarations: a source file of the widget, never sent to visitors. */
  widgetTypes: path.resolve(root, '../widget/widget.d.ts'),
  console: path.resolve(root, '../console/dist'),
  demo: path.resolve(root, 'src/demo'),
};
export type StaticDirs = typeof defaultStaticDirs;

/** The built widget and console, and a demo page that embeds the widget like a customer's site. */
export function staticRoutes(dirs: StaticDirs) {
  const r = Router();
  r.get('/widget.js', loaderHeaders, (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.sendFile(path.join(dirs.widget, 'widget.js'), (err) => err && res.status(404).end());
  });
  // Beside widget.js, for the developers of the sites that embed it.
  r.get('/widget.d.ts', loaderHeaders, (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('text/plain; charset=utf-8');
    res.sendFile(dirs.widgetTypes, (err) => err && res.status(404).end());
  });
  r.use('/widget', widgetFrameHeaders, express.static(path.join(dirs.widget, 'widget'), { index: false }));
  r.use('/console', consoleHeaders, express.static(dirs.console, { index: 'index.html' }));
  // Client-side routes of the console all load its index.html.
  r.get(/^\/console(\/.*)?$/, consoleHeaders, (_req, res) => {
    const index = path.join(dirs.console, 'index.html');
    if (fs.existsSync(index)) res.sendFile(index);
    else res.status(404).type('text').send('The console is not built: run the start command from the README.');
  });
  r.use('/demo', demoHeaders, express.static(dirs.demo));
  r.get('/', (_req, res) => res.redirect('/console/'));
  return r;
}
