import type { Connection } from 'mongoose';
import {
  DEFAULT_ALERT_RULES,
  DEFAULT_SLA_MS,
  PRIORITIES,
  type AlertRule,
  type AlertRulesInput,
  type Priority,
  type SlaSettingsDto,
  type SlaSettingsInput,
} from '@kamflo/shared';
import { settingModel } from '../db/settings.ts';

const HOUR = 3600_000;

/**
 * Admin-changeable ticket settings: SLA windows and SLA alert rules. Read from the database on
 * every use, so every server process on the same database sees a change at once.
 */
export function createSettingsService(deps: { conn: Connection }) {
  const Setting = settingModel(deps.conn);

  async function read<T>(key: string): Promise<T | undefined> {
    const doc = await Setting.findById(key).lean();
    return doc?.value as T | undefined;
  }
  async function write(key: string, value: unknown): Promise<void> {
    await Setting.updateOne({ _id: key }, { $set: { value } }, { upsert: true });
  }

  /** SLA windows in hours (defaults from the handbook: 1, 4, 24, 72). */
  async function getSla(): Promise<SlaSettingsDto> {
    const stored = await read<Partial<SlaSettingsDto>>('sla');
    const out = {} as SlaSettingsDto;
    for (const p of PRIORITIES) out[p] = stored?.[p] ?? DEFAULT_SLA_MS[p] / HOUR;
    return out;
  }
  async function setSla(input: SlaSettingsInput): Promise<SlaSettingsDto> {
    await write('sla', { critical: input.critical, high: input.high, medium: input.medium, low: input.low });
    return getSla();
  }
  /** The windows in milliseconds, as slaDueAt() takes them. */
  async function slaWindowsMs(): Promise<Record<Priority, number>> {
    const hours = await getSla();
    const out = {} as Record<Priority, number>;
    for (const p of PRIORITIES) out[p] = Math.round(hours[p] * HOUR);
    return out;
  }

  async function getAlertRules(): Promise<AlertRule[]> {
    return (await read<AlertRule[]>('alertRules')) ?? DEFAULT_ALERT_RULES;
  }
  async function setAlertRules(input: AlertRulesInput): Promise<AlertRule[]> {
    const rules: AlertRule[] = input.rules.map((r) => ({
      id: r.id,
      priorities: [...new Set(r.priorities)],
      condition: r.condition,
      ...(r.condition !== 'past_due' ? { hours: r.hours } : {}),
      notify: [...new Set(r.notify)],
    }));
    await write('alertRules', rules);
    return rules;
  }

  return { getSla, setSla, slaWindowsMs, getAlertRules, setAlertRules };
}
export type SettingsService = ReturnType<typeof createSettingsService>;
