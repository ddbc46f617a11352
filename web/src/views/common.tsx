/** Small pieces every view uses: icons, initials avatars, and a person's with their presence. */
import { hue, initials } from '../format.ts';
import { isOnline, statusOf } from '../presence.ts';

/** Inline SVG icons (no emoji: those depend on the system's fonts). */
const ICONS = {
  chat: ['M4 5h16v11H9l-5 4z'],
  pin: ['M9 3h6l-1 6 3 3v2H7v-2l3-3z', 'M12 14v7'],
  muted: ['M6 16v-5a6 6 0 0 1 9.6-4.8M18 11v5l2 2H7', 'M10 20a2 2 0 0 0 4 0', 'M3 3l18 18'],
  folder: ['M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z'],
  info: ['M3 12a9 9 0 1 0 18 0a9 9 0 1 0-18 0', 'M12 11v5', 'M12 8h.01'],
  clip: ['M20 11.5l-8.3 8.3a5 5 0 0 1-7.1-7.1l8.8-8.8a3.3 3.3 0 0 1 4.7 4.7l-8.8 8.8a1.7 1.7 0 0 1-2.4-2.4l8.1-8.1'],
  file: ['M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z', 'M14 3v5h5'],
  smile: ['M3 12a9 9 0 1 0 18 0a9 9 0 1 0-18 0', 'M8 14.5s1.5 2 4 2 4-2 4-2', 'M9 9.5h.01', 'M15 9.5h.01'],
  search: ['M4 11a7 7 0 1 0 14 0a7 7 0 1 0-14 0', 'M16 16l5 5'],
  check: ['M5 12.5l4.5 4.5L19 7.5'],
  checks: ['M2 12.5l4.5 4.5L16 7.5', 'M11.5 16l1 1L22 7.5'],
  list: ['M9 6h12', 'M9 12h12', 'M9 18h12', 'M4 6h.01', 'M4 12h.01', 'M4 18h.01'],
} as const;

export function Icon({ name, class: cls = '' }: { name: keyof typeof ICONS; class?: string }) {
  return (
    <span class={`icon ${cls}`.trim()} aria-hidden="true">
      <svg
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        stroke-linecap="round"
        stroke-linejoin="round"
      >
        {ICONS[name].map((d) => (
          <path key={d} d={d} />
        ))}
      </svg>
    </span>
  );
}

export function Avatar({ name, group = false, size = 'md' }: { name: string; group?: boolean; size?: 'sm' | 'md' }) {
  return (
    <span
      class={`avatar avatar-${size}${group ? ' avatar-group' : ''}`}
      aria-hidden="true"
      style={{ '--avatar-hue': String(hue(name)) }}
    >
      {initials(name)}
    </span>
  );
}

/**
 * A person's avatar with a green dot while they are online (presence.ts), named for screen readers
 * and in its tooltip; nothing while they are not, or not known.
 */
export function PersonAvatar({ name, userID, size = 'md' }: { name: string; userID: string; size?: 'sm' | 'md' }) {
  const online = isOnline(statusOf(userID));
  return (
    <span class={`avatar-wrap avatar-wrap-${size}`}>
      <Avatar name={name} size={size} />
      {online && <span class="presence-dot" role="img" aria-label="online" title="online" />}
    </span>
  );
}
