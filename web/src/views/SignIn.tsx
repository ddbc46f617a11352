/** The sign-in page: demo users in dev mode, else a user ID and a device token. */
import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { DEMO_USERS, seedDemo } from '../demo.ts';
import { describeError } from '../format.ts';
import { signIn } from '../session.ts';
import { state } from '../state.ts';
import { Avatar, Icon } from './common.tsx';

export function SignIn() {
  const dev = state.dev.value;
  const uid = useRef<HTMLInputElement>(null);
  const first = useRef<HTMLButtonElement>(null);
  const busy = useSignal<string | null>(null);

  useEffect(() => {
    (dev ? first.current : uid.current)?.focus();
  }, [dev]);

  const demo = async (user: string) => {
    busy.value = user;
    try {
      await signIn(await seedDemo(user));
    } catch (err) {
      state.signInNotice.value = `Could not create the demo users: ${describeError(err)}`;
    } finally {
      busy.value = null;
    }
  };

  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    void signIn({ uid: String(form.get('uid') ?? '').trim(), token: String(form.get('token') ?? '').trim() });
  };

  return (
    <div class="app app-signin">
      <main class="signin" aria-labelledby="signin-title">
        <div class="brand">
          <Icon name="chat" class="logo" />
          <h1 id="signin-title">Natter</h1>
        </div>
        <p class="form-error" role="alert" id="signin-error">
          {state.signInNotice.value}
        </p>
        {dev && (
          <section class="dev-panel" aria-labelledby="dev-title">
            <h2 id="dev-title">Demo users</h2>
            <p class="hint">
              Dev mode: one click creates alice, bob and carol, a “demo” group and a few messages, then signs you in.
            </p>
            <div class="demo-buttons">
              {DEMO_USERS.map((user, i) => (
                <button
                  key={user}
                  type="button"
                  class="btn demo-user"
                  data-demo-user={user}
                  ref={i === 0 ? first : undefined}
                  disabled={busy.value !== null}
                  onClick={() => void demo(user)}
                >
                  <Avatar name={user} size="sm" />
                  <span>Sign in as {user}</span>
                </button>
              ))}
            </div>
            <p class="hint">Open a second tab as the same user to watch deletions reach it.</p>
          </section>
        )}
        <form class="signin-form" aria-labelledby="signin-manual" onSubmit={submit}>
          <h2 id="signin-manual">Sign in with a device token</h2>
          <label for="signin-uid">User ID</label>
          <input
            ref={uid}
            id="signin-uid"
            name="uid"
            autocomplete="username"
            required
            maxLength={64}
            spellcheck={false}
          />
          <label for="signin-token">Token</label>
          <input
            id="signin-token"
            name="token"
            type="password"
            autocomplete="current-password"
            required
            minLength={8}
          />
          <p class="hint">Your app backend issues tokens with POST /user/token.</p>
          <button type="submit" class="btn btn-primary">
            Sign in
          </button>
        </form>
      </main>
    </div>
  );
}
