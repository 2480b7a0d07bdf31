import type { ComponentChildren, JSX } from 'preact';
import { useAppStore } from '../app-context.tsx';
import { routeHref } from '../lib/route.ts';
import type { Route } from '../features/shell/shell.slice.ts';

type LinkProps = { to: Route; children: ComponentChildren } & Omit<JSX.HTMLAttributes<HTMLAnchorElement>, 'href'>;

/** An in-app link: a real href (new tab, copy link) that navigates through the store. */
export function Link({ to, children, ...rest }: LinkProps) {
  const navigate = useAppStore((s) => s.navigate);
  return (
    <a
      {...rest}
      href={routeHref(to)}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
