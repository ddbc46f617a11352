/**
 * The user's option for all their messages, as Tencent's (`setAllReceiveMessageOpt`,
 * `getAllReceiveMessageOpt`, `ALL_RECEIVE_MESSAGE_OPT_UPDATED`): quiet hours, once or every day.
 *
 * Tencent's SDK takes the window as a time of day and a length (`startHour`, `startMinute`,
 * `startSecond`, `duration`) and sends its server today's start and end as Unix seconds, by the
 * device's clock and time zone; so does this one (`PUT /v1/receive-option`). The server keeps one
 * option a user: with `AcceptNotNotify` their messages still arrive and count as unread, but none
 * is pushed to them while they are offline (no `msg.offline` webhook) in the window. Every device
 * of the user, the setting one included, hears each change (`allReceiveMessageOptUpdated`).
 */
import { TYPES } from './constants.js';
import { invalidArgument } from './errors.js';
import type { AllReceiveMessageOpt, SetAllReceiveMessageOptions } from './types.js';
import type { WireReceiveOption } from './wire.js';

const DAY_SECONDS = 86_400;

/**
 * setAllReceiveMessageOpt's options as the server takes them, worked out as Tencent's SDK works
 * them out: `messageRemindType` `TYPES.MSG_REMIND_ACPT_NOT_NOTE` when left out, `isRepeated` true
 * when left out; the window starts today, by the device's clock, at `startHour`:`startMinute`:
 * `startSecond` (each 0 when left out) and lasts `duration` seconds (0: no window), a day when it
 * repeats and `duration` is a day or more.
 *
 * Refused with 40001 before any request: options that are no object; a remind type other than
 * `MSG_REMIND_ACPT_AND_NOTE` and `MSG_REMIND_ACPT_NOT_NOTE` (`MSG_REMIND_DISCARD` too: Tencent's
 * documents only these two for all messages, and the server refuses the others); a time or
 * duration that is no whole number from 0 up (Tencent's would send its server garbage).
 */
export function receiveOptionRequest(options: unknown, now = new Date()): WireReceiveOption {
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument(
      'setAllReceiveMessageOpt: options: { messageRemindType?, startHour?, startMinute?, startSecond?, duration?, isRepeated? }',
    );
  }
  const given = options as SetAllReceiveMessageOptions;
  const messageRemindType = given.messageRemindType ?? TYPES.MSG_REMIND_ACPT_NOT_NOTE;
  if (messageRemindType !== TYPES.MSG_REMIND_ACPT_AND_NOTE && messageRemindType !== TYPES.MSG_REMIND_ACPT_NOT_NOTE) {
    throw invalidArgument(
      'setAllReceiveMessageOpt: messageRemindType: TYPES.MSG_REMIND_ACPT_AND_NOTE or TYPES.MSG_REMIND_ACPT_NOT_NOTE ' +
        `for all messages, not ${String(messageRemindType)}`,
    );
  }
  const wholeNumber = (field: 'startHour' | 'startMinute' | 'startSecond' | 'duration'): number => {
    const value: unknown = given[field] ?? 0;
    if (!Number.isSafeInteger(value) || (value as number) < 0) {
      throw invalidArgument(`setAllReceiveMessageOpt: ${field}: a whole number from 0 up, not ${String(value)}`);
    }
    return value as number;
  };
  const start = new Date(
    now.getFullYear(),
    now.getMonth(),
    now.getDate(),
    wholeNumber('startHour'),
    wholeNumber('startMinute'),
    wholeNumber('startSecond'),
  );
  const startTime = Math.round(start.getTime() / 1000);
  const duration = wholeNumber('duration');
  const isRepeated = given.isRepeated === undefined ? true : Boolean(given.isRepeated);
  const endTime = startTime + (isRepeated && duration >= DAY_SECONDS ? DAY_SECONDS : duration);
  return { messageRemindType, startTime, endTime, isRepeated };
}

/**
 * The option as Tencent's getAllReceiveMessageOpt resolves it, and as ALL_RECEIVE_MESSAGE_OPT_UPDATED
 * carries it: `{ messageRemindType, startTime, endTime, isRepeated }`, the remind type a `TYPES`
 * value (one the SDK does not know reads as `MSG_REMIND_ACPT_AND_NOTE`, as Tencent's reads it).
 */
export function toReceiveOption(wire: Partial<WireReceiveOption>): AllReceiveMessageOpt {
  return {
    messageRemindType:
      wire.messageRemindType === TYPES.MSG_REMIND_ACPT_NOT_NOTE ? TYPES.MSG_REMIND_ACPT_NOT_NOTE : TYPES.MSG_REMIND_ACPT_AND_NOTE,
    startTime: typeof wire.startTime === 'number' ? wire.startTime : 0,
    endTime: typeof wire.endTime === 'number' ? wire.endTime : 0,
    isRepeated: wire.isRepeated === true,
  };
}
