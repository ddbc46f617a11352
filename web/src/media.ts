/**
 * Images, files, videos and voice messages as pure functions: which message a chosen file goes as,
 * the name and size shown on one, how big an image is drawn, and why one was not sent, in words.
 */
import TencentCloudChat, { ErrorCode, NatterError, type Message } from '@natter/sdk';
import { describeError } from './format.ts';

const { TYPES } = TencentCloudChat;

/** The message a file goes as (the SDK's create…Message). */
export type AttachmentKind = 'image' | 'video' | 'file';

/**
 * The images a browser shows and Tencent's SDK sends as images (it judges by the name's
 * extension). Others (SVG, TIFF, HEIC) go as files: SVG could carry script, the rest would not show.
 */
const IMAGE_EXTENSIONS = new Set(['jpg', 'jpeg', 'png', 'gif', 'bmp', 'webp']);
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/bmp', 'image/webp']);
/** The videos Tencent's SDK sends as videos (MP4 and QuickTime, by MIME type, else by extension). */
const VIDEO_EXTENSIONS = new Set(['mp4', 'mov']);
const VIDEO_TYPES = new Set(['video/mp4', 'video/quicktime']);

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/**
 * An image goes as an image message, an MP4 or QuickTime video as a video message, anything else
 * (audio files included: a voice message is a recording, not a song) as a file message, which
 * anyone can download whatever it is.
 */
export function attachmentKind(file: Pick<File, 'name' | 'type'>): AttachmentKind {
  const ext = extensionOf(file.name);
  if (ext ? IMAGE_EXTENSIONS.has(ext) : IMAGE_TYPES.has(file.type)) return 'image';
  if (VIDEO_TYPES.has(file.type) || (!file.type && VIDEO_EXTENSIONS.has(ext))) return 'video';
  return 'file';
}

/** Image, file, video and voice messages: the messages with a file in them. */
export function isMedia(m: Pick<Message, 'type'>): boolean {
  return m.type === TYPES.MSG_IMAGE || m.type === TYPES.MSG_FILE || m.type === TYPES.MSG_VIDEO || m.type === TYPES.MSG_AUDIO;
}

const UNITS = ['KB', 'MB', 'GB'] as const;

/** A size in bytes as people read it: "13 bytes", "2.4 MB", "120 KB" (1 KB is 1024 bytes, as the limits are). */
export function sizeWords(bytes: number): string {
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${shown} ${UNITS[unit]}`;
}

/** The name a stored file is served under: the last part of its URL (`/files/<id>/<name>`). */
export function nameInUrl(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    return '';
  }
}

/** The largest an image is drawn in the history, in CSS pixels, either way; a click shows it whole. */
export const IMAGE_BOX = 320;

/**
 * The width an image of `width` × `height` pixels is drawn at: its own, or less to fit
 * {@link IMAGE_BOX} both ways; its height follows from its proportions. `null` when its size is
 * unknown (not uploaded yet, or a format the server does not measure).
 */
export function imageWidth(width: number, height: number): number | null {
  if (width <= 0 || height <= 0) return null;
  return Math.max(1, Math.round(width * Math.min(1, IMAGE_BOX / width, IMAGE_BOX / height)));
}

/** Tencent's limits, by the code of a file over them (the SDK checks them before uploading). */
const LIMITS: Readonly<Record<number, string>> = {
  [ErrorCode.MSG_I_SIZE_LIMIT]: 'Images must be smaller than 20 MB.',
  [ErrorCode.MSG_F_SIZE_LIMIT]: 'Files can be at most 100 MB.',
  [ErrorCode.MSG_V_SIZE_LIMIT]: 'Videos can be at most 100 MB.',
  [ErrorCode.MSG_A_SIZE_LIMIT]: 'Voice messages can be at most 20 MB.',
};

const UPLOAD_FAILED: ReadonlySet<number> = new Set([
  ErrorCode.MSG_F_UPLOAD_FAIL,
  ErrorCode.MSG_V_UPLOAD_FAIL,
  ErrorCode.MSG_A_UPLOAD_FAIL,
]);

/** Why a file was not sent, and whether sending it again could work (`final`: it cannot). */
export interface FileRefusal {
  reason: string;
  final: boolean;
}

/**
 * Why sending the file `name` of `size` bytes failed, in words, for the codes of files and their
 * uploads; `null` for any other failure (the message itself refused, as a text would be). A file
 * too large, empty, or not of its kind cannot go, however often it is sent; a failed upload can.
 * The server may take less than Tencent's limits: it answers 413, and says how much it takes.
 */
export function fileRefusal(err: unknown, name: string, size: number): FileRefusal | null {
  if (!(err instanceof NatterError)) return null;
  const limit = LIMITS[err.code];
  if (limit !== undefined) {
    const served = err.status === 413 ? /larger than (\d+) bytes/.exec(err.message)?.[1] : undefined;
    const words = served
      ? `This server takes files of at most ${sizeWords(Number(served))}.`
      : err.status === 413
        ? 'It is more than this server takes.'
        : limit;
    return { reason: `${name} is too large (${sizeWords(size)}). ${words}`, final: true };
  }
  switch (err.code) {
    case ErrorCode.MSG_F_IS_EMPTY:
      return { reason: `${name} is empty.`, final: true };
    case ErrorCode.MSG_I_TYPES_LIMIT:
      return { reason: `${name} is not an image that can be sent (JPG, PNG, GIF, BMP or WebP).`, final: true };
    case ErrorCode.MSG_V_TYPES_LIMIT:
      return { reason: `${name} is not an MP4 or QuickTime video.`, final: true };
  }
  if (!UPLOAD_FAILED.has(err.code)) return null;
  // The SDK keeps the server's `error` (`network_error` when it did not answer) and its refusal as the cause.
  const cause =
    err.error === 'network_error'
      ? 'the server could not be reached. Check the connection and try again.'
      : describeError(err.cause instanceof Error ? err.cause : err);
  return { reason: `could not upload ${name}: ${cause}`, final: false };
}
