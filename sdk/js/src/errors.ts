/**
 * Errors raised by the SDK.
 *
 * Every failed call rejects with a {@link NatterError}. For failures the server reports, `code`,
 * `error` and `message` are exactly the server's (its API reference, "Errors"), so an app can switch on the same
 * numbers whether it talks to the HTTP API directly or through the SDK. The few checks the SDK makes
 * itself before sending anything (empty list, more than 100 IDs, not logged in) reuse the server's
 * codes for the same condition, so the app sees one vocabulary. The exceptions are modifyMessage,
 * whose conflict and not-found say Tencent's 2480 and 20026 (see {@link ErrorCode}), the server's
 * `error` name and HTTP status kept, the media messages, whose file checks and uploads say
 * Tencent's numbers (2108, 2251–2253, 2300–2301, 2350–2352, 2400–2402) with the server's `error`
 * names, forwarding, which says Tencent's 2450–2454, reactions, which say Tencent's
 * 23005–23007 and 23009, pinGroupMessage, which says Tencent's 10070 when the group has the most
 * pinned messages, the calls that add members to a group, which say Tencent's 10014 when it is
 * full, sendMessageReadReceipt, which says Tencent's 2114 when no message of
 * its list asks for a receipt, setGroupMemberCustomField, which says Tencent's 2687 for a group
 * it knows is an AVChatRoom group, the cloud searches (searchCloudMessages, searchCloudUsers,
 * searchCloudGroups, searchCloudGroupMembers), which say Tencent's 60020 when the server has no
 * such search, the user status calls, whose `failureUserList` says Tencent's 70107 for a
 * user the server does not know, and the signalling calls (cancel, accept, reject,
 * modifyInvitation), which say Tencent's 8010, 8011 and 8020 for an invitation the instance does
 * not follow or may not answer.
 */

/**
 * The server's error codes, plus the SDK's own negative ones: {@link ErrorCode.NETWORK_ERROR} for
 * "no answer at all" and {@link ErrorCode.UNSUPPORTED} for what Natter does not do, and two of
 * Tencent's own that modifyMessage gives in place of the server's because apps branch on them:
 * {@link ErrorCode.MSG_MODIFY_CONFLICT} (2480) and {@link ErrorCode.MSG_NOT_FOUND} (20026), and
 * Tencent's media message codes (2108, 22xx–24xx) for files refused or failing to upload, its
 * forwarding codes (2450–2454), its server's reaction codes (23005–23007, 23009), pinned
 * message limit (10070) and full group (10014), its 2114 for read receipts with nothing to acknowledge, its 2687 for
 * member custom fields in an AVChatRoom group, its server's 60020 for a search the server cannot
 * make, its server's 70107 for an unknown user in a user status call's `failureUserList`, and its
 * signalling codes (8010, 8011, 8020).
 */
export const ErrorCode = {
  INVALID_ARGUMENT: 40001,
  INVALID_CONVERSATION_ID: 40002,
  TOO_MANY_CONVERSATIONS: 40003,
  UNAUTHENTICATED: 40101,
  PERMISSION_DENIED: 40301,
  NOT_A_MEMBER: 40302,
  /** revokeMessage: the message is older than the server's recall window (default 120 s). */
  RECALL_WINDOW_PASSED: 40303,
  /**
   * sendMessage: the peer blocks the sender (addToBlacklist, or the app backend), or the sender is
   * on the group's blacklist (set by the app backend).
   */
  IN_BLACKLIST: 40305,
  /** sendMessage: the group takes messages only from its whitelist, which lacks the sender. */
  NOT_IN_WHITELIST: 40306,
  /**
   * sendMessage: the sender is muted in the group (setGroupMemberMuteTime) until their member
   * entry's `muteUntil`, or the group is muted for all (updateGroupProfile's `muteAllMembers`) and
   * the sender is neither its owner nor an admin.
   */
  MUTED: 40307,
  NOT_FOUND: 40401,
  /**
   * The state the call meets refuses it: a group ID taken (createGroup), a conversation group
   * that exists, 50 conversations pinned already, … (modifyMessage says
   * {@link ErrorCode.MSG_MODIFY_CONFLICT} instead).
   */
  CONFLICT: 40901,
  PAYLOAD_TOO_LARGE: 41301,
  /**
   * modifyMessage only, and Tencent's number, not the server's (40901): a member changed the
   * message since the version it was read at, or it was recalled; `data.message` is the message
   * as it now is. Apps written to Tencent's SDK branch on this very number (TUIKit retries a
   * reply, a reaction or a poll on 2480 and gives up on anything else), so modifyMessage, unlike
   * the other calls, which keep the server's codes, says 2480 (`error` stays `conflict`).
   */
  MSG_MODIFY_CONFLICT: 2480,
  /**
   * deleteConversation only, and Tencent's number: none of the conversations named was in the
   * user's list, so nothing was deleted (Tencent's SDK rejects so: it deletes only the
   * conversations it holds).
   */
  CONV_NOT_FOUND: 2500,
  /**
   * quitGroup only, and Tencent's number: the user had left the group already (or been removed),
   * so there was nothing to leave. Tencent's SDK rejects so for a group it does not hold.
   */
  MEMBER_NOT_IN_GRP: 2623,
  /**
   * modifyMessage only, and Tencent's number, not the server's (40401): the message is not there
   * (any more) for the user: never sent, deleted for them, before their cleared history, outside
   * their membership. Tencent's server answers modifyMessage so and apps compare with it, hence
   * this call, unlike the others, says 20026 (`error` stays `not_found`).
   */
  MSG_NOT_FOUND: 20026,
  // Media messages (createImageMessage, createFileMessage, createAudioMessage,
  // createVideoMessage): Tencent's numbers, since apps written to its SDK branch on them. The file
  // checks sendMessage makes before the upload reject with these (the message 'fail', as
  // Tencent's), and so does a failed upload; `error` and `status` say the server's words where it
  // answered. A missing file throws at creation. See media.ts.
  /** Any media file: it is empty. */
  MSG_F_IS_EMPTY: 2108,
  /** createImageMessage without a file (or an input with none chosen). */
  MSG_I_SELECT_F_FIRST: 2251,
  /** An image not named as jpg, jpeg, gif, png, bmp or webp. */
  MSG_I_TYPES_LIMIT: 2252,
  /** An image of 20 MiB or more (or more than the server takes). */
  MSG_I_SIZE_LIMIT: 2253,
  /** createAudioMessage without a file. */
  MSG_A_UPLOAD_FAIL: 2300,
  /** Audio over 20 MiB (or more than the server takes). */
  MSG_A_SIZE_LIMIT: 2301,
  /** A video's upload failed. */
  MSG_V_UPLOAD_FAIL: 2350,
  /** A video over 100 MiB (or more than the server takes). */
  MSG_V_SIZE_LIMIT: 2351,
  /** A video that is not mp4 or QuickTime. */
  MSG_V_TYPES_LIMIT: 2352,
  /** An image's, file's or audio's upload failed (Tencent's SDK says this one for all three). */
  MSG_F_UPLOAD_FAIL: 2400,
  /** createFileMessage without a file (or an input with none chosen). */
  MSG_F_SELECT_F_FIRST: 2401,
  /** A file over 100 MiB (or more than the server takes). */
  MSG_F_SIZE_LIMIT: 2402,
  // Forwarding (createForwardMessage, createMergerMessage, downloadMergerMessage): Tencent's
  // numbers, as its SDK gives them. See merger.ts.
  /** downloadMergerMessage: the message is not a chat record (`MSG_MERGER`). */
  MSG_MERGER_TYPE_INVALID: 2450,
  /** downloadMergerMessage: the record has no `downloadKey`: its messages are in `messageList` already. */
  MSG_MERGER_KEY_INVALID: 2451,
  /** downloadMergerMessage: the stored record could not be fetched or read. */
  MSG_MERGER_DOWNLOAD_FAIL: 2452,
  /** createForwardMessage: a group tip or a group system notice, which only the server writes. */
  MSG_FORWARD_TYPE_INVALID: 2453,
  /** createForwardMessage: `payload` is not a message (or one recalled, whose content is gone). */
  MSG_FORWARD_INVALID_ELEMENTS: 2454,
  // Message reactions (addMessageReaction, removeMessageReaction): Tencent's server numbers, as its
  // SDKs hand them on and apps compare with them; `error` and `status` stay the server's
  // (`too_many_reactions`, … 409). See reactions.ts.
  /** addMessageReaction: the message has the most different reactions (Natter's 20; the server's 40904). */
  MSG_REACTION_COUNT_LIMIT: 23005,
  /** addMessageReaction: the most users reacted so (Natter's 1,000; the server's 40905). */
  MSG_REACTION_USER_COUNT_LIMIT: 23006,
  /** addMessageReaction: the user reacted so already (the server's 40902). */
  MSG_REACTION_ALREADY_CONTAIN_USER: 23007,
  /**
   * removeMessageReaction: the user has no such reaction to the message (the server's 40903),
   * nobody having it included (Tencent's 23008, which Natter does not tell apart).
   */
  MSG_REACTION_NOT_CONTAIN_USER: 23009,
  /**
   * pinGroupMessage: the group has the most pinned messages (10, Tencent's limit and Natter's; the
   * server's 40906 `too_many_pinned_messages`). Tencent's server number
   * (`ERR_SVR_GROUP_PINNED_MESSAGE_COUNT_LIMIT`), which its SDKs hand on and apps compare with;
   * `error` and `status` stay the server's. Its web runtime does not name it; the number is its
   * native SDKs' error table's (`TIMErrCode`). See pins.ts.
   */
  GROUP_PINNED_MESSAGE_COUNT_LIMIT: 10070,
  /**
   * createGroup, addGroupMember, joinGroup, handleGroupApplication: the group has as many members
   * as its creator allowed (createGroup's `maxMemberNum`; the server's 40907 `group_full`).
   * Tencent's server number (`ERR_SVR_GROUP_FULL_MEMBER_COUNT`); `error` and `status` stay the
   * server's.
   */
  GROUP_FULL_MEMBER_COUNT: 10014,
  /**
   * sendMessageReadReceipt: no message of the list asks for a receipt from the user (each is the
   * user's own or did not ask, `needReadReceipt`), so nothing is sent; Tencent's SDK's number,
   * which apps compare with (`error` `invalid_argument`, as the server would name it).
   */
  READ_RECEIPT_MSG_LIST_EMPTY: 2114,
  /**
   * setGroupMemberCustomField: the group is an AVChatRoom group, whose members have no custom
   * fields, as the SDK knows from a group call or the group's conversation; refused before any
   * request, as Tencent's SDK refuses it, with its number (`error` `permission_denied`, as the
   * server, which answers 40301 for a group the SDK did not know, names it).
   */
  OPERATION_NOT_SUPPORTED_IN_AV: 2687,
  /**
   * The cloud searches: the server has no such search (one older than `POST /v1/messages/search`,
   * or than `/v1/search/users`, `/groups` and `/group-members`, answers 404): Tencent's server code
   * for search not enabled, which its SDK hands on and apps compare with; `error` and `status`
   * stay the server's.
   */
  SEARCH_UNAVAILABLE: 60020,
  /**
   * getUserStatus, subscribeUserStatus and unsubscribeUserStatus: a user of `failureUserList` the
   * server does not know (its `message` says so). Tencent's server number for "the user does not
   * exist", which its SDK hands on in these lists. Only in the lists: the call itself resolves.
   */
  USER_NOT_FOUND: 70107,
  // Signalling (invite, cancel, accept, reject, modifyInvitation): Tencent's SDK's numbers, as its
  // signalling module gives them. See signaling.ts.
  /**
   * accept, reject, modifyInvitation: no invitation of that ID this instance follows (never
   * received or sent here, answered, cancelled or timed out already), or an answer to it is
   * under way.
   */
  SIGNALING_INVALID_INVITE_ID: 8010,
  /** cancel: the user is not the inviter; accept, reject: the user is not (any more) an invitee. */
  SIGNALING_NO_PERMISSION: 8011,
  /** cancel: no invitation of that ID this instance follows, or a cancellation of it is under way. */
  INVALID_CANCEL_MESSAGE: 8020,
  /**
   * convertVoiceToText: the speech could not be written out (the server's error, whatever it was,
   * is kept in `error`, `status` and `message`), as Tencent's SDK rejects every such failure.
   */
  VOICE_TO_TEXT_FAIL: 2118,
  /**
   * convertVoiceToText: the speech-to-text service cannot take the audio (a format it cannot
   * decode), or the message's file is not on this server: the server's 400, under Tencent's number.
   */
  UNSUPPORTED_VOICE_FORMAT: 2119,
  RATE_LIMITED: 42901,
  INTERNAL: 50001,
  /**
   * translateText, convertVoiceToText: the server's operator set up no translation, or no speech
   * to text, service (HTTP 501).
   */
  NOT_CONFIGURED: 50101,
  UNAVAILABLE: 50301,
  /**
   * The request never got an HTTP answer (DNS, refused connection, reset, CORS). Negative so it can
   * never be confused with a server code, and never 0, which means success in the reference SDK.
   */
  NETWORK_ERROR: -1,
  /**
   * A Tencent Cloud Chat call or option Natter does not offer (`updateMyProfile`'s
   * `messageSettings: 1`).
   * Negative: the SDK's own verdict, not the server's.
   */
  UNSUPPORTED: -2,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface NatterErrorInit {
  code: number;
  error: string;
  message: string;
  /** HTTP status, when the server answered. */
  status?: number;
  /** From `Retry-After` on 429 / 503, in milliseconds. */
  retryAfterMs?: number;
  /** What the call adds to its rejection, as Tencent's errors carry it (sendMessage, revokeMessage, modifyMessage: `{ message }`). */
  data?: Record<string, unknown>;
  cause?: unknown;
}

/** The rejection value of every SDK call. `instanceof Error`, so stack traces and `console.warn` work. */
export class NatterError extends Error {
  /** The server's numeric code, e.g. 40002; {@link ErrorCode.NETWORK_ERROR} when there was no answer. */
  readonly code: number;
  /** The server's snake_case name, e.g. `invalid_conversation_id`. */
  readonly error: string;
  /** HTTP status, when the server answered. */
  readonly status?: number;
  /** How long the server asked us to wait (429 / 503), in milliseconds. */
  readonly retryAfterMs?: number;
  /**
   * What the call adds, as Tencent's `imError.data`: `{ message }` from sendMessage (the message,
   * its `status` now `'fail'`), revokeMessage (the message given) and modifyMessage (the message
   * as it now is after a conflict, 2480; else the message given). Absent elsewhere.
   */
  data?: Record<string, unknown>;

  constructor(init: NatterErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'NatterError';
    this.code = init.code;
    this.error = init.error;
    if (init.status !== undefined) this.status = init.status;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.data !== undefined) this.data = init.data;
  }

  /** Keeps `JSON.stringify(err)` useful for logging: Error's own fields are not enumerable. */
  toJSON(): { code: number; error: string; message: string; status?: number } {
    return { code: this.code, error: this.error, message: this.message, status: this.status };
  }
}

/**
 * A refusal as the app gets it from a call that says Tencent's numbers for some of the server's
 * (`tencentCodes`: the server's code → Tencent's, which its SDKs hand on from its server and apps
 * compare with): the server's `error`, `message` and `status` kept. Any other error as it is.
 */
export function withTencentCode(err: unknown, tencentCodes: Readonly<Record<number, number>>): unknown {
  if (!(err instanceof NatterError)) return err;
  const code = tencentCodes[err.code];
  if (code === undefined) return err;
  return new NatterError({
    code,
    error: err.error,
    message: err.message,
    status: err.status,
    retryAfterMs: err.retryAfterMs,
    cause: err,
  });
}

/**
 * The server's `group_full` (40907, HTTP 409) → Tencent's 10014, for the calls that add members
 * to a group: createGroup, addGroupMember, joinGroup and handleGroupApplication.
 */
export const TENCENT_GROUP_FULL: Readonly<Record<number, number>> = { 40907: ErrorCode.GROUP_FULL_MEMBER_COUNT };

/** Errors the SDK raises before any request, named like the server's equivalents. */
export function invalidArgument(message: string): NatterError {
  return new NatterError({ code: ErrorCode.INVALID_ARGUMENT, error: 'invalid_argument', message });
}

export function tooManyConversations(count: number): NatterError {
  return new NatterError({
    code: ErrorCode.TOO_MANY_CONVERSATIONS,
    error: 'too_many_conversations',
    message: `conversationIDList: ${count} given; at most 100 per call`,
  });
}

export function notLoggedIn(): NatterError {
  return new NatterError({
    code: ErrorCode.UNAUTHENTICATED,
    error: 'unauthenticated',
    message: 'not logged in: call login({ userID, userSig }) first',
  });
}

/** A Tencent call or option Natter does not offer. */
export function unsupported(call: string, why: string): NatterError {
  return new NatterError({
    code: ErrorCode.UNSUPPORTED,
    error: 'unsupported',
    message: `${call}: not supported by Natter (${why})`,
  });
}
