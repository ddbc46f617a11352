/**
 * Tencent Cloud Chat calls Natter does not offer, as data, so the README, the tests and apps that
 * check agree: none any more. Translation and speech to text are passed on to the services the
 * server's operator sets up (see language.ts); the one option value still refused,
 * `updateMyProfile`'s `messageSettings: 1`, rejects with `ErrorCode.UNSUPPORTED` (-2) where it is
 * checked. The lists are kept, empty, for apps that list them.
 */

/** Promise-returning calls Natter does not offer, and why: none any more. */
export const UNSUPPORTED_CALLS: Readonly<Record<string, string>> = {};

/**
 * Message factories for types Natter cannot send, which would throw (they are synchronous): none
 * any more (chat records and forwarding are supported).
 */
export const UNSUPPORTED_MESSAGE_FACTORIES: Readonly<Record<string, string>> = {};

/** Synchronous calls Natter does not offer, which would throw: none any more (signalling is supported). */
export const UNSUPPORTED_SYNC_CALLS: Readonly<Record<string, string>> = {};
