/**
 * Natter's web chat client, on the TypeScript SDK (`@natter/sdk`, Tencent Cloud Chat's web API).
 *
 * One path from state to screen: `state.ts` holds everything shown, SDK events (session.ts) and user
 * actions (actions.ts, thread.ts) write it, and the views (views/) render from it with Preact, which
 * re-renders whatever read a signal that changed.
 */
import { render } from 'preact';
import { start } from './session.ts';
import { App } from './views/App.tsx';

render(<App />, document.getElementById('app')!);
void start();
