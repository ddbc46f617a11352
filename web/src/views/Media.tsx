/**
 * What an image, file, video or voice message shows in its bubble: the image itself, a file card
 * (name, size, Download), or a player. One being sent from this tab shows the chosen file (the
 * SDK's local URL of it) and how much of it is uploaded.
 */
import TencentCloudChat, {
  type AudioPayload,
  type FilePayload,
  type ImageInfo,
  type ImagePayload,
  type Message,
  type VideoPayload,
} from '@natter/sdk';
import { imageWidth, nameInUrl, sizeWords } from '../media.ts';
import { state } from '../state.ts';
import { attachedFile } from '../thread.ts';
import { Icon } from './common.tsx';

const { TYPES } = TencentCloudChat;

/** `pending`: being sent from this tab (uploading, or waiting its turn). */
export function MediaContent({ m, pending }: { m: Message; pending: boolean }) {
  switch (m.type) {
    case TYPES.MSG_IMAGE:
      return <ImageContent m={m} pending={pending} />;
    case TYPES.MSG_FILE:
      return <FileContent m={m} pending={pending} />;
    case TYPES.MSG_VIDEO:
      return <VideoContent m={m} pending={pending} />;
    case TYPES.MSG_AUDIO:
      return <AudioContent m={m} />;
    default:
      return null;
  }
}

/**
 * The image, at most 320 px either way (`imageWidth`). Its size is known from the payload, so its
 * place is kept before it loads (`width` and `height` give the proportions, the style the width):
 * the history does not jump as images arrive, and `loading="lazy"` leaves those scrolled past
 * unloaded. A click opens the original in a new tab. Tencent's payload has the original, a big
 * picture and a thumbnail (the server's copies, 720 and 198 pixels on the shorter side): the big
 * one is shown, sharp on a high-density screen.
 */
function ImageContent({ m, pending }: { m: Message; pending: boolean }) {
  const infos: ImageInfo[] = (m.payload as ImagePayload).imageInfoArray ?? [];
  const original = infos.find((i) => i.type === 0) ?? infos[0];
  const shown = infos.find((i) => i.type === 1) ?? original;
  if (!shown?.url) return <span class="msg-text">[Image]</span>;
  const name = attachedFile(m)?.name ?? nameInUrl(original.imageUrl);
  const alt = name ? `Image ${name}` : 'Image';
  const width = imageWidth(shown.width, shown.height);
  const image = (
    <img
      class="msg-image"
      src={shown.url}
      alt={alt}
      loading="lazy"
      decoding="async"
      width={width ? shown.width : undefined}
      height={width ? shown.height : undefined}
      style={width ? { width: `${width}px` } : undefined}
    />
  );
  if (pending || !original.imageUrl) {
    return (
      <span class="msg-media-body">
        {image}
        {pending && <UploadProgress m={m} name={name || 'the image'} />}
      </span>
    );
  }
  return (
    <a class="msg-image-link" href={original.imageUrl} target="_blank" rel="noopener" title="Open full size in a new tab">
      {image}
      <span class="visually-hidden"> (opens full size in a new tab)</span>
    </a>
  );
}

/** A file card: an icon, the name, the size, and Download (the browser saves it under its name). */
function FileContent({ m, pending }: { m: Message; pending: boolean }) {
  const p = m.payload as FilePayload;
  const url = p.remoteFileUrl || p.fileUrl;
  const size = sizeWords(p.fileSize);
  return (
    <span class="file-card">
      <Icon name="file" class="file-icon" />
      <span class="file-text">
        <span class="file-name">{p.fileName}</span>
        {pending ? <UploadProgress m={m} name={p.fileName} /> : <span class="file-size">{size}</span>}
      </span>
      {url && !pending && (
        <a class="btn btn-small file-download" href={url} download={p.fileName} aria-label={`Download ${p.fileName}, ${size}`}>
          Download
        </a>
      )}
    </span>
  );
}

/**
 * A video player, in a 16:9 frame whatever the video's shape (the payload has no size, so the
 * frame keeps the history from jumping when the video loads).
 */
function VideoContent({ m, pending }: { m: Message; pending: boolean }) {
  const p = m.payload as VideoPayload;
  const url = p.remoteVideoUrl || p.videoUrl;
  const name = attachedFile(m)?.name ?? nameInUrl(p.remoteVideoUrl);
  if (!url) return <span class="msg-text">[Video]</span>;
  return (
    <span class="msg-media-body">
      <video class="msg-video" src={url} controls preload="metadata" aria-label={name ? `Video ${name}` : 'Video'} />
      {pending && <UploadProgress m={m} name={name || 'the video'} />}
    </span>
  );
}

/** A voice message (from an app that records them: the web client sends audio files as files). */
function AudioContent({ m }: { m: Message }) {
  const p = m.payload as AudioPayload;
  const url = p.remoteAudioUrl || p.url;
  if (!url) return <span class="msg-text">[Voice]</span>;
  const label = p.second > 0 ? `Voice message, ${p.second} seconds` : 'Voice message';
  return <audio class="msg-audio" src={url} controls preload="metadata" aria-label={label} />;
}

/**
 * How much of the file is uploaded. Before its upload starts (it waits for the files chosen before
 * it), or on a retry whose file had arrived already, an indeterminate bar says "Sending…".
 */
function UploadProgress({ m, name }: { m: Message; name: string }) {
  const fraction = state.uploads.value.get(m.ID);
  const percent = fraction === undefined ? undefined : Math.round(fraction * 100);
  return (
    <span class="upload">
      <progress class="upload-bar" max={100} value={percent} aria-label={`Uploading ${name}`} />
      <span class="upload-text">{percent === undefined ? 'Sending…' : `${percent}%`}</span>
    </span>
  );
}
