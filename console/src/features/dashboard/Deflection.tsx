import { useEffect, useState } from 'preact/hooks';
import type { HcDeflectionDto } from '@kamflo/shared';
import { useDeps } from '../../app-context.tsx';
import { errorMessage } from '../../lib/api.ts';

/**
 * Help Center deflection over the last 30 days: visitors (per day) who opened an article the
 * widget suggested, and whether they then opened a request or chat (server/src/helpcenter/deflection.ts).
 */
export function Deflection() {
  const { api } = useDeps();
  const [data, setData] = useState<HcDeflectionDto>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.call('GET /api/helpcenter/deflection', { query: { days: '30' } }).then(setData, (e) => setError(errorMessage(e)));
  }, [api]);
  return (
    <section class="card deflection" aria-labelledby="deflection-title">
      <h2 id="deflection-title" class="card-title">
        Help Center deflection
      </h2>
      {error && <p class="error">Couldn't load the deflection counts: {error}</p>}
      {data && (
        <dl>
          <dt>Read a suggested article</dt>
          <dd>{data.read}</dd>
          <dt>Did not open a request (deflected)</dt>
          <dd>{data.deflected}</dd>
          <dt>Submitted a request or chat</dt>
          <dd>{data.submitted}</dd>
        </dl>
      )}
      <p class="muted">Visitor sessions of the last {data?.days ?? 30} days; a session is one visitor on one day.</p>
    </section>
  );
}
