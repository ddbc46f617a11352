/**
 * translateText and convertVoiceToText: their options checked and put in the server's terms
 * (`POST /v1/translate`, `POST /v1/speech-to-text`), which hands them to the translation and
 * speech-to-text services the server's operator set up.
 */
import { TYPES } from './constants.js';
import { invalidArgument } from './errors.js';
import type { AudioPayload, ConvertVoiceToTextOptions, TranslateTextOptions } from './types.js';
import type { WireSpeechToTextRequest, WireTranslateTextRequest } from './wire.js';

/** The server's request for translateText, or a rejection naming the bad option. */
export function translateRequest(options: TranslateTextOptions): WireTranslateTextRequest {
  const { sourceTextList, sourceLanguage, targetLanguage } = (options ?? {}) as Partial<TranslateTextOptions>;
  if (!Array.isArray(sourceTextList) || sourceTextList.some((text) => typeof text !== 'string')) {
    throw invalidArgument('translateText: sourceTextList must be an array of strings');
  }
  if (sourceLanguage !== undefined && typeof sourceLanguage !== 'string') {
    throw invalidArgument('translateText: sourceLanguage must be a string');
  }
  if (typeof targetLanguage !== 'string' || targetLanguage === '') {
    throw invalidArgument('translateText: targetLanguage is required (like "en")');
  }
  return { sourceTextList, sourceLanguage: sourceLanguage ?? '', targetLanguage };
}

/** The server's request for convertVoiceToText, or a rejection naming the bad option. */
export function speechToTextRequest(options: ConvertVoiceToTextOptions): WireSpeechToTextRequest {
  const { message, language } = (options ?? {}) as Partial<ConvertVoiceToTextOptions>;
  if (typeof message !== 'object' || message === null || message.type !== TYPES.MSG_AUDIO) {
    throw invalidArgument('convertVoiceToText: message must be a sound message (TYPES.MSG_AUDIO)');
  }
  if (message.status !== 'success') {
    throw invalidArgument('convertVoiceToText: only a sent or received message (status "success")');
  }
  const payload = message.payload as AudioPayload;
  const url = payload.remoteAudioUrl || payload.url;
  if (typeof url !== 'string' || url === '') {
    throw invalidArgument('convertVoiceToText: the message has no audio file');
  }
  if (language !== undefined && typeof language !== 'string') {
    throw invalidArgument('convertVoiceToText: language must be a string');
  }
  const code = speechLanguage(language);
  return code === undefined ? { url } : { url, language: code };
}

/**
 * The ISO 639-1 code of a language as Tencent's convertVoiceToText names it, or of a BCP 47 tag;
 * undefined (the service detects it) when none is given. Tencent's own four are named so its
 * sample code runs: `'zh (cmn-Hans-CN)'` Mandarin, `'en-US'`, `'yue-Hant-HK'` Cantonese,
 * `'ja-JP'`.
 */
export function speechLanguage(language: string | undefined): string | undefined {
  if (language === undefined || language === '') return undefined;
  const primary = /^[A-Za-z]+/.exec(language.trim());
  return primary === null ? language : primary[0].toLowerCase();
}
