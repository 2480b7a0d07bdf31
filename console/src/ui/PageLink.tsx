/** The page a visitor was on. Only http(s) URLs become links: visitors control this text. */
export function PageLink({ url }: { url: string }) {
  let safe: URL | null = null;
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') safe = parsed;
  } catch {
    // Not a URL: shown as text.
  }
  if (!safe) return <span class="page-url">{url}</span>;
  return (
    <a class="page-url" href={safe.href} target="_blank" rel="noopener noreferrer">
      {safe.host + safe.pathname}
    </a>
  );
}
