/**
 * A message's reactions, under its content: one chip per reaction, its emoji and how many reacted
 * so, marked when the user is one of them. A chip adds the user's reaction, or takes it back; its
 * tooltip (and description, for screen readers) says who reacted.
 */
import type { Message, MessageReaction } from '@natter/sdk';
import { canReact, nameOf, reactedBy, toggleReaction } from '../reactions.ts';

interface Props {
  m: Message;
  list: MessageReaction[];
  me: string;
  /** A user's name as the history shows it (the nick PROFILE_UPDATED told, else theirs, else their ID). */
  name: (userID: string, nick: string) => string;
}

export function ReactionChips({ m, list, me, name }: Props) {
  // Still shown where no more can be given (a group the user left), but not as something to press.
  const open = canReact(m);
  return (
    <div class="reactions" role="group" aria-label="Reactions">
      {list.map((r) => (
        <button
          key={r.reactionID}
          type="button"
          class="reaction"
          data-reaction={r.reactionID}
          aria-pressed={r.reactedByMyself}
          aria-disabled={!open || undefined}
          title={`${reactedBy(r, me, name)} reacted with ${nameOf(r.reactionID)}`}
          onClick={() => void toggleReaction(m, r.reactionID)}
        >
          <span class="reaction-emoji">{r.reactionID}</span> <span class="reaction-count">{r.totalUserCount}</span>
        </button>
      ))}
    </div>
  );
}
