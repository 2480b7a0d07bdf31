import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ERROR_CODES } from '@kamflo/shared/constants';
import { LOCALES, errorText, isRtl, loadMessages, pickLocale, systemText, translator, type Messages } from './i18n.ts';

const dir = path.resolve(import.meta.dirname, '../../locales');
const read = (code: string): Record<string, string> => JSON.parse(fs.readFileSync(path.join(dir, `${code}.json`), 'utf8'));
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('locale files', () => {
  const en = read('en');
  it('exist for English, German, Spanish, French and Arabic, and nothing else is offered', () => {
    expect(
      fs
        .readdirSync(dir)
        .map((f) => f.replace('.json', ''))
        .sort(),
    ).toEqual(['ar', 'de', 'en', 'es', 'fr']);
    expect([...LOCALES].sort()).toEqual(['ar', 'de', 'en', 'es', 'fr']);
  });

  it.each(['de', 'es', 'fr', 'ar'])('%s has every English key, no other, with the same placeholders, none left empty', (code) => {
    const m = read(code);
    expect(Object.keys(m).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      expect(placeholders(m[key]!), `${code}.${key}`).toEqual(placeholders(text));
      expect(m[key]!.trim(), `${code}.${key}`).not.toBe('');
    }
  });

  it('have a text for every error code the server sends', () => {
    for (const code of ['en', 'de', 'es', 'fr', 'ar']) for (const e of ERROR_CODES) expect(read(code)[`error_${e}`], `${code} ${e}`).toBeTruthy();
  });
});

describe('choosing and loading a locale', () => {
  it("takes the page's choice, else the browser's language, else English", () => {
    expect(pickLocale('de-AT', 'fr-FR')).toBe('de');
    expect(pickLocale('AR', 'fr-FR')).toBe('ar');
    expect(pickLocale(undefined, 'es-MX')).toBe('es');
    expect(pickLocale('pt-BR', 'fr-CA')).toBe('fr');
    expect(pickLocale('pt-BR', 'ja')).toBe('en');
  });

  it('fetches only the chosen locale, once, and nothing for English (inlined)', async () => {
    const fetchMock = vi.fn(async (url: string) => new Response(fs.readFileSync(path.join(dir, path.basename(url)))));
    const de = await loadMessages('de', fetchMock as unknown as typeof fetch);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(fetchMock.mock.calls[0]![0]).toMatch(/de\.json$/);
    expect(de.tabHelp).toBe('Hilfe-Center');
    fetchMock.mockClear();
    expect((await loadMessages('en', fetchMock as unknown as typeof fetch)).tabHelp).toBe('Help Center');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('falls back to English when the file cannot be fetched', async () => {
    const failing = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    expect((await loadMessages('fr', failing as unknown as typeof fetch)).tabHelp).toBe('Help Center');
  });

  it('lays Arabic out right to left, the others left to right', () => {
    expect(LOCALES.filter(isRtl)).toEqual(['ar']);
  });
});

describe('texts', () => {
  const t = translator(read('fr') as unknown as Messages);
  it('fills placeholders', () => {
    expect(t('queue', { position: 3, minutes: 2 })).toBe('Position dans la file : 3 · environ 2 min');
  });

  it('words error codes itself, and an unknown code as a general failure', () => {
    expect(errorText(t, { code: 'rate_limited' })).toBe('Trop de tentatives. Patientez un instant puis réessayez.');
    expect(errorText(t, { code: 'teapot' as never })).toBe('Une erreur s’est produite. Veuillez réessayer.');
  });

  it("translates the server's system lines it knows, taking out the agent's name", () => {
    expect(systemText(t, { clientId: 'sys_joined_123', text: 'Zoë Smith joined the chat' })).toBe('Zoë Smith a rejoint le chat');
    expect(systemText(t, { clientId: 'sys_ended_abc', text: 'Zoë ended the chat' })).toBe('Zoë a terminé le chat.');
    expect(systemText(t, { clientId: 'sys_ended_abc', text: 'The visitor ended the chat' })).toBe('Vous avez terminé le chat.');
    expect(systemText(t, { clientId: 'sys_ended_abc', text: 'This chat ended after a period of inactivity. Write again any time.' })).toBe(
      'Ce chat s’est terminé après une période d’inactivité. Écrivez-nous quand vous voulez.',
    );
    expect(systemText(t, { clientId: 'sys_ticket_1001', text: 'Your request is now ticket #1001.' })).toBe(
      'Votre demande est maintenant le ticket #1001. Nous vous répondrons ici.',
    );
    expect(systemText(t, { clientId: 'sys_transfer_x', text: 'You are being transferred to another agent' })).toBe(
      'Nous vous transférons à un autre conseiller.',
    );
    // A line whose template changed, or one it has never seen: as the server wrote it.
    expect(systemText(t, { clientId: 'sys_joined_1', text: 'Zoë is here' })).toBe('Zoë is here');
    expect(systemText(t, { clientId: 'srv_1', text: 'Hello' })).toBe('Hello');
  });
});
