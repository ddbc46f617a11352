/**
 * Tencent Cloud Chat calls Natter does not offer. Each exists, so code written for Tencent's SDK
 * compiles and runs up to the call, and each fails loudly: calls that return a promise reject with
 * a NatterError of code `ErrorCode.UNSUPPORTED` (-2, error `unsupported`) naming the call and the
 * reason; the few synchronous ones throw that error (or hand it to the error callback). Nothing
 * resolves as if it had worked.
 *
 * The list is data (`UNSUPPORTED_CALLS`) so the README, the tests and the class agree.
 */
import { unsupported } from './errors.js';
import type { ChatResponse, Message } from './types.js';

/** Every unsupported promise-returning call and why. */
export const UNSUPPORTED_CALLS = {
  // messages
  translateText: 'Natter has no translation service',
  convertVoiceToText: 'Natter has no speech recognition',
  // groups
  initGroupAttributes: 'Natter has no group attributes',
  setGroupAttributes: 'Natter has no group attributes',
  deleteGroupAttributes: 'Natter has no group attributes',
  markGroupMemberList: 'Natter has no member marks',
  // communities and topics
  getJoinedCommunityList: 'Natter has no communities',
  createTopicInCommunity: 'Natter has no communities',
  deleteTopicFromCommunity: 'Natter has no communities',
  updateTopicProfile: 'Natter has no communities',
  getTopicList: 'Natter has no communities',
  // signalling
  invite: 'Natter has no signalling',
  inviteInGroup: 'Natter has no signalling',
  cancel: 'Natter has no signalling',
  accept: 'Natter has no signalling',
  reject: 'Natter has no signalling',
  modifyInvitation: 'Natter has no signalling',
} as const;

/**
 * Message factories for types Natter cannot send, which would throw (they are synchronous): none
 * any more (chat records and forwarding are supported). Kept, empty, for apps that list it.
 */
export const UNSUPPORTED_MESSAGE_FACTORIES: Readonly<Record<string, string>> = {};

/** Synchronous signalling calls: they throw, or hand the error to their error callback. */
export const UNSUPPORTED_SYNC_CALLS = {
  addSignalingListener: 'Natter has no signalling',
  removeSignalingListener: 'Natter has no signalling',
  inviteSync: 'Natter has no signalling',
  inviteInGroupSync: 'Natter has no signalling',
} as const;

export type UnsupportedCall = keyof typeof UNSUPPORTED_CALLS;

function reject(call: UnsupportedCall): Promise<ChatResponse<any>> {
  return Promise.reject(unsupported(call, UNSUPPORTED_CALLS[call]));
}

/**
 * The unsupported part of Tencent's ChatSDK. Parameters are typed loosely on purpose: whatever a
 * Tencent-typed app passes must compile, and nothing is used.
 */
export class TencentUnsupported {
  // ---- messages
  translateText(..._args: any[]): Promise<ChatResponse<any>> {
    return reject('translateText');
  }
  convertVoiceToText(..._args: any[]): Promise<ChatResponse<any>> {
    return reject('convertVoiceToText');
  }

  // ---- groups and members
  initGroupAttributes(..._args: any[]): Promise<ChatResponse<any>> {
    return reject('initGroupAttributes');
  }
  setGroupAttributes(..._args: any[]): Promise<ChatResponse<any>> {
    return reject('setGroupAttributes');
  }
  deleteGroupAttributes(..._args: any[]): Promise<ChatResponse<any>> {
    return reject('deleteGroupAttributes');
  }
  markGroupMemberList(..._args: any[]): Promise<ChatResponse<any>> {
    return reject('markGroupMemberList');
  }

  // ---- communities and topics
  getJoinedCommunityList(..._args: any[]): Promise<ChatResponse<any>> {
    return reject('getJoinedCommunityList');
  }
  createTopicInCommunity(..._args: any[]): Promise<ChatResponse<any>> {
    return reject('createTopicInCommunity');
  }
  deleteTopicFromCommunity(..._args: any[]): Promise<ChatResponse<any>> {
    return reject('deleteTopicFromCommunity');
  }
  updateTopicProfile(..._args: any[]): Promise<ChatResponse<any>> {
    return reject('updateTopicProfile');
  }
  getTopicList(..._args: any[]): Promise<ChatResponse<any>> {
    return reject('getTopicList');
  }

  // ---- signalling
  addSignalingListener(_eventName: string, _handler: Function, _context?: any): void {
    throw unsupported('addSignalingListener', UNSUPPORTED_SYNC_CALLS.addSignalingListener);
  }
  removeSignalingListener(_eventName: string, _handler: Function, _context?: any): void {
    throw unsupported('removeSignalingListener', UNSUPPORTED_SYNC_CALLS.removeSignalingListener);
  }
  invite(..._args: any[]): Promise<ChatResponse<any>> {
    return reject('invite');
  }
  /** Calls `errorCb` with the error (synchronously), as Tencent's does on failure. */
  inviteSync(_options: any, _successCb: Function, errorCb: Function): void {
    errorCb(unsupported('inviteSync', UNSUPPORTED_SYNC_CALLS.inviteSync));
  }
  inviteInGroup(..._args: any[]): Promise<ChatResponse<any>> {
    return reject('inviteInGroup');
  }
  inviteInGroupSync(_options: any, _successCb: Function, errorCb: Function): void {
    errorCb(unsupported('inviteInGroupSync', UNSUPPORTED_SYNC_CALLS.inviteInGroupSync));
  }
  cancel(..._args: any[]): Promise<ChatResponse<any>> {
    return reject('cancel');
  }
  accept(..._args: any[]): Promise<ChatResponse<any>> {
    return reject('accept');
  }
  reject(..._args: any[]): Promise<ChatResponse<any>> {
    return reject('reject');
  }
  /** No message is ever a signalling message in Natter. */
  getSignalingInfo(_message: Message): null {
    return null;
  }
  modifyInvitation(..._args: any[]): Promise<ChatResponse<any>> {
    return reject('modifyInvitation');
  }
}
