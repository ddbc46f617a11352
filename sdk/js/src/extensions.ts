/**
 * Message extensions, as Tencent's (`setMessageExtensions`, `getMessageExtensions`,
 * `deleteMessageExtensions`, `MESSAGE_EXTENSIONS_UPDATED`, `MESSAGE_EXTENSIONS_DELETED`): the
 * checks its SDK makes before any request, and its answers' and events' shapes.
 *
 * The server keeps key-value pairs on messages (`POST /v1/messages/extensions`, `/delete`,
 * `/list`): any member who sees a sent message sets and deletes them, up to 20 a call and 300 a
 * message, and every device of every member who sees it hears each change, the changing user's
 * own included (`messageExtensionsUpdated`, `messageExtensionsDeleted`). Unlike Tencent's, any
 * message takes them (no `isSupportExtension` needed at send), and the later write of a key wins:
 * there are no sequence numbers, so no write is refused for a conflict. Extensions are not part
 * of the sync: after a reconnect an app asks getMessageExtensions again for the messages it shows.
 */
import { TYPES } from './constants.js';
import { conversationTypeOf } from './convert.js';
import { invalidArgument } from './errors.js';
import type { Message, MessageExtension, MessageExtensionResult } from './types.js';
import type { WireMessageExtension } from './wire.js';

/** The most pairs one setMessageExtensions sets, or keys one deleteMessageExtensions names (Tencent's, and the server's). */
export const MAX_EXTENSIONS_PER_CALL = 20;

/**
 * The message of an extension call: a Message, sent (`status` `'success'`), as Tencent's checks
 * it, but without its `isSupportExtension`, which Natter does not ask for; not a system notice,
 * which belongs to no conversation of members. Refused with 40001 before any request.
 */
export function checkExtensionMessage(message: unknown, call: string): asserts message is Message {
  const m = message as Partial<Message> | null | undefined;
  if (typeof m !== 'object' || m === null || typeof m.ID !== 'string' || typeof m.conversationID !== 'string') {
    throw invalidArgument(`${call}: message: a Message this SDK returned (sendMessage, getMessageList, MESSAGE_RECEIVED)`);
  }
  if (m.status !== 'success') throw invalidArgument(`${call}: message: only a sent message (status "success")`);
  if (conversationTypeOf(m.conversationID) === TYPES.CONV_SYSTEM) {
    throw invalidArgument(`${call}: message: system notices take no extensions`);
  }
}

/**
 * setMessageExtensions' `extensions`: an array of at least one `{ key, value }`, both strings.
 * Past 20 only the first 20 are set, as Tencent's (`warn` tells so). The server checks the rest
 * (keys of 1–100 bytes, each once; values of at most 1,024). Refused with 40001 before any
 * request.
 */
export function checkExtensions(extensions: unknown, warn: (message: string) => void): MessageExtension[] {
  const isPair = (pair: Partial<MessageExtension> | null) =>
    typeof pair === 'object' && pair !== null && typeof pair.key === 'string' && typeof pair.value === 'string';
  if (!Array.isArray(extensions) || !extensions.every(isPair)) {
    throw invalidArgument('setMessageExtensions: extensions: an array of { key, value }, both strings');
  }
  if (extensions.length === 0) throw invalidArgument('setMessageExtensions: extensions: is empty; give at least one { key, value }');
  if (extensions.length > MAX_EXTENSIONS_PER_CALL) {
    warn(
      `setMessageExtensions: the length of extensions cannot exceed ${MAX_EXTENSIONS_PER_CALL}: ` +
        `setting the first ${MAX_EXTENSIONS_PER_CALL}`,
    );
  }
  return (extensions as MessageExtension[]).slice(0, MAX_EXTENSIONS_PER_CALL).map(({ key, value }) => ({ key, value }));
}

/**
 * deleteMessageExtensions' `keyList`: left out, `null` or `[]` deletes every key, as Tencent's
 * (`undefined` here, for the server's "every key"); else 1–20 keys, each once (a key named twice
 * is asked once). Refused with 40001 before any request.
 */
export function checkExtensionKeys(keyList: unknown): string[] | undefined {
  if (keyList === undefined || keyList === null) return undefined;
  if (!Array.isArray(keyList) || keyList.some((key) => typeof key !== 'string')) {
    throw invalidArgument('deleteMessageExtensions: keyList: an array of keys, or none to delete every key');
  }
  const keys = [...new Set(keyList as string[])];
  if (keys.length === 0) return undefined;
  if (keys.length > MAX_EXTENSIONS_PER_CALL) {
    throw invalidArgument(`deleteMessageExtensions: keyList: ${keys.length} keys; at most ${MAX_EXTENSIONS_PER_CALL} a call`);
  }
  return keys;
}

/** A pair as Tencent's hands it out: `{ key, value }`. */
export function toExtension(wire: WireMessageExtension): MessageExtension {
  return { key: wire.key, value: wire.value };
}

/**
 * An entry of setMessageExtensions' or deleteMessageExtensions' answer, as Tencent's: `{ code,
 * key, value }`, `code` 0 (the server does all of a call or none of it), a deleted key's `value`
 * `''`.
 */
export function toExtensionResult(key: string, value = ''): MessageExtensionResult {
  return { code: 0, key, value };
}
