/**
 * Signalling, as Tencent's (its `TSignaling`: `invite`, `inviteInGroup`, `cancel`, `accept`,
 * `reject`, `modifyInvitation`, `getSignalingInfo`, and the events NEW_INVITATION_RECEIVED,
 * INVITEE_ACCEPTED, INVITEE_REJECTED, INVITATION_CANCELLED, INVITATION_TIMEOUT,
 * INVITATION_MODIFIED), which TUICallKit rings its calls with.
 *
 * Tencent's SDK makes signalling out of ordinary custom messages, and so does this one, in the same
 * format, so Natter's SDK and Tencent's understand each other's. Each step is a `TIMCustomElem`
 * whose `payload.data` is the JSON of
 * `{ businessID: 1, timeout, data, inviteID, groupID, actionType, inviter, inviteeList }`
 * (`actionType` 1 invite, 2 cancel, 3 accept, 4 reject, 5 timeout; `timeout` in seconds on an
 * invitation, 0 on the rest), sent with Tencent's `'High'` priority:
 * - an invitation goes to the invitee (one-to-one) or to the group (`inviteInGroup`, the invitees
 *   named in `inviteeList`), and so does the inviter's cancellation and timeout;
 * - an invitee's answer (accept, reject) and timeout go to the group, or to the inviter.
 * Each names the invitation by its `inviteID` (a UUID the inviter makes); an answer's and an
 * invitee's timeout's `inviteeList` is that one invitee. A message is a signalling message when
 * its `cloudCustomData` says `"type":"tsignaling"`, or its `payload.data` holds both `inviteID`
 * and `actionType` (Tencent's test).
 *
 * The messages are stored and delivered as any message is (MESSAGE_RECEIVED, history, the
 * conversation's last message, unread counts), unless sent `onlineUserOnly`, as the invitation's
 * answers then are too; Tencent's markers in `data` keep one out of the unread count. The SDK follows the invitations it sends and receives: it reads each
 * signalling message it receives while the app listens for a signalling event, and tells the
 * app, with Tencent's data, before MESSAGE_RECEIVED. It times each invitation with a timeout, as
 * Tencent's: the invitee at the timeout (less the time the invitation took to arrive), the
 * inviter 5 s later; whichever side's time runs out first sends the timeout message, which ends
 * the invitation for the others (for the inviter, once every invitee's time ran out).
 */
import { TSignaling, TYPES } from './constants.js';
import { ErrorCode, NatterError, invalidArgument, notLoggedIn } from './errors.js';
import type {
  ChatResponse,
  EventData,
  Message,
  Signaling as SignalingInfo,
  SignalingEventName,
  SignalingResponse,
} from './types.js';
import type { TSignalingValue } from './constants.js';

/** The signalling events, by which the SDK knows the app listens. */
export const SIGNALING_EVENTS: readonly SignalingEventName[] = [
  TSignaling.NEW_INVITATION_RECEIVED,
  TSignaling.INVITEE_ACCEPTED,
  TSignaling.INVITEE_REJECTED,
  TSignaling.INVITATION_CANCELLED,
  TSignaling.INVITATION_TIMEOUT,
  TSignaling.INVITATION_MODIFIED,
];

/** The business Tencent's signalling messages are of (TUICallKit's too). */
const BUSINESS_ID = 1;

/** How long the inviter waits past the timeout before it times the invitation out (Tencent's). */
const INVITER_GRACE_S = 5;

/**
 * How old, in seconds, the last message of a conversation may be for the SDK to look in it for
 * invitations that came while the user was logged out (Tencent's `history_s_time`), and how many
 * of its unread messages it reads at most (`history_s_count`).
 */
export const HISTORY_WINDOW_S = 300;
export const HISTORY_COUNT = 20;

/** A signalling message's `payload.data`, as Tencent's SDK writes it (the key order too). */
export interface SignalData {
  businessID: number;
  timeout: number;
  data: string;
  inviteID: string;
  groupID: string;
  actionType: number;
  inviter: string;
  inviteeList: string[];
}

/** What Signaling needs of the SDK. */
export interface SignalingHost {
  /** The logged-in user; `null` when logged out. */
  me(): string | null;
  /** The server's clock, in ms. */
  now(): number;
  /** Whether the app listens for a signalling event: only then are received messages read. */
  listened(): boolean;
  /**
   * Sends a signalling message: a custom message (`payload.data` the signal's JSON, priority
   * `'High'`) to a user or, when the signal names a group, to the group; rejects as sendMessage.
   */
  send(to: string, signal: SignalData, options: SendOptions): Promise<ChatResponse<{ message: Message }>>;
  /** modifyMessage. */
  modify(message: Message): Promise<ChatResponse<{ message: Message }>>;
  emit<N extends SignalingEventName>(name: N, data: EventData<N>): void;
}

export interface SendOptions {
  onlineUserOnly: boolean;
  offlinePushInfo?: unknown;
}

/** An invitation the instance follows (Tencent's "invite info"). */
interface Invitation {
  /** As last sent or received; `inviteeList` those yet to answer. */
  signal: SignalData;
  /** The invitation's message (the one modifyInvitation changes). */
  message: Message;
  /** Sent `onlineUserOnly`: so are its answers, cancellation and timeout. */
  onlineUserOnly: boolean;
  /** A cancel, accept or reject of it is under way. */
  handling: boolean;
  timer: ReturnType<typeof setTimeout> | null;
}

/** An invitation to send, as invite's and inviteInGroup's options give it. */
interface InviteRequest {
  groupID: string;
  inviteeList: string[];
  data: string;
  timeout: number;
  onlineUserOnly: boolean;
  offlinePushInfo: unknown;
}

export class Signaling {
  private readonly invitations = new Map<string, Invitation>();
  /** Bumped by clear(): what was under way for the session before drops its results. */
  private epoch = 0;

  constructor(private readonly host: SignalingHost) {}

  // ---------------------------------------------------------------- calls

  /**
   * invite and inviteInGroup: sends the invitation, then follows it and times it. Resolves
   * sendMessage's answer with the `inviteID`; rejects as sendMessage.
   */
  async invite(call: 'invite' | 'inviteInGroup', options: unknown): Promise<SignalingResponse> {
    const request = checkInvite(call, options);
    const me = this.host.me();
    if (me === null) throw notLoggedIn();
    return this.sendInvite(me, request, newInviteID());
  }

  /**
   * inviteSync and inviteInGroupSync, as Tencent's: returns the `inviteID` at once; then calls
   * `successCb({ inviteID })` once the invitation is sent, or `errorCb(code, message)`. Options it
   * refuses call `errorCb` at once and return `''`.
   */
  inviteSync(call: 'inviteSync' | 'inviteInGroupSync', options: unknown, successCb: unknown, errorCb: unknown): string {
    const fail = (err: unknown) => {
      if (typeof errorCb !== 'function') return;
      const e = err instanceof NatterError ? err : undefined;
      errorCb(e?.code ?? ErrorCode.INTERNAL, e?.message ?? String(err));
    };
    let request: InviteRequest;
    let me: string | null;
    try {
      request = checkInvite(call === 'inviteSync' ? 'invite' : 'inviteInGroup', options);
      me = this.host.me();
      if (me === null) throw notLoggedIn();
    } catch (err) {
      fail(err);
      return '';
    }
    const inviteID = newInviteID();
    this.sendInvite(me, request, inviteID)
      .then(() => {
        if (typeof successCb === 'function') successCb({ inviteID });
      }, fail)
      // An app's callback that throws must not surface as an unhandled rejection.
      .catch((err: unknown) => console.error(`natter: a ${call} callback threw`, err));
    return inviteID;
  }

  private async sendInvite(me: string, request: InviteRequest, inviteID: string): Promise<SignalingResponse> {
    const { groupID, inviteeList, data, timeout, onlineUserOnly, offlinePushInfo } = request;
    const signal: SignalData = {
      ...base(data, inviteID, groupID),
      actionType: TSignaling.ACTION_TYPE_INVITE,
      inviter: me,
      inviteeList,
      timeout,
    };
    const epoch = this.epoch;
    const sent = await this.host.send(groupID || inviteeList[0]!, signal, { onlineUserOnly, offlinePushInfo });
    if (epoch === this.epoch) {
      this.invitations.set(inviteID, {
        signal: copy(signal),
        message: sent.data.message,
        onlineUserOnly,
        handling: false,
        timer: null,
      });
      // The inviter gives the invitees 5 s more, as Tencent's.
      if (timeout > 0) this.startTimer(inviteID, timeout + INVITER_GRACE_S, true);
    }
    return { ...sent, inviteID };
  }

  /**
   * The inviter cancels: the invitees still waiting hear INVITATION_CANCELLED. Tencent's 8020 for
   * an invitation the instance does not follow (or one being cancelled), 8011 when the user is
   * not its inviter.
   */
  async cancel(options: unknown): Promise<SignalingResponse> {
    const o = handleOptions(options, 'cancel');
    const invitation = typeof o.inviteID === 'string' ? this.invitations.get(o.inviteID) : undefined;
    if (!invitation || invitation.handling) {
      throw signalingError(ErrorCode.INVALID_CANCEL_MESSAGE, 'invalid_cancel_message', `cancel: no invitation "${String(o.inviteID)}" to cancel here`);
    }
    const me = this.host.me();
    if (me === null) throw notLoggedIn();
    const { signal } = invitation;
    if (signal.inviter !== me) {
      throw noPermission(`cancel: only the inviter (${signal.inviter}) cancels invitation "${signal.inviteID}"`);
    }
    const cancel: SignalData = {
      ...base(o.data, signal.inviteID, ''),
      actionType: TSignaling.ACTION_TYPE_CANCEL_INVITE,
      groupID: signal.groupID,
      inviter: me,
      inviteeList: [...signal.inviteeList],
    };
    const sent = await this.answer(invitation, signal.groupID || signal.inviteeList[0]!, cancel, o);
    this.forget(signal.inviteID);
    return { ...sent, inviteID: signal.inviteID };
  }

  /** An invitee accepts: the inviter (and, in a group, the other invitees) hear INVITEE_ACCEPTED. */
  async accept(options: unknown): Promise<SignalingResponse> {
    return this.reply('accept', options, TSignaling.ACTION_TYPE_ACCEPT_INVITE);
  }

  /** An invitee rejects: the inviter (and, in a group, the other invitees) hear INVITEE_REJECTED. */
  async reject(options: unknown): Promise<SignalingResponse> {
    return this.reply('reject', options, TSignaling.ACTION_TYPE_REJECT_INVITE);
  }

  private async reply(call: 'accept' | 'reject', options: unknown, actionType: number): Promise<SignalingResponse> {
    const o = handleOptions(options, call);
    if (typeof o.inviteID !== 'string' || o.inviteID === '') throw invalidArgument(`${call}: inviteID: an invitation's inviteID`);
    const invitation = this.invitations.get(o.inviteID);
    if (!invitation || invitation.handling) throw invalidInviteID(call, o.inviteID);
    const me = this.host.me();
    if (me === null) throw notLoggedIn();
    const { signal } = invitation;
    if (!signal.inviteeList.includes(me)) {
      throw noPermission(`${call}: ${me} is not (any more) an invitee of invitation "${signal.inviteID}"`);
    }
    const answer: SignalData = {
      ...base(o.data, signal.inviteID, ''),
      actionType,
      groupID: signal.groupID,
      inviter: signal.inviter,
      inviteeList: [me],
    };
    const sent = await this.answer(invitation, signal.groupID || signal.inviter, answer, o);
    // As Tencent's: a rejection ends the invitation here; an acceptance leaves a group's to the
    // invitees yet to answer.
    if (actionType === TSignaling.ACTION_TYPE_REJECT_INVITE) this.forget(signal.inviteID);
    else this.update(answer);
    return { ...sent, inviteID: signal.inviteID };
  }

  /** Sends a cancellation or an answer, marking the invitation busy meanwhile. */
  private async answer(
    invitation: Invitation,
    to: string,
    signal: SignalData,
    options: { onlineUserOnly?: unknown; offlinePushInfo?: unknown },
  ): Promise<ChatResponse<{ message: Message }>> {
    invitation.handling = true;
    try {
      return await this.host.send(to, signal, {
        onlineUserOnly: invitation.onlineUserOnly || options.onlineUserOnly === true,
        offlinePushInfo: options.offlinePushInfo,
      });
    } finally {
      invitation.handling = false;
    }
  }

  /**
   * Changes the invitation's `data`, as Tencent's: its message is changed (modifyMessage), the
   * JSON with the new `data`, and everyone following it, this instance included, hears
   * INVITATION_MODIFIED. Resolves modifyMessage's answer; Tencent's 8010 for an invitation the
   * instance does not follow; modifyMessage's rejections (the message then as it was).
   */
  async modifyInvitation(options: unknown): Promise<ChatResponse<{ message: Message }>> {
    const { inviteID, data } = (options ?? {}) as { inviteID?: unknown; data?: unknown };
    if (typeof inviteID !== 'string' || inviteID === '') throw invalidArgument("modifyInvitation: inviteID: an invitation's inviteID");
    if (typeof data !== 'string' || data === '') throw invalidArgument('modifyInvitation: data: the new data, a string that is not empty');
    const invitation = this.invitations.get(inviteID);
    if (!invitation) throw invalidInviteID('modifyInvitation', inviteID);
    const signal: SignalData = { ...invitation.signal, data };
    const { message } = invitation;
    const payload = message.payload as { data: string };
    const previous = payload.data;
    payload.data = JSON.stringify(signal);
    let answer: ChatResponse<{ message: Message }>;
    try {
      answer = await this.host.modify(message);
    } catch (err) {
      payload.data = previous;
      throw err;
    }
    const now = this.invitations.get(inviteID);
    if (now) now.signal.data = data;
    return answer;
  }

  // ---------------------------------------------------------------- messages received

  /**
   * Messages the app is about to hear of (MESSAGE_RECEIVED, or a replay of the invitations that
   * came while the user was logged out): each signalling message moves the invitation it names
   * and tells the app, in order. An invitation the same batch cancels, or which every invitee
   * answered or timed out in it (a batch a reconnect brings), is over before the app hears of it,
   * as Tencent's SDK passes over such invitations at login; so is one whose timeout passed.
   */
  received(messages: readonly Message[]): void {
    const me = this.host.me();
    if (me === null || !this.host.listened()) return;
    const signals: [SignalData, Message][] = [];
    for (const message of messages) {
      const signal = signalOf(message);
      if (signal) signals.push([signal, message]);
    }
    if (signals.length === 0) return;
    const over = settled(signals.map(([signal]) => signal), me);
    for (const [signal, message] of signals) {
      switch (signal.actionType) {
        case TSignaling.ACTION_TYPE_INVITE:
          if (!over.has(signal.inviteID)) this.invited(signal, message, me);
          break;
        case TSignaling.ACTION_TYPE_ACCEPT_INVITE:
        case TSignaling.ACTION_TYPE_REJECT_INVITE:
          if (this.invitations.has(signal.inviteID)) {
            this.update(signal);
            const name =
              signal.actionType === TSignaling.ACTION_TYPE_ACCEPT_INVITE ? TSignaling.INVITEE_ACCEPTED : TSignaling.INVITEE_REJECTED;
            this.host.emit(name, { ...told(signal), invitee: signal.inviteeList[0] ?? '' });
          }
          break;
        case TSignaling.ACTION_TYPE_CANCEL_INVITE:
          if (this.invitations.has(signal.inviteID)) {
            this.forget(signal.inviteID);
            this.host.emit(TSignaling.INVITATION_CANCELLED, told(signal));
          }
          break;
        case TSignaling.ACTION_TYPE_INVITE_TIMEOUT:
          if (this.invitations.has(signal.inviteID)) {
            this.update(signal);
            this.host.emit(TSignaling.INVITATION_TIMEOUT, {
              ...told(signal),
              inviteeList: [...signal.inviteeList],
              isSelfTimeout: false,
            });
          }
          break;
        default:
          break;
      }
    }
  }

  /**
   * Messages changed (MESSAGE_MODIFIED): a signalling message of an invitation the instance
   * follows brings its new content (modifyInvitation), told as INVITATION_MODIFIED.
   */
  modified(messages: readonly Message[]): void {
    if (this.host.me() === null || !this.host.listened()) return;
    for (const message of messages) {
      const signal = signalOf(message);
      const invitation = signal ? this.invitations.get(signal.inviteID) : undefined;
      if (!signal || !invitation) continue;
      invitation.signal = copy(signal);
      invitation.message = message;
      this.host.emit(TSignaling.INVITATION_MODIFIED, { inviteID: signal.inviteID, data: signal.data });
    }
  }

  /**
   * An invitation received: followed and told when it is to the user (one-to-one, or naming them
   * in a group) and its time has not run out; timed from its remaining time when the user is not
   * its inviter (their own invitation, sent from another device, is followed but not timed here).
   */
  private invited(signal: SignalData, message: Message, me: string): void {
    if (signal.groupID !== '' && !signal.inviteeList.includes(me)) return;
    if (this.invitations.has(signal.inviteID)) return; // told already
    let timeout = signal.timeout;
    const now = this.host.now();
    // Over before it arrived, as Tencent's reads it: more whole seconds went by since it was sent
    // (its time is in seconds) than it waits.
    if (timeout > 0 && Math.floor(now / 1000) - message.time > timeout) return;
    const age = (now - message.time * 1000) / 1000;
    if (timeout > 0 && age > 0) timeout = Math.max(0, timeout - age);
    this.invitations.set(signal.inviteID, {
      signal: copy(signal),
      message,
      onlineUserOnly: message.sequence === 0,
      handling: false,
      timer: null,
    });
    this.host.emit(TSignaling.NEW_INVITATION_RECEIVED, { ...told(signal), inviteeList: [...signal.inviteeList] });
    if (signal.inviter !== me && signal.timeout > 0) this.startTimer(signal.inviteID, timeout, false);
  }

  // ---------------------------------------------------------------- timeouts

  /** Times the invitation out on this side in `seconds`, unless it is over by then. */
  private startTimer(inviteID: string, seconds: number, isInviter: boolean): void {
    const invitation = this.invitations.get(inviteID);
    if (!invitation) return;
    const epoch = this.epoch;
    invitation.timer = setTimeout(() => {
      const now = this.invitations.get(inviteID);
      if (now) now.timer = null;
      if (epoch === this.epoch && this.waiting(inviteID, isInviter)) void this.timedOut(inviteID, isInviter);
    }, seconds * 1000);
  }

  /**
   * Whether the invitation still waits on this side: one-to-one, while followed; in a group, for
   * the inviter while an invitee has not answered, for an invitee while they have not.
   */
  private waiting(inviteID: string, isInviter: boolean): boolean {
    const invitation = this.invitations.get(inviteID);
    if (!invitation) return false;
    const { groupID, inviteeList } = invitation.signal;
    if (groupID === '') return true;
    return isInviter ? inviteeList.length > 0 : inviteeList.includes(this.host.me() ?? '');
  }

  /**
   * This side's time ran out: the others are told (the inviter's timeout names the invitees yet to
   * answer, an invitee's the invitee), and the app hears INVITATION_TIMEOUT with
   * `isSelfTimeout: true` and the message sent. Unlike Tencent's, which then tells nothing and
   * keeps waiting, a timeout message that cannot be sent still ends the invitation here, told with
   * the message that failed.
   */
  private async timedOut(inviteID: string, isInviter: boolean): Promise<void> {
    const invitation = this.invitations.get(inviteID);
    const me = this.host.me();
    if (!invitation || me === null) return;
    const { signal } = invitation;
    const timeout: SignalData = {
      ...base(signal.data, inviteID, signal.groupID),
      actionType: TSignaling.ACTION_TYPE_INVITE_TIMEOUT,
      inviter: signal.inviter,
      inviteeList: isInviter ? [...signal.inviteeList] : [me],
    };
    const to = signal.groupID || (isInviter ? signal.inviteeList[0]! : signal.inviter);
    const epoch = this.epoch;
    let message: Message | undefined;
    try {
      message = (await this.host.send(to, timeout, { onlineUserOnly: invitation.onlineUserOnly })).data.message;
    } catch (err) {
      const failed = err instanceof NatterError ? (err.data as { message?: Message } | undefined)?.message : undefined;
      message = failed;
    }
    if (epoch !== this.epoch) return;
    const { data, groupID, inviteeList, inviter } = timeout;
    this.host.emit(TSignaling.INVITATION_TIMEOUT, {
      data,
      groupID,
      inviteID,
      inviteeList,
      inviter,
      isSelfTimeout: true,
      ...(message ? { message } : {}),
    });
    if (isInviter) this.forget(inviteID);
    else this.update(timeout);
  }

  // ---------------------------------------------------------------- the invitations followed

  /**
   * An answer or a timeout of an invitation: a group's no longer waits for the invitee it names
   * (over once none is left); a one-to-one invitation is over.
   */
  private update(signal: SignalData): void {
    const invitation = this.invitations.get(signal.inviteID);
    if (!invitation) return;
    if (signal.groupID === '') {
      this.forget(signal.inviteID);
      return;
    }
    const list = invitation.signal.inviteeList;
    const who = signal.inviteeList[0];
    const at = who === undefined ? -1 : list.indexOf(who);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.forget(signal.inviteID);
  }

  private forget(inviteID: string): void {
    const invitation = this.invitations.get(inviteID);
    if (!invitation) return;
    if (invitation.timer) clearTimeout(invitation.timer);
    this.invitations.delete(inviteID);
  }

  /** At logout: every invitation forgotten, every timer stopped, what was under way dropped. */
  clear(): void {
    this.epoch += 1;
    for (const invitation of this.invitations.values()) if (invitation.timer) clearTimeout(invitation.timer);
    this.invitations.clear();
  }
}

// ------------------------------------------------------------------ the messages

/**
 * Whether a message is a signalling message, as Tencent's tells: a custom message whose
 * `cloudCustomData` says `"type":"tsignaling"`, or whose `payload.data` holds both `inviteID` and
 * `actionType`.
 */
export function isSignalingMessage(message: unknown): boolean {
  const m = message as Partial<Message> | null | undefined;
  if (typeof m !== 'object' || m === null || m.type !== TYPES.MSG_CUSTOM) return false;
  const cloud = typeof m.cloudCustomData === 'string' ? m.cloudCustomData : '';
  const data = typeof m.payload?.data === 'string' ? (m.payload.data as string) : '';
  return /"type":"tsignaling"/.test(cloud) || (data.includes('inviteID') && data.includes('actionType'));
}

/**
 * A signalling message's content, each field of the type it should be (`''`, `[]` or 0 when it is
 * not); `null` for any other message, or one whose `payload.data` is no JSON object of an
 * `inviteID`. An `actionType` that is none of Tencent's moves nothing.
 */
export function signalOf(message: unknown): SignalData | null {
  if (!isSignalingMessage(message)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse((message as Message).payload.data as string);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const p = parsed as Partial<Record<keyof SignalData, unknown>>;
  if (typeof p.inviteID !== 'string' || p.inviteID === '') return null;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const number = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);
  return {
    businessID: number(p.businessID, 0),
    timeout: number(p.timeout, 0),
    data: text(p.data),
    inviteID: p.inviteID,
    groupID: text(p.groupID),
    actionType: number(p.actionType, 0),
    inviter: text(p.inviter),
    inviteeList: Array.isArray(p.inviteeList) ? p.inviteeList.filter((u): u is string => typeof u === 'string') : [],
  };
}

/**
 * getSignalingInfo's answer, Tencent's `{ businessID, inviteID, groupID, inviter, inviteeList,
 * data, actionType, timeout }`, with its defaults for what the message lacks (`businessID` 1,
 * `actionType` 1).
 */
export function signalingInfo(message: unknown): SignalingInfo | null {
  const signal = signalOf(message);
  if (!signal) return null;
  return {
    businessID: signal.businessID || BUSINESS_ID,
    inviteID: signal.inviteID,
    groupID: signal.groupID,
    inviter: signal.inviter,
    inviteeList: signal.inviteeList,
    data: signal.data,
    actionType: (signal.actionType || TSignaling.ACTION_TYPE_INVITE) as TSignalingValue,
    timeout: signal.timeout,
  };
}

/** What every signalling event tells first, as Tencent's: `{ inviteID, inviter, groupID, data }`. */
function told(signal: SignalData): { inviteID: string; inviter: string; groupID: string; data: string } {
  return { inviteID: signal.inviteID, inviter: signal.inviter, groupID: signal.groupID, data: signal.data };
}

/** The fields every signal starts with, in Tencent's order. */
function base(data: string, inviteID: string, groupID: string) {
  return { businessID: BUSINESS_ID, timeout: 0, data, inviteID, groupID };
}

function copy(signal: SignalData): SignalData {
  return { ...signal, inviteeList: [...signal.inviteeList] };
}

/**
 * The invitations to the user a batch of signals ends: cancelled in it, or with every invitee
 * answered or timed out in it (Tencent's reading of the invitations at login).
 */
function settled(signals: readonly SignalData[], me: string): Set<string> {
  const waiting = new Map<string, Set<string>>();
  const over = new Set<string>();
  for (const signal of signals) {
    const { inviteID } = signal;
    if (signal.actionType === TSignaling.ACTION_TYPE_INVITE) {
      if (signal.inviteeList.includes(me)) waiting.set(inviteID, new Set(signal.inviteeList));
      continue;
    }
    const invitees = waiting.get(inviteID);
    if (!invitees) continue;
    if (signal.actionType === TSignaling.ACTION_TYPE_CANCEL_INVITE) {
      over.add(inviteID);
    } else {
      for (const invitee of signal.inviteeList) invitees.delete(invitee);
      if (invitees.size === 0) over.add(inviteID);
    }
  }
  return over;
}

// ------------------------------------------------------------------ the calls' options

/**
 * invite's options (a `userID`; with a `groupID` and `inviteeList` an invitation in that group,
 * as Tencent's runtime takes them) and inviteInGroup's (a `groupID` and a non-empty
 * `inviteeList`), as Tencent's checks them, and a `data` that is a string, a `timeout` that is a
 * whole number from 0 up, an `onlineUserOnly` that is a boolean. Refused with 40001 before any
 * request.
 */
function checkInvite(call: 'invite' | 'inviteInGroup', options: unknown): InviteRequest {
  if (typeof options !== 'object' || options === null) throw invalidArgument(`${call}: options required`);
  const o = options as Record<string, unknown>;
  if (o.groupID !== undefined && o.groupID !== null && typeof o.groupID !== 'string') {
    throw invalidArgument(`${call}: groupID: a group ID`);
  }
  const groupID = typeof o.groupID === 'string' ? o.groupID : '';
  if (call === 'invite' && (typeof o.userID !== 'string' || o.userID === '')) {
    throw invalidArgument('invite: userID: the invitee (inviteInGroup invites members of a group)');
  }
  if (call === 'inviteInGroup' && groupID === '') throw invalidArgument('inviteInGroup: groupID: a group ID');
  let inviteeList = [o.userID as string];
  if (groupID !== '') {
    const list = o.inviteeList;
    if (!Array.isArray(list) || list.some((u) => typeof u !== 'string' || u === '')) {
      throw invalidArgument(`${call}: inviteeList: an array of the invitees' userIDs`);
    }
    if (list.length === 0) throw invalidArgument(`${call}: inviteeList: is empty; invite at least one member`);
    inviteeList = [...(list as string[])];
  }
  if (o.data !== undefined && typeof o.data !== 'string') throw invalidArgument(`${call}: data: a string`);
  const timeout = o.timeout ?? 0;
  if (typeof timeout !== 'number' || !Number.isSafeInteger(timeout) || timeout < 0) {
    throw invalidArgument(`${call}: timeout: seconds, a whole number from 0 up (0: no timeout)`);
  }
  if (o.onlineUserOnly !== undefined && typeof o.onlineUserOnly !== 'boolean') {
    throw invalidArgument(`${call}: onlineUserOnly: a boolean`);
  }
  return {
    groupID,
    inviteeList,
    data: (o.data as string | undefined) ?? '',
    timeout,
    onlineUserOnly: o.onlineUserOnly === true,
    offlinePushInfo: o.offlinePushInfo,
  };
}

/** cancel's, accept's and reject's options: an object, its `data` a string (`''` when left out). */
function handleOptions(
  options: unknown,
  call: string,
): { inviteID: unknown; data: string; onlineUserOnly?: unknown; offlinePushInfo?: unknown } {
  if (typeof options !== 'object' || options === null) throw invalidArgument(`${call}: options { inviteID, data? } required`);
  const o = options as Record<string, unknown>;
  if (o.data !== undefined && typeof o.data !== 'string') throw invalidArgument(`${call}: data: a string`);
  return { inviteID: o.inviteID, data: (o.data as string | undefined) ?? '', onlineUserOnly: o.onlineUserOnly, offlinePushInfo: o.offlinePushInfo };
}

function signalingError(code: number, error: string, message: string): NatterError {
  return new NatterError({ code, error, message });
}

function invalidInviteID(call: string, inviteID: string): NatterError {
  return signalingError(
    ErrorCode.SIGNALING_INVALID_INVITE_ID,
    'invalid_invite_id',
    `${call}: no invitation "${inviteID}" to answer here (never received on this instance, or over), or an answer to it is under way`,
  );
}

function noPermission(message: string): NatterError {
  return signalingError(ErrorCode.SIGNALING_NO_PERMISSION, 'no_permission', message);
}

/** A new invitation's ID: a UUID, as Tencent's makes them. */
export function newInviteID(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const hex = (bits: number, length: number) =>
    Math.floor(Math.random() * 2 ** bits)
      .toString(16)
      .padStart(length, '0');
  return `${hex(32, 8)}-${hex(16, 4)}-4${hex(12, 3)}-${(8 + Math.floor(Math.random() * 4)).toString(16)}${hex(12, 3)}-${hex(24, 6)}${hex(24, 6)}`;
}
