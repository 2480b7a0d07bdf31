/**
 * Kamflo's chat widget: the page's API, as defined by widget.js.
 * Served beside the loader at /widget.d.ts. Add it to your project (e.g. `types/kamflo.d.ts`) to
 * type `Kamflo(...)` calls; it declares the global `Kamflo` function and `window.Kamflo`.
 *
 * Calls made before widget.js has loaded are queued by this stub and run in order once it has:
 *
 *   window.Kamflo = window.Kamflo || function () { (Kamflo.q = Kamflo.q || []).push(arguments) };
 *
 * A call with an unknown command or bad arguments is reported on the console ("Kamflo: …") and
 * ignored; no call ever throws into the page.
 */
declare namespace Kamflo {
  /** The signed-in user of your site. */
  interface User {
    /** Your stable id for the user. */
    id: string;
    email?: string;
    name?: string;
    /** HMAC-SHA256 of `id` with the site's secret, hex: proves the id is yours (identity verification). */
    hash?: string;
    /** Or an HS256 JWT signed with the site's secret: `sub` = id, optional `email`, `name`; `exp` required. */
    jwt?: string;
  }

  interface BootOptions {
    /** The site key (default: the script tag's `data-site`, else "default"). */
    site?: string;
    user?: User;
    /** "en", "de", "es", "fr" or "ar" (or a tag such as "de-AT"); default: the browser's language. */
    locale?: string;
    /** No launcher button: the page opens the widget with `Kamflo('open')`. */
    hideLauncher?: boolean;
    /** The page the visitor is on, for their agent (default: the current URL when the widget opens). */
    page?: string;
  }

  interface UpdateOptions {
    user?: User;
    locale?: string;
    /** Call on route changes of a single-page app: the agent sees where the visitor is now. */
    page?: string;
  }

  /** Events the page can listen to with `Kamflo('on', event, fn)`. */
  interface Events {
    /** The widget is booted and its launcher on the page (a listener added later is called at once). */
    ready: () => void;
    open: () => void;
    close: () => void;
    /** The number of agent messages the visitor has not seen, whenever it changes. */
    unread: (count: number) => void;
  }

  type EventName = keyof Events;
}

/**
 * Boots the widget. widget.js boots by itself with the script tag's `data-site`, unless the page
 * queued a `boot` before the script loaded or the tag has `data-boot="manual"`. Booting again
 * replaces the widget with one for the new options.
 */
declare function Kamflo(command: 'boot', options?: Kamflo.BootOptions): void;
/** Changes the user, the language or the page without a reload. */
declare function Kamflo(command: 'update', options: Kamflo.UpdateOptions): void;
/**
 * Removes the widget and forgets the visitor on this device (their token, unsent messages and
 * conversation): call it when your user signs out, then `boot` again for the next one.
 */
declare function Kamflo(command: 'shutdown'): void;
declare function Kamflo(command: 'open' | 'close' | 'toggle'): void;
/** Opens the widget with `text` in the message box, for the visitor to send. */
declare function Kamflo(command: 'showNewMessage', text: string): void;
declare function Kamflo<E extends Kamflo.EventName>(command: 'on' | 'off', event: E, listener: Kamflo.Events[E]): void;

interface Window {
  Kamflo: typeof Kamflo;
}
