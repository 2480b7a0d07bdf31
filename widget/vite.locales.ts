import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

/**
 * locales/<code>.json hold every text of the widget. One belongs to widget.js (`launcher`: the
 * launcher's label and the frame's title): the loader build inlines it per locale, and the
 * frame's copies leave it out. The frame gets English inlined and every other locale as a
 * file of its own, fetched only by visitors who need it (ARCHITECTURE.md, "Widget size and storage decisions").
 */
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'locales');
export const LOADER_KEYS = ['launcher'] as const;
const VIRTUAL = 'virtual:kamflo-locales';

export function readLocales(): Record<string, Record<string, string>> {
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => [f.slice(0, -5), JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))]),
  );
}

/** widget.js's texts: `{ en: 'Chat', … }` (the launcher's label and the frame's title), for `define`. */
export function loaderLabels(): string {
  const table = Object.fromEntries(Object.entries(readLocales()).map(([code, m]) => [code, m.launcher]));
  return JSON.stringify(table);
}

const forFrame = (m: Record<string, string>) =>
  JSON.stringify(Object.fromEntries(Object.entries(m).filter(([k]) => !(LOADER_KEYS as readonly string[]).includes(k))));

/**
 * `virtual:kamflo-locales` exports `en` (the English texts, inlined) and `files` (the URL of each
 * other locale's file, emitted as a hashed asset; in tests a path that is never fetched).
 */
export function localesPlugin(): Plugin {
  let build = false;
  return {
    name: 'kamflo:locales',
    configResolved(config) {
      build = config.command === 'build';
    },
    resolveId: (id) => (id === VIRTUAL ? `\0${VIRTUAL}` : undefined),
    load(id) {
      if (id !== `\0${VIRTUAL}`) return;
      const locales = readLocales();
      const files = Object.entries(locales)
        .filter(([code]) => code !== 'en')
        .map(([code, m]) => {
          for (const f of fs.readdirSync(dir)) this.addWatchFile(path.join(dir, f));
          if (!build) return `${JSON.stringify(code)}: ${JSON.stringify(`/locales/${code}.json`)}`;
          const ref = this.emitFile({ type: 'asset', name: `${code}.json`, source: forFrame(m) });
          return `${JSON.stringify(code)}: import.meta.ROLLUP_FILE_URL_${ref}`;
        });
      return `export const en = ${forFrame(locales.en!)};\nexport const files = { ${files.join(', ')} };\n`;
    },
  };
}
