/**
 * Tencent Cloud Chat calls Natter does not offer. Each exists, so code written for Tencent's SDK
 * compiles and runs up to the call, and each fails loudly: calls that return a promise reject with
 * a NatterError of code `ErrorCode.UNSUPPORTED` (-2, error `unsupported`) naming the call and the
 * reason. Nothing resolves as if it had worked.
 *
 * The list is data (`UNSUPPORTED_CALLS`) so the README, the tests and the class agree.
 */
import { unsupported } from './errors.js';
import type { ChatResponse } from './types.js';

/** Every unsupported promise-returning call and why. */
export const UNSUPPORTED_CALLS = {
  // messages
  translateText: 'Natter has no translation service',
  convertVoiceToText: 'Natter has no speech recognition',
} as const;

/**
 * Message factories for types Natter cannot send, which would throw (they are synchronous): none
 * any more (chat records and forwarding are supported). Kept, empty, for apps that list it.
 */
export const UNSUPPORTED_MESSAGE_FACTORIES: Readonly<Record<string, string>> = {};

/**
 * Synchronous calls Natter does not offer, which would throw: none any more (signalling is
 * supported). Kept, empty, for apps that list it.
 */
export const UNSUPPORTED_SYNC_CALLS: Readonly<Record<string, string>> = {};

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
}
