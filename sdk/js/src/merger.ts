/**
 * Chat records (Tencent's merger messages, `MSG_MERGER`, `TIMRelayElem`): the messages a record
 * holds, in the shape Tencent's SDK holds them, and what sendMessage sends for one.
 *
 * A record's payload is Tencent's: `{ downloadKey, pbDownloadKey, messageList, title,
 * abstractList, compatibleText, version, layersOverLimit }`. Each message in `messageList` is not
 * a Message but Tencent's record entry (see MergedMessage): who sent it, when, and its
 * `messageBody: [{ type, payload }]`, which is what TUIKit's record viewer reads.
 *
 * A small record goes inline, in the message's payload. A larger one (see {@link fitsInline}) is
 * stored as a file on the Natter server (`POST /v1/files`, JSON `{ messageList }`) and the
 * message carries its absolute URL as `downloadKey`, with an empty `messageList`, as Tencent's
 * SDK stores a large record in its cloud; downloadMergerMessage fetches it. Like a media file's
 * URL, the link is the permission: anyone holding the message can read the record.
 *
 * Pure functions, no I/O. Reading a received record (whose entries may hold anything a client
 * wrote) is convert.ts's, with the other payloads.
 */
import { TYPES } from './constants.js';
import type { MergedMessage, MergerPayload, Message } from './types.js';

/**
 * How deep records may nest (a record holding a record holding …), Tencent's limit: a record
 * below the 100th layer keeps nothing but `layersOverLimit: true`.
 */
export const MAX_MERGER_LAYERS = 100;

/**
 * The largest payload sent inline, in bytes of compact JSON: Tencent's SDK stores a record in its
 * cloud once it is over 11 KiB (measuring the whole message, a little more than the payload). A
 * record inline is copied into every push, every history page and the conversation list's last
 * message, so a large one is better fetched once, when opened; and the server refuses a payload
 * over 64 KiB.
 */
export const MERGER_INLINE_MAX_BYTES = 11 * 1024;

/**
 * The deepest JSON nesting sent inline. Each record nested inline adds five levels, and the
 * server (like most JSON readers) refuses a request nested past 128; a record nested deeper goes
 * stored, where nesting costs nothing.
 */
export const MERGER_INLINE_MAX_DEPTH = 32;

/** What a record nested too deep reads as (Tencent's): nothing but the mark. */
export function overLimitMerger(): MergerPayload {
  return {
    downloadKey: '',
    pbDownloadKey: '',
    messageList: [],
    title: '',
    abstractList: [],
    compatibleText: '',
    version: 0,
    layersOverLimit: true,
  };
}

/**
 * A sent Message as a record entry, the way Tencent's SDK takes one into a record: its fields,
 * and a copy of its payload (a nested record's copied as {@link copyMerger} copies it, `layer`
 * being the layer the entry is in). A group text's mentions stay behind, as Tencent's.
 */
export function mergedFromMessage(message: Message, layer: number): MergedMessage {
  const payload =
    message.type === TYPES.MSG_MERGER ? copyMerger(message.payload as MergerPayload, layer) : clone(message.payload ?? {});
  return {
    from: message.from,
    messageSender: message.from,
    time: message.time,
    messageSequence: message.sequence,
    clientSequence: message.clientSequence || message.sequence,
    messageRandom: message.random,
    cloudCustomData: message.cloudCustomData || '',
    clientTime: message.clientTime,
    ID: message.ID,
    nick: message.nick,
    avatar: message.avatar,
    messageBody: [{ type: message.type, payload }],
    ...(message.conversationType === TYPES.CONV_GROUP ? { receiverGroupID: message.to } : { receiverUserID: message.to }),
    messageReceiver: message.to,
  };
}

/** Whether `value` is a record entry (a message of a record the app opened), not a Message. */
export function isMergedMessage(value: unknown): value is MergedMessage {
  const v = value as Partial<MergedMessage> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.ID === 'string' &&
    Array.isArray(v.messageBody) &&
    typeof v.messageBody[0] === 'object' &&
    v.messageBody[0] !== null
  );
}

/**
 * A record entry copied into a new record at `layer` (an entry of a record the app opened, passed
 * back to createMergerMessage, as Tencent's takes them); a nested record is copied as
 * {@link copyMerger} copies it.
 */
export function copyMerged(entry: MergedMessage, layer: number): MergedMessage {
  const body = entry.messageBody[0]!;
  const payload =
    body.type === TYPES.MSG_MERGER ? copyMerger(body.payload as MergerPayload, layer) : clone(body.payload ?? {});
  const copy = clone({ ...entry, messageBody: [] as MergedMessage['messageBody'] });
  copy.messageBody = [{ type: body.type, payload }];
  return copy;
}

/**
 * A copy of a record that sits at `layer` (1: the message itself), cut at Tencent's limit: a
 * record below {@link MAX_MERGER_LAYERS} becomes {@link overLimitMerger}, and so does a stored one
 * whose content would reach below it (its layers are in its key, see {@link storedLayers}).
 */
export function copyMerger(payload: MergerPayload, layer: number): MergerPayload {
  const p = (typeof payload === 'object' && payload !== null ? payload : {}) as Partial<MergerPayload>;
  if (layer > MAX_MERGER_LAYERS || p.layersOverLimit === true) return overLimitMerger();
  const downloadKey = typeof p.downloadKey === 'string' ? p.downloadKey : '';
  if (downloadKey !== '' && layer + storedLayers(downloadKey) - 1 > MAX_MERGER_LAYERS) return overLimitMerger();
  const list = Array.isArray(p.messageList) ? p.messageList : [];
  return {
    downloadKey,
    pbDownloadKey: typeof p.pbDownloadKey === 'string' ? p.pbDownloadKey : '',
    messageList: downloadKey !== '' ? [] : list.filter(isMergedMessage).map((entry) => copyMerged(entry, layer + 1)),
    title: typeof p.title === 'string' ? p.title : '',
    abstractList: Array.isArray(p.abstractList) ? p.abstractList.filter((a) => typeof a === 'string') : [],
    compatibleText: typeof p.compatibleText === 'string' ? p.compatibleText : '',
    version: typeof p.version === 'number' ? p.version : 0,
    layersOverLimit: false,
  };
}

/**
 * How many layers of content a record spans, itself included: a stored one's, as its key says;
 * an inline one's, one more than its deepest nested record's; one cut at the limit, none.
 */
export function layersOf(payload: MergerPayload): number {
  if (payload.layersOverLimit) return 0;
  if (payload.downloadKey !== '') return storedLayers(payload.downloadKey);
  let deepest = 0;
  for (const entry of payload.messageList) {
    const body = entry.messageBody?.[0];
    if (body?.type === TYPES.MSG_MERGER) deepest = Math.max(deepest, layersOf(body.payload as MergerPayload));
  }
  return 1 + deepest;
}

/**
 * The file name a stored record gets: its layers are in it (`merger-<layers>.json`), so a record
 * that holds it knows how deep it goes without fetching it.
 */
export function storedRecordName(layers: number): string {
  return `merger-${layers}.json`;
}

/** The layers a stored record spans, from its key's file name; 1 for a key that does not say. */
export function storedLayers(downloadKey: string): number {
  const found = /\/merger-(\d{1,4})\.json(?:[?#].*)?$/.exec(downloadKey);
  const layers = found ? Number(found[1]) : 1;
  return layers >= 1 ? layers : 1;
}

/**
 * Whether a record's payload goes inline: at most {@link MERGER_INLINE_MAX_BYTES} of compact JSON
 * (UTF-8), nested at most {@link MERGER_INLINE_MAX_DEPTH} deep.
 */
export function fitsInline(payload: MergerPayload): boolean {
  const text = JSON.stringify(payload);
  return utf8Length(text) <= MERGER_INLINE_MAX_BYTES && jsonDepth(text) <= MERGER_INLINE_MAX_DEPTH;
}

/** The stored document of a record: its messages, as downloadMergerMessage reads them back. */
export function recordDocument(payload: MergerPayload): string {
  return JSON.stringify({ messageList: payload.messageList });
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** How deep JSON text nests (objects and arrays), read from the text, so no recursion. */
function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') deepest = Math.max(deepest, ++depth);
    else if (c === '}' || c === ']') depth--;
  }
  return deepest;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
