/**
 * Group counters, as Tencent's (`setGroupCounters`, `increaseGroupCounter`,
 * `decreaseGroupCounter`, `getGroupCounters`, `GROUP_COUNTER_UPDATED`): the checks its SDK makes
 * before any request, and its answers' shape.
 *
 * The server keeps up to 20 named counters a group, each a 64-bit signed integer under a key of
 * 1–128 bytes (`POST /v1/groups/{groupID}/counters`, `/increase`, `/decrease`, `/get`). Any
 * current member sets, moves and reads them; every change reaches every device of every current
 * member, the changing user's own included, one push per counter, as it now is
 * (`groupCounterUpdated`). Two members raising a counter at once both count; two setting it, the
 * later wins. Counters are not part of the sync: after a reconnect an app asks getGroupCounters
 * again for the group it shows.
 */
import { invalidArgument } from './errors.js';
import type { Revised } from './revisions.js';
import type {
  GetGroupCountersOptions,
  GroupCounterUpdatedData,
  IncreaseGroupCounterOptions,
  SetGroupCountersOptions,
} from './types.js';
import type { WireGroupCounter } from './wire.js';

/**
 * setGroupCounters' options, checked as Tencent's checks them: a `groupID`, and `counters` an
 * object with at least one counter (Tencent's refuses `{}` as missing). Each value must be a
 * whole number, which the server takes (Tencent's leaves that to its server). Refused with 40001
 * before any request.
 */
export function checkSetCounters(options: unknown): SetGroupCountersOptions {
  const { groupID, counters } = (options ?? {}) as Partial<SetGroupCountersOptions>;
  checkGroupID(groupID, 'setGroupCounters');
  if (typeof counters !== 'object' || counters === null || Array.isArray(counters) || Object.keys(counters).length === 0) {
    throw invalidArgument('setGroupCounters: counters: an object of at least one counter, { key: value }');
  }
  for (const [key, value] of Object.entries(counters)) {
    if (!Number.isSafeInteger(value)) {
      throw invalidArgument(`setGroupCounters: counters.${key}: a whole number, not ${String(value)}`);
    }
  }
  return { groupID, counters: { ...counters } };
}

/**
 * increaseGroupCounter's and decreaseGroupCounter's options, checked as Tencent's checks them: a
 * `groupID`, a `key`, and a `value` above 0 (Tencent's refuses 0 as missing), here also a whole
 * number (the server's step; it refuses a negative one too). Refused with 40001 before any
 * request.
 */
export function checkCounterStep(options: unknown, call: string): IncreaseGroupCounterOptions {
  const { groupID, key, value } = (options ?? {}) as Partial<IncreaseGroupCounterOptions>;
  checkGroupID(groupID, call);
  if (typeof key !== 'string' || key === '') throw invalidArgument(`${call}: key: the counter's key`);
  if (!Number.isSafeInteger(value) || value! < 1) {
    throw invalidArgument(`${call}: value: a whole number above 0 to move the counter by, not ${String(value)}`);
  }
  return { groupID, key, value: value! };
}

/**
 * getGroupCounters' options: a `groupID`, and the keys asked for (`keyList`, an array of keys).
 * Left out or `[]` asks for every counter, as Tencent's reads it: the server takes no list for
 * that (an empty one would ask for none).
 */
export function checkGetCounters(options: unknown): { groupID: string; keyList?: string[] } {
  const { groupID, keyList } = (options ?? {}) as Partial<GetGroupCountersOptions>;
  checkGroupID(groupID, 'getGroupCounters');
  if (keyList === undefined || keyList === null) return { groupID };
  if (!Array.isArray(keyList) || keyList.some((key) => typeof key !== 'string')) {
    throw invalidArgument('getGroupCounters: keyList: an array of counter keys, [] for all');
  }
  return keyList.length === 0 ? { groupID } : { groupID, keyList: [...keyList] };
}

/**
 * GROUP_COUNTER_UPDATED's data, Tencent's `{ groupID, key, value }`, and the change's revision;
 * `null` for a malformed push.
 */
export function toCounterUpdate(wire: Partial<WireGroupCounter>): Revised<GroupCounterUpdatedData> | null {
  const { groupID, key, value, revision } = wire;
  if (typeof groupID !== 'string' || typeof key !== 'string' || typeof value !== 'number') return null;
  if (typeof revision !== 'number') return null;
  return { data: { groupID, key, value }, subject: JSON.stringify(['counter', groupID, key]), revision };
}

function checkGroupID(groupID: unknown, call: string): asserts groupID is string {
  if (typeof groupID !== 'string' || groupID === '') throw invalidArgument(`${call}: groupID: a group ID`);
}
