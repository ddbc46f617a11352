/**
 * Group attributes, as Tencent's (`initGroupAttributes`, `setGroupAttributes`,
 * `deleteGroupAttributes`, `getGroupAttributes`, `GROUP_ATTRIBUTES_UPDATED`): the checks its SDK
 * makes before any request, and its answers' and event's shapes.
 *
 * The server keeps up to 16 named strings a group (`PUT` and `POST
 * /v1/groups/{groupID}/attributes`, `/attributes/delete`, `/attributes/get`): keys of 1–32
 * bytes, values of at most 4,096, 16 KiB in all. Any current member gives, sets, deletes and reads
 * them, in any type of group (Tencent's web SDK takes them in AVChatRoom groups only); every
 * change reaches every device of every current member, the changing user's own included, with
 * every attribute as it now is and the keys that changed (`groupAttributesUpdated`). Two changes
 * at once: the later one's values stay (no sequence numbers, so none is refused for a conflict).
 * Attributes are not part of the sync: after a reconnect an app asks getGroupAttributes again.
 *
 * deleteGroupAttributes resolves with the keys it deleted, as Tencent's, which it reads from the
 * attributes its SDK holds: this SDK keeps what it last heard of each group's
 * ({@link AttributeMemory}).
 */
import { invalidArgument } from './errors.js';
import type { Revised } from './revisions.js';
import type { GroupAttributesUpdatedData } from './types.js';
import type { WireGroupAttributesChanged } from './wire.js';

/**
 * initGroupAttributes' and setGroupAttributes' options, checked as Tencent's checks them: a
 * `groupID`, and `groupAttributes` an object of at least one attribute (Tencent's refuses `{}`
 * as missing), each value a string. The server checks the sizes. Refused with 40001 before any
 * request.
 */
export function checkGroupAttributes(options: unknown, call: string): { groupID: string; groupAttributes: Record<string, string> } {
  const { groupID, groupAttributes } = (options ?? {}) as { groupID?: unknown; groupAttributes?: unknown };
  checkGroupID(groupID, call);
  if (typeof groupAttributes !== 'object' || groupAttributes === null || Array.isArray(groupAttributes)) {
    throw invalidArgument(`${call}: groupAttributes: an object of attributes, { key: value }`);
  }
  const entries = Object.entries(groupAttributes);
  if (entries.length === 0) throw invalidArgument(`${call}: groupAttributes: is empty; give at least one { key: value }`);
  for (const [key, value] of entries) {
    if (typeof value !== 'string') throw invalidArgument(`${call}: groupAttributes.${key}: a string, not ${typeof value}`);
  }
  return { groupID, groupAttributes: Object.fromEntries(entries) as Record<string, string> };
}

/**
 * deleteGroupAttributes' and getGroupAttributes' options: a `groupID`, and `keyList`, an array of
 * keys, required as Tencent's requires it; `[]` names every attribute, as Tencent's reads it (the
 * server takes no list for that: an empty one would name none). Refused with 40001 before any
 * request.
 */
export function checkAttributeKeys(options: unknown, call: string): { groupID: string; keyList?: string[] } {
  const { groupID, keyList } = (options ?? {}) as { groupID?: unknown; keyList?: unknown };
  checkGroupID(groupID, call);
  if (!Array.isArray(keyList) || keyList.some((key) => typeof key !== 'string')) {
    throw invalidArgument(`${call}: keyList: an array of attribute keys, [] for all`);
  }
  return keyList.length === 0 ? { groupID } : { groupID, keyList: [...new Set(keyList as string[])] };
}

/**
 * GROUP_ATTRIBUTES_UPDATED's data, Tencent's `{ groupID, groupAttributes, updatedKeyList,
 * deletedKeyList }`, and the change's revision; `null` for a malformed push.
 */
export function toAttributesUpdate(
  wire: Partial<WireGroupAttributesChanged>,
): Revised<GroupAttributesUpdatedData> | null {
  const { groupID, groupAttributes, revision } = wire;
  if (typeof groupID !== 'string' || typeof groupAttributes !== 'object' || groupAttributes === null) return null;
  if (typeof revision !== 'number') return null;
  const data = {
    groupID,
    groupAttributes: { ...groupAttributes },
    updatedKeyList: Array.isArray(wire.updatedKeyList) ? [...wire.updatedKeyList] : [],
    deletedKeyList: Array.isArray(wire.deletedKeyList) ? [...wire.deletedKeyList] : [],
  };
  return { data, subject: JSON.stringify(['attributes', groupID]), revision };
}

/**
 * The attributes of each group as this instance last heard them whole: from an answer that gives
 * all of them (initGroupAttributes, deleteGroupAttributes, getGroupAttributes with `[]`) or a
 * GROUP_ATTRIBUTES_UPDATED push. Answers that give some (setGroupAttributes, getGroupAttributes
 * by keys) amend a group already known. Forgotten when the connection is lost (pushes may be
 * missed meanwhile) and at logout.
 */
export class AttributeMemory {
  private readonly groups = new Map<string, Record<string, string>>();

  /** The group's attributes as last heard whole; `undefined` when not known. */
  get(groupID: string): Readonly<Record<string, string>> | undefined {
    return this.groups.get(groupID);
  }

  /** Every attribute of the group, as an answer or a push gives them all. */
  replace(groupID: string, attributes: Record<string, string>): void {
    this.groups.set(groupID, { ...attributes });
  }

  /** Attributes set (setGroupAttributes' answer): the group's others unchanged. */
  merge(groupID: string, attributes: Record<string, string>): void {
    const known = this.groups.get(groupID);
    if (known) Object.assign(known, attributes);
  }

  /** A read by keys: those found are the group's now, those asked and not found it lacks. */
  read(groupID: string, keyList: readonly string[], found: Record<string, string>): void {
    const known = this.groups.get(groupID);
    if (!known) return;
    for (const key of keyList) {
      if (Object.hasOwn(found, key)) known[key] = found[key]!;
      else delete known[key];
    }
  }

  clear(): void {
    this.groups.clear();
  }
}

/**
 * deleteGroupAttributes' answer, Tencent's `{ keyList }`: the keys deleted, those named (every key,
 * none named) that the group had just before, by what the SDK knew then, and has no more. When it
 * knew nothing (`before` undefined), the keys named that the group has no more.
 */
export function deletedKeys(
  before: Readonly<Record<string, string>> | undefined,
  named: readonly string[] | undefined,
  left: Record<string, string>,
): string[] {
  const had = (key: string) => before === undefined || Object.hasOwn(before, key);
  return (named ?? Object.keys(before ?? {})).filter((key) => had(key) && !Object.hasOwn(left, key));
}

function checkGroupID(groupID: unknown, call: string): asserts groupID is string {
  if (typeof groupID !== 'string' || groupID === '') throw invalidArgument(`${call}: groupID: a group ID`);
}
