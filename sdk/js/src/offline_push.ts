/**
 * sendMessage's `offlinePushInfo`, as Tencent's (`OFFLINE_PUSH_INFO_PARAMS`): the words of the
 * offline push a message makes.
 *
 * Natter pushes nothing to phones itself: for each message it posts the `msg.offline` webhook to
 * the app backend, naming the members with no connected device, and the backend sends the real
 * push (APNs, FCM, a vendor's). The sender's `title`, `description` and `extension` travel in
 * that webhook (`offline_push_info`), and `disablePush: true` makes no `msg.offline` at all.
 * Tencent's push settings for its own push service (`androidInfo`, `apnsInfo`,
 * `disableVoipPush`, `ignoreIOSBadge`, its vendors' channel IDs) have no receiver here and are
 * dropped: the app backend chooses those itself.
 */
import { invalidArgument } from './errors.js';
import type { WireOfflinePushInfo } from './wire.js';

/** The texts the server takes, by Tencent's names (the server's limits: 1 KiB, 1 KiB, 8 KiB). */
const TEXTS = ['title', 'description', 'extension'] as const;

/**
 * What `POST /v1/messages` gets of sendMessage's `offlinePushInfo`: `disablePush` when `true` (as
 * Tencent's reads it), the texts that are not empty (Tencent's sends an empty one as none);
 * `undefined` when nothing is left. Left out or `null`: nothing. Anything but an object, or a
 * text that is no string, is refused with 40001 before any request; the server refuses a text
 * too long (40001 naming `offlinePushInfo.title`, …), which fails the send as any refusal does.
 */
export function offlinePushRequest(info: unknown): WireOfflinePushInfo | undefined {
  if (info === undefined || info === null) return undefined;
  if (typeof info !== 'object' || Array.isArray(info)) {
    throw invalidArgument('offlinePushInfo: an object { disablePush?, title?, description?, extension? }');
  }
  const given = info as Record<string, unknown>;
  const request: WireOfflinePushInfo = {};
  if (given.disablePush === true) request.disablePush = true;
  for (const key of TEXTS) {
    const text = given[key];
    if (text === undefined || text === null || text === '') continue;
    if (typeof text !== 'string') throw invalidArgument(`offlinePushInfo.${key}: a string`);
    request[key] = text;
  }
  return Object.keys(request).length > 0 ? request : undefined;
}
