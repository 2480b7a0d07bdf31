import { useState } from 'preact/hooks';
import type { ChatRequestDto } from '@kamflo/shared';

export const MUTE_KEY = 'kamflo.console.offerAlertsMuted';

/** Whether new-offer alerts are muted, persisted in localStorage (a private window may refuse it). */
export function readMuted(): boolean {
  try {
    return localStorage.getItem(MUTE_KEY) === '1';
  } catch {
    return false;
  }
}

export function useMuted(): [boolean, (muted: boolean) => void] {
  const [muted, setMuted] = useState(readMuted);
  const update = (value: boolean) => {
    setMuted(value);
    try {
      if (value) localStorage.setItem(MUTE_KEY, '1');
      else localStorage.removeItem(MUTE_KEY);
    } catch {
      // Not persisted; the choice still holds for this page.
    }
  };
  return [muted, update];
}

type AudioContextCtor = typeof AudioContext;
let audio: AudioContext | null = null;

/** The audio context, created (or resumed) on a user gesture: browsers keep it silent before one. */
export function unlockAudio(): void {
  const Ctor = (globalThis as { AudioContext?: AudioContextCtor }).AudioContext ?? (globalThis as { webkitAudioContext?: AudioContextCtor }).webkitAudioContext;
  if (!Ctor) return;
  try {
    audio ??= new Ctor();
    if (audio.state === 'suspended') void audio.resume();
  } catch {
    audio = null;
  }
}

/** Two short rising tones, generated (no audio file to fetch or serve). */
export function playOfferSound(): void {
  unlockAudio();
  if (!audio) return;
  try {
    const start = audio.currentTime;
    for (const [offset, frequency] of [
      [0, 660],
      [0.16, 880],
    ] as const) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      const t = start + offset;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.2, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.14);
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start(t);
      osc.stop(t + 0.15);
    }
  } catch {
    // No sound is better than a broken console.
  }
}

export type NotificationState = NotificationPermission | 'unsupported';

export function notificationState(): NotificationState {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Asks for permission: call only from a click handler. */
export async function askNotificationPermission(): Promise<NotificationState> {
  if (typeof Notification === 'undefined') return 'unsupported';
  try {
    return await Notification.requestPermission();
  } catch {
    return Notification.permission;
  }
}

function showOfferNotification(request: ChatRequestDto): void {
  if (notificationState() !== 'granted') return;
  try {
    const n = new Notification(`New chat from ${request.visitorName}`, {
      body: request.firstMessage,
      tag: `kamflo-offer-${request.conversationId}`,
    });
    n.onclick = () => {
      window.focus();
      n.close();
    };
  } catch {
    // Some browsers only allow notifications from a service worker.
  }
}

/**
 * Sound and a browser notification once per new offer (not again for an offer already seen),
 * unless muted. Fed every `chat:requests` snapshot, on whichever page the agent is.
 */
export function createOfferAlerter(): (requests: ChatRequestDto[]) => void {
  let seen = new Set<string>();
  return (requests) => {
    const offers = requests.filter((r) => r.state === 'offered');
    const fresh = offers.filter((r) => !seen.has(r.conversationId));
    // Forget offers that are gone, so a chat offered again later alerts again.
    seen = new Set(offers.map((r) => r.conversationId));
    if (fresh.length === 0 || readMuted()) return;
    playOfferSound();
    for (const r of fresh) showOfferNotification(r);
  };
}

/** Test hook: forget the shared audio context. */
export function resetAudioForTests(): void {
  audio = null;
}
