/** The whole screen, rendered from `state`: the sign-in page or the chat, plus toasts. */
import { state } from '../state.ts';
import { FriendMenu } from './Contacts.tsx';
import { Dialogs } from './Dialogs.tsx';
import { Menu } from './Menu.tsx';
import { MessageMenu } from './MessageMenu.tsx';
import { Pane } from './Pane.tsx';
import { Sidebar } from './Sidebar.tsx';
import { SelfMenu } from './Status.tsx';
import { SignIn } from './SignIn.tsx';

export function App() {
  const phase = state.phase.value;
  return (
    <>
      {phase === 'signin' && <SignIn />}
      {phase === 'main' && <Main />}
      <Toasts />
    </>
  );
}

function Main() {
  return (
    <div class={`app app-main${state.activeID.value ? ' show-pane' : ''}`}>
      <Sidebar />
      <Pane />
      <div id="sr-live" class="visually-hidden" aria-live="assertive">
        {state.announcement.value}
      </div>
      <Menu />
      <MessageMenu />
      <FriendMenu />
      <SelfMenu />
      <Dialogs />
    </div>
  );
}

function Toasts() {
  return (
    <div id="toasts" class="toasts" role="status" aria-live="polite">
      {state.toasts.value.map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`}>
          {t.text}
        </div>
      ))}
    </div>
  );
}
