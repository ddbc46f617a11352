/**
 * Image, file, audio and video messages: what createImageMessage and its siblings read from the
 * app's `payload.file`, the checks Tencent's SDK makes before an upload (with its error codes),
 * and the payloads, before the upload and after it.
 *
 * Natter stores the file itself (`POST /v1/files`, the raw bytes) and the message's payload points
 * at it: an absolute URL anyone holding the message can fetch without a token, as Tencent's COS
 * URLs are. The payloads have Tencent's field names and shapes, so an app's (and TUIKit's) renderer
 * reads them unchanged. An uploaded image's `imageInfoArray` is Tencent's three: the original, the
 * large copy and the thumbnail, which the server makes on first download (720 and 198 pixels on the
 * shorter side). Where Natter has less to offer the fields stay with Tencent's empty values: no video
 * snapshot.
 */
import { TYPES } from './constants.js';
import { ErrorCode, NatterError, invalidArgument } from './errors.js';
import type {
  AudioPayload,
  FilePayload,
  ImageInfo,
  ImagePayload,
  MessageType,
  VideoPayload,
} from './types.js';
import type { WireUploadedFile } from './wire.js';

/**
 * Tencent's `imageFormat` values (its SDK's internal table; `TYPES` has none): what an image
 * message's payload says of its format, from the file's MIME type. WebP and anything else is
 * UNKNOWN, as Tencent's.
 */
export const IMAGE_FORMAT = { JPG: 1, JPEG: 1, GIF: 2, PNG: 3, BMP: 4, UNKNOWN: 255 } as const;

/** What the app passes as `payload.file`: a File or Blob, an `<input type=file>`, or `{ files }`. */
export interface MediaKind {
  call: 'createImageMessage' | 'createFileMessage' | 'createAudioMessage' | 'createVideoMessage';
  type: MessageType;
  /** How messages name the file in errors. */
  noun: 'image' | 'file' | 'audio' | 'video';
  /** Thrown at creation when no file is given (or the input has none chosen). */
  noFile: number;
  /** Tencent's default limit, in bytes. */
  maxBytes: number;
  /** The file is over the limit (or over the server's, which answers 413). */
  tooLarge: number;
  /** The upload failed: no answer, or the server refused it. */
  uploadFailed: number;
}

const MiB = 1024 * 1024;

/**
 * Upload failures. Tencent documents a code per kind, but its SDK's runtime (3.6.6) rejects every
 * failed image, file and audio upload with MSG_F_UPLOAD_FAIL (2400), which its uploader raises
 * whatever the kind (MSG_I_UPLOAD_FAIL is not even in its table, and 2300, MSG_A_UPLOAD_FAIL, is
 * only its answer to an audio message without a file); only a video, which it uploads twice
 * before giving up, fails with MSG_V_UPLOAD_FAIL (2350). Apps branch on what the runtime gives, so
 * these are the runtime's numbers.
 */
export const MEDIA: Readonly<Record<'image' | 'file' | 'audio' | 'video', MediaKind>> = {
  image: {
    call: 'createImageMessage',
    type: TYPES.MSG_IMAGE,
    noun: 'image',
    noFile: ErrorCode.MSG_I_SELECT_F_FIRST,
    maxBytes: 20 * MiB,
    tooLarge: ErrorCode.MSG_I_SIZE_LIMIT,
    uploadFailed: ErrorCode.MSG_F_UPLOAD_FAIL,
  },
  file: {
    call: 'createFileMessage',
    type: TYPES.MSG_FILE,
    noun: 'file',
    noFile: ErrorCode.MSG_F_SELECT_F_FIRST,
    maxBytes: 100 * MiB,
    tooLarge: ErrorCode.MSG_F_SIZE_LIMIT,
    uploadFailed: ErrorCode.MSG_F_UPLOAD_FAIL,
  },
  audio: {
    call: 'createAudioMessage',
    type: TYPES.MSG_AUDIO,
    noun: 'audio',
    // Tencent's answer when an audio message has no file (at its upload).
    noFile: ErrorCode.MSG_A_UPLOAD_FAIL,
    maxBytes: 20 * MiB,
    tooLarge: ErrorCode.MSG_A_SIZE_LIMIT,
    uploadFailed: ErrorCode.MSG_F_UPLOAD_FAIL,
  },
  video: {
    call: 'createVideoMessage',
    type: TYPES.MSG_VIDEO,
    noun: 'video',
    // Tencent's SDK throws a plain Error ("Params validate failed") here; this is its code for a
    // missing or empty file.
    noFile: ErrorCode.MSG_F_IS_EMPTY,
    maxBytes: 100 * MiB,
    tooLarge: ErrorCode.MSG_V_SIZE_LIMIT,
    uploadFailed: ErrorCode.MSG_V_UPLOAD_FAIL,
  },
};

/** The image extensions Tencent's SDK sends (it checks the name, not the MIME type). */
const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['jpg', 'jpeg', 'gif', 'png', 'bmp', 'image', 'webp']);

/** The video MIME subtypes Tencent's SDK sends (`video/mp4`, `video/quicktime`, …). */
const VIDEO_SUBTYPES: ReadonlySet<string> = new Set(['mp4', 'quicktime', 'mov', 'video']);

/** The extension a file without a name gets, by MIME subtype, where the subtype is not one. */
const EXTENSIONS: Readonly<Record<string, string>> = {
  jpeg: 'jpg',
  quicktime: 'mov',
  mpeg: 'mp3',
  'svg+xml': 'svg',
  'x-m4a': 'm4a',
  plain: 'txt',
};

/** The most bytes a stored file name has (the server's limit). */
const MAX_NAME_BYTES = 255;

/** A file to upload: a Blob, with the name to store it under. */
export interface LocalFile {
  blob: Blob;
  name: string;
}

/**
 * The file of `payload.file`, as Tencent's SDK finds it in a browser: a File or Blob itself, or
 * the first of the `files` of an `<input type=file>` (or of any object carrying `files`). `null`
 * when there is none (nothing given, nothing chosen).
 */
export function pickFile(given: unknown): LocalFile | null {
  let blob: Blob | null = null;
  if (isBlob(given)) blob = given;
  else if (typeof given === 'object' && given !== null) {
    const files = (given as { files?: ArrayLike<unknown> | null }).files;
    const first = files && typeof files.length === 'number' && files.length > 0 ? files[0] : undefined;
    if (isBlob(first)) blob = first;
  }
  if (blob === null) return null;
  return { blob, name: storedName(blob) };
}

/**
 * A Blob, this realm's or another's (an iframe's File is no `instanceof Blob` here), by what the
 * upload uses of it.
 */
function isBlob(value: unknown): value is Blob {
  if (typeof Blob !== 'undefined' && value instanceof Blob) return true;
  const v = value as Partial<Blob> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.size === 'number' &&
    typeof v.type === 'string' &&
    typeof v.slice === 'function'
  );
}

/** The file's own name; a Blob has none, and gets `file.<ext>` from its MIME type. */
function storedName(blob: Blob): string {
  const own = (blob as Partial<File>).name;
  if (typeof own === 'string' && own.trim() !== '') return fitName(own.trim());
  const subtype = mimeSubtype(blob.type);
  const ext = EXTENSIONS[subtype] ?? (/^[a-z0-9]{1,10}$/.test(subtype) ? subtype : '');
  return ext ? `file.${ext}` : 'file';
}

/** A name the server takes: at most 255 bytes of UTF-8, the extension kept when cut. */
function fitName(name: string): string {
  const bytes = (s: string) => new TextEncoder().encode(s).length;
  if (bytes(name) <= MAX_NAME_BYTES) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const stem = Array.from(ext ? name.slice(0, dot) : name);
  while (stem.length > 0 && bytes(stem.join('') + ext) > MAX_NAME_BYTES) stem.pop();
  return stem.join('') + ext;
}

/** `image/png` → `png`; `''` when there is no type. */
function mimeSubtype(type: string): string {
  const slash = type.indexOf('/');
  return slash < 0 ? '' : type.slice(slash + 1).split(';')[0]!.trim().toLowerCase();
}

/** What follows the name's last dot, lower-cased (the whole name when it has no dot, as Tencent's). */
function extensionOf(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1).toLowerCase();
}

function hasExtension(name: string): boolean {
  return name.lastIndexOf('.') > 0;
}

/** Tencent's `imageFormat` for a MIME type or extension (`jpeg`, `png`, …). */
export function imageFormat(typeOrExtension: string): number {
  const key = (typeOrExtension.includes('/') ? mimeSubtype(typeOrExtension) : typeOrExtension).toUpperCase();
  return (IMAGE_FORMAT as Record<string, number>)[key] ?? IMAGE_FORMAT.UNKNOWN;
}

/** The image's format from what the browser said of the file, else its name. */
function localImageFormat(file: LocalFile): number {
  return file.blob.type ? imageFormat(file.blob.type) : imageFormat(extensionOf(file.name));
}

/** A video's format as Tencent's SDK writes it: the MIME subtype (`mp4`, `quicktime`), else the extension. */
function videoFormat(file: LocalFile): string {
  return mimeSubtype(file.blob.type) || (hasExtension(file.name) ? extensionOf(file.name) : '');
}

/**
 * The checks Tencent's SDK makes when sending, before its upload, in its order and with its codes;
 * `null` when the file may go. An empty file is MSG_F_IS_EMPTY (2108) whatever the kind. An image
 * must be named as one (jpg, jpeg, gif, png, bmp, webp), as Tencent's SDK checks; a file named
 * without an extension passes with an `image/*` type, and a nameless Blob (a pasted image) is
 * named from its type (`image/png` → `file.png`). A video must be mp4 or QuickTime (Tencent's SDK
 * checks the MIME subtype; a file the browser gave no type is judged by its extension).
 */
export function checkFile(kind: MediaKind, file: LocalFile): NatterError | null {
  const size = file.blob.size;
  const empty = () => mediaError(ErrorCode.MSG_F_IS_EMPTY, 'invalid_argument', `${kind.call}: the ${kind.noun} is empty`);
  const tooLarge = () =>
    mediaError(
      kind.tooLarge,
      'payload_too_large',
      `${kind.call}: the ${kind.noun} is ${size} bytes; at most ${kind.maxBytes / MiB} MB (${kind.maxBytes} bytes)`,
    );
  switch (kind.noun) {
    case 'image': {
      const named = hasExtension(file.name) || !file.blob.type;
      const isImage = named ? IMAGE_EXTENSIONS.has(extensionOf(file.name)) : file.blob.type.startsWith('image/');
      if (!isImage) {
        return mediaError(
          ErrorCode.MSG_I_TYPES_LIMIT,
          'invalid_argument',
          `${kind.call}: ${file.name} is not an image Tencent's SDK sends (jpg, jpeg, gif, png, bmp, webp)`,
        );
      }
      if (size === 0) return empty();
      // Tencent's SDK takes an image under its limit, and a file of any other kind up to it.
      return size < kind.maxBytes ? null : tooLarge();
    }
    case 'video': {
      if (size > kind.maxBytes) return tooLarge();
      if (size === 0) return empty();
      const format = videoFormat(file);
      if (!VIDEO_SUBTYPES.has(format)) {
        return mediaError(
          ErrorCode.MSG_V_TYPES_LIMIT,
          'invalid_argument',
          `${kind.call}: ${file.name} (${file.blob.type || 'no type'}) is not an mp4 or QuickTime video`,
        );
      }
      return null;
    }
    default:
      if (size > kind.maxBytes) return tooLarge();
      return size === 0 ? empty() : null;
  }
}

/** The error of a refused media file: Tencent's code, the server's vocabulary for `error`. */
export function mediaError(code: number, error: string, message: string): NatterError {
  return new NatterError({ code, error, message });
}

/** Thrown at creation: no file given, or an input with none chosen. */
export function noFileError(kind: MediaKind): NatterError {
  return mediaError(
    kind.noFile,
    'invalid_argument',
    `${kind.call}: payload.file must be a File or Blob, or an <input type=file> with a file chosen`,
  );
}

/**
 * An upload's failure as Tencent's SDK reports it: the kind's upload-failure code, or, when the
 * server found the file too large (413, its own limit may be below Tencent's), the kind's size
 * limit. `error`, `status` and `retryAfterMs` stay the server's (`network_error` when it did not
 * answer) and the message says what it said.
 */
export function uploadFailure(kind: MediaKind, err: unknown): NatterError {
  if (!(err instanceof NatterError)) {
    return new NatterError({
      code: kind.uploadFailed,
      error: 'internal',
      message: `${kind.call}: the upload failed: ${String(err)}`,
      cause: err,
    });
  }
  return new NatterError({
    code: err.code === ErrorCode.PAYLOAD_TOO_LARGE ? kind.tooLarge : kind.uploadFailed,
    error: err.error,
    message: `${kind.call}: the upload failed: ${err.message}`,
    status: err.status,
    retryAfterMs: err.retryAfterMs,
    cause: err,
  });
}

/** Calls the app's `onProgress` with a fraction from 0 to 1; what it throws is not the send's concern. */
export function reportProgress(onProgress: ((percent: number) => void) | undefined, fraction: number): void {
  if (!onProgress) return;
  try {
    onProgress(Math.min(1, Math.max(0, fraction)));
  } catch {
    // As Tencent's: an app's progress handler failing does not fail the upload.
  }
}

/**
 * A local object URL for a file a browser can show before it is uploaded (images and videos, as
 * Tencent's SDK makes one); `''` outside a browser, where nothing would show it and it would only
 * hold the file in memory.
 */
export function localUrl(blob: Blob): string {
  const url = (globalThis as { URL?: { createObjectURL?: (blob: Blob) => string } }).URL;
  if (typeof (globalThis as { document?: unknown }).document === 'undefined' || !url?.createObjectURL) return '';
  try {
    return url.createObjectURL(blob);
  } catch {
    return '';
  }
}

/** A UUID until the upload names the file (then the server's `fileID`). */
function localUUID(): string {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The seconds a recorder said the audio lasts: `payload.file.duration` (ms), else `payload.second`. */
export function audioSeconds(payload: { file?: unknown; second?: unknown }, blob: Blob): number {
  const ms = [(payload.file as { duration?: unknown } | null)?.duration, (blob as { duration?: unknown }).duration].find(
    (d): d is number => typeof d === 'number' && Number.isFinite(d) && d >= 0,
  );
  if (ms !== undefined) return Math.floor(ms / 1000);
  const s = payload.second;
  return typeof s === 'number' && Number.isFinite(s) && s >= 0 ? Math.floor(s) : 0;
}

/** A video's length as the file says it (uni-app's files carry `duration`, in seconds), else 0. */
function videoSeconds(blob: Blob): number {
  const d = (blob as { duration?: unknown }).duration;
  return typeof d === 'number' && Number.isFinite(d) && d >= 0 ? Math.round(d) : 0;
}

/**
 * The image payload before the upload: the local file's size, and its object URL as `url` where a
 * browser can show it (`imageUrl`, the remote address, `''`), as Tencent's.
 */
export function localImagePayload(file: LocalFile, url: string): ImagePayload {
  return {
    uuid: localUUID(),
    imageFormat: localImageFormat(file),
    imageInfoArray: [0, 1, 2].map(
      (type): ImageInfo => ({ type, sizeType: type + 1, size: file.blob.size, width: 0, height: 0, url, imageUrl: '' }),
    ),
  };
}

export function localFilePayload(file: LocalFile): FilePayload {
  return {
    uuid: localUUID(),
    fileName: file.name,
    fileUrl: '',
    remoteFileUrl: '',
    fileSize: file.blob.size,
    downloadFlag: 2,
  };
}

export function localAudioPayload(file: LocalFile, second: number): AudioPayload {
  return { uuid: localUUID(), url: '', remoteAudioUrl: '', size: file.blob.size, second, downloadFlag: 2 };
}

/** The video payload before the upload; `videoUrl` the local object URL where there is one. */
export function localVideoPayload(file: LocalFile, url: string): VideoPayload {
  return {
    videoUUID: localUUID(),
    videoUrl: url,
    remoteVideoUrl: '',
    videoSize: file.blob.size,
    videoSecond: videoSeconds(file.blob),
    videoFormat: videoFormat(file),
    videoDownloadFlag: 2,
    ...videoCover('', 0, 0),
  };
}

/**
 * A video payload's cover fields, Tencent's thumbnail and its snapshot twins: Natter makes no
 * cover of its own (`''` and 0), a WuKongIM client may send one.
 */
function videoCover(url: string, width: number, height: number) {
  return {
    thumbUUID: '',
    thumbFormat: '',
    thumbUrl: url,
    remoteThumbUrl: url,
    snapshotUrl: url,
    remoteSnapshotUrl: url,
    thumbWidth: width,
    snapshotWidth: width,
    thumbHeight: height,
    snapshotHeight: height,
    thumbSize: 0,
    snapshotSize: 0,
    thumbDownloadFlag: 2,
  };
}

/** The `imageInfoArray` entry (`type`) each of the server's copies of an image fills. */
const COPY_TYPES: Readonly<Record<string, number>> = { large: 1, thumbnail: 2 };

/**
 * Writes the stored file into the payload, in place (an app's view of the message follows, as
 * with Tencent's): the server's `fileID` as the UUID, its absolute address (`absolute` makes the
 * server's paths absolute), and the size, name and (images) pixel size the server found. An
 * image's large and thumbnail entries point at the server's copies, with their pixel sizes (their
 * `size` 0: a copy is made when first downloaded); an image the server makes no copies of has the
 * original in all three.
 */
export function applyUpload(kind: MediaKind, payload: any, stored: WireUploadedFile, absolute: (path: string) => string): void {
  const url = absolute(stored.url);
  switch (kind.noun) {
    case 'image': {
      const p = payload as ImagePayload;
      p.uuid = stored.fileID;
      const format = imageFormat(stored.contentType);
      if (format !== IMAGE_FORMAT.UNKNOWN || p.imageFormat === IMAGE_FORMAT.UNKNOWN) p.imageFormat = format;
      for (const info of p.imageInfoArray) {
        Object.assign(info, { size: stored.size, width: stored.width ?? 0, height: stored.height ?? 0, url, imageUrl: url });
      }
      for (const copy of stored.variants ?? []) {
        const info = p.imageInfoArray.find((entry) => entry.type === COPY_TYPES[copy.variant]);
        if (!info) continue;
        const copyUrl = absolute(copy.url);
        Object.assign(info, { size: 0, width: copy.width, height: copy.height, url: copyUrl, imageUrl: copyUrl });
      }
      return;
    }
    case 'file': {
      const p = payload as FilePayload;
      Object.assign(p, { uuid: stored.fileID, fileName: stored.name, fileUrl: url, remoteFileUrl: url, fileSize: stored.size });
      return;
    }
    case 'audio': {
      const p = payload as AudioPayload;
      Object.assign(p, { uuid: stored.fileID, url, remoteAudioUrl: url, size: stored.size });
      return;
    }
    case 'video': {
      const p = payload as VideoPayload;
      Object.assign(p, { videoUUID: stored.fileID, videoUrl: url, remoteVideoUrl: url, videoSize: stored.size });
      return;
    }
  }
}

/**
 * A WuKongIM client's media content, which the server stores as it came (image `{type: 2, url,
 * width, height}`, voice `{type: 4, url, timeTrad}`, video `{type: 5, url, cover, size, second,
 * width, height}`, file `{type: 8, url, name, size}`), in Tencent's payload for `type`, so an app
 * reads one shape whoever sent it; `null` when `p` is not such a content.
 */
export function fromWuKongIM(
  type: MessageType,
  p: Record<string, unknown>,
): ImagePayload | FilePayload | AudioPayload | VideoPayload | null {
  if (typeof p.type !== 'number' || typeof p.url !== 'string') return null;
  const url = p.url;
  const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0);
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const path = urlPath(url);
  const width = count(p.width);
  const height = count(p.height);
  if (type === TYPES.MSG_IMAGE && p.type === 2) {
    return {
      uuid: '',
      imageFormat: imageFormat(extensionOf(path)),
      imageInfoArray: [0, 1, 2].map((n) => ({ type: n, sizeType: n + 1, size: 0, width, height, url, imageUrl: url })),
    };
  }
  if (type === TYPES.MSG_AUDIO && p.type === 4) {
    return { uuid: '', url, remoteAudioUrl: url, size: 0, second: count(p.timeTrad), downloadFlag: 2 };
  }
  if (type === TYPES.MSG_FILE && p.type === 8) {
    return { uuid: '', fileName: text(p.name), fileUrl: url, remoteFileUrl: url, fileSize: count(p.size), downloadFlag: 2 };
  }
  if (type === TYPES.MSG_VIDEO && p.type === 5) {
    return {
      videoUUID: '',
      videoUrl: url,
      remoteVideoUrl: url,
      videoSize: count(p.size),
      videoSecond: count(p.second),
      videoFormat: hasExtension(path) ? extensionOf(path) : '',
      videoDownloadFlag: 2,
      ...videoCover(text(p.cover), width, height),
    };
  }
  return null;
}

/** The path of a URL, for its extension (`''` when it is no URL). */
function urlPath(url: string): string {
  try {
    return new URL(url, 'http://localhost').pathname;
  } catch {
    return '';
  }
}

/** `onProgress`, when given, must be a function (Tencent's SDK refuses anything else). */
export function checkOnProgress(call: string, onProgress: unknown): ((percent: number) => void) | undefined {
  if (onProgress === undefined || onProgress === null) return undefined;
  if (typeof onProgress !== 'function') throw invalidArgument(`${call}: onProgress must be a function`);
  return onProgress as (percent: number) => void;
}
