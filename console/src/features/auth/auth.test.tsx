import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/preact';
import { App } from '../../App.tsx';
import { createConsoleApp, renderWith } from '../../test/render.tsx';
import { agent, apiError } from '../../test/fakes.ts';

function signedOutApp() {
  const app = createConsoleApp({ signedIn: false });
  app.api.routes['GET /api/auth/me'] = () => {
    throw apiError(401, 'unauthorized', 'Sign in first');
  };
  return app;
}

function fillIn(email: string, password: string) {
  fireEvent.input(screen.getByRole('textbox', { name: 'Email' }), { target: { value: email } });
  fireEvent.input(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('Sign in', () => {
  it('shows the form when there is no session, signs in, then connects the socket', async () => {
    const app = signedOutApp();
    app.api.routes['POST /api/auth/sign-in'] = () => agent;
    renderWith(app, <App />);

    await screen.findByRole('button', { name: 'Sign in' });
    expect(screen.queryByRole('alert')).toBeNull(); // a 401 on load is not an error
    expect(app.realtime.connected).toBe(false);

    fillIn(' dana@example.com ', 'correct horse');

    expect(await screen.findByText('Dana Agent')).toBeTruthy();
    expect(app.api.callsTo('POST /api/auth/sign-in')).toEqual([{ body: { email: 'dana@example.com', password: 'correct horse' } }]);
    expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull();
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Dashboard' })).toBeTruthy();
    await waitFor(() => expect(app.realtime.connected).toBe(true));
    await waitFor(() => expect(app.realtime.emittedOf('chat:list')).toEqual([{}]));
  });

  it('says "Wrong email or password" when the server refuses and stays on the form', async () => {
    const app = signedOutApp();
    app.api.routes['POST /api/auth/sign-in'] = () => {
      throw apiError(401, 'unauthorized', 'Wrong email or password');
    };
    renderWith(app, <App />);
    await screen.findByRole('button', { name: 'Sign in' });

    fillIn('dana@example.com', 'wrong');

    expect((await screen.findByRole('alert')).textContent).toBe('Wrong email or password');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(app.realtime.connected).toBe(false);
  });

  it('surfaces other server errors as they come', async () => {
    const app = signedOutApp();
    app.api.routes['POST /api/auth/sign-in'] = () => {
      throw apiError(429, 'rate_limited', 'Too many attempts. Try again in a minute.');
    };
    renderWith(app, <App />);
    await screen.findByRole('button', { name: 'Sign in' });

    fillIn('dana@example.com', 'x');

    expect((await screen.findByRole('alert')).textContent).toBe('Too many attempts. Try again in a minute.');
  });

  it('restores an existing session on load, and Sign out returns to the form', async () => {
    const app = createConsoleApp({ signedIn: false });
    app.api.routes['GET /api/auth/me'] = () => agent;
    app.api.routes['POST /api/auth/sign-out'] = () => ({ ok: true });
    renderWith(app, <App />);

    fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));

    await screen.findByRole('button', { name: 'Sign in' });
    expect(app.api.callsTo('POST /api/auth/sign-out')).toHaveLength(1);
    expect(screen.queryByText('Dana Agent')).toBeNull();
    expect(app.realtime.connected).toBe(false);
  });

  it('goes back to the form when a later request finds the session expired', async () => {
    const app = createConsoleApp({ signedIn: false });
    app.api.routes['GET /api/auth/me'] = () => agent;
    app.api.routes['GET /api/tickets'] = () => {
      throw apiError(401, 'unauthorized', 'Sign in first');
    };
    renderWith(app, <App />);

    fireEvent.click(await screen.findByRole('link', { name: 'Tickets' }));

    expect((await screen.findByRole('alert')).textContent).toBe('Your session has expired. Please sign in again.');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
  });
});

describe('Set password from a one-time link', () => {
  it('opened at #/set-password/<token>, sets the password with that token, then leads to sign-in', async () => {
    history.replaceState(null, '', '#/set-password/tok-abc_123');
    const app = signedOutApp();
    app.api.routes['POST /api/auth/set-password'] = () => ({ ok: true });
    renderWith(app, <App />);
    fireEvent.input(await screen.findByLabelText('New password'), { target: { value: 'a long new passphrase' } });
    fireEvent.click(screen.getByRole('button', { name: 'Set password' }));
    expect((await screen.findByRole('status')).textContent).toContain('Your password is set');
    expect(app.api.callsTo('POST /api/auth/set-password')).toEqual([{ body: { token: 'tok-abc_123', password: 'a long new passphrase' } }]);
    expect(location.hash).toBe('#/');
    fireEvent.click(screen.getByRole('button', { name: 'Go to sign-in' }));
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
  });

  it("shows the server's refusal of a used link", async () => {
    history.replaceState(null, '', '#/set-password/used');
    const app = signedOutApp();
    app.api.routes['POST /api/auth/set-password'] = () => {
      throw apiError(400, 'bad_request', 'This link is invalid, used or expired; ask an admin for a new one');
    };
    renderWith(app, <App />);
    fireEvent.input(await screen.findByLabelText('New password'), { target: { value: 'a long new passphrase' } });
    fireEvent.click(screen.getByRole('button', { name: 'Set password' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/invalid, used or expired/);
    history.replaceState(null, '', '#/');
  });
});
