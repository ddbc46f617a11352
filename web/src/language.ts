/**
 * Translate (a text message, into the browser's language) and Transcribe (a sound message), from
 * the message menu, by the SDK's translateText and convertVoiceToText: the server passes them to
 * the services its operator set up. The result shows under the message, in this tab only (nothing
 * is stored or sent). A server without the service answers 501 `not_configured`: the item is then
 * offered no more this session.
 */
import { NatterError, TYPES, type Message, type TextPayload } from '@natter/sdk';
import { chat } from './client.ts';
import { announce, toast } from './feedback.ts';
import { describeError } from './format.ts';
import { state, type LanguageService, type Rendering } from './state.ts';

/** The service a message's menu offers, if any: Translate for text, Transcribe for sound. */
export function serviceFor(m: Message): LanguageService | null {
  if (m.status !== 'success' || m.isRevoked) return null;
  const service: LanguageService | null =
    m.type === TYPES.MSG_TEXT ? 'translate' : m.type === TYPES.MSG_AUDIO ? 'transcribe' : null;
  if (service === null || state.servicesOff.value.has(service)) return null;
  if (state.renderings.value.has(m.ID)) return null;
  return service;
}

/** The language to translate into: the browser's, as a language code (`en-US` → `en`). */
function targetLanguage(): string {
  return (navigator.language || 'en').split('-')[0]!.toLowerCase();
}

/** Shows `rendering` under message `key`; `null`: one is on its way. */
function render(key: string, rendering: Rendering | null): void {
  state.renderings.value = new Map(state.renderings.value).set(key, rendering);
}

/**
 * Takes back what is shown under these messages (a call that failed; a message changed since, whose
 * translation would no longer match it): its menu offers the item again.
 */
export function forget(keys: string[]): void {
  if (!keys.some((key) => state.renderings.value.has(key))) return;
  const next = new Map(state.renderings.value);
  for (const key of keys) next.delete(key);
  state.renderings.value = next;
}

/** Asks for the message's translation or transcript and shows it under the message. */
export async function renderMessage(m: Message): Promise<void> {
  const service = serviceFor(m);
  if (service === null) return;
  render(m.ID, null);
  try {
    const text =
      service === 'translate'
        ? (
            await chat().translateText({
              sourceTextList: [(m.payload as TextPayload).text],
              sourceLanguage: '',
              targetLanguage: targetLanguage(),
            })
          ).data.translatedTextList[0]!
        : (await chat().convertVoiceToText({ message: m })).data.result;
    render(m.ID, { service, text });
    announce(service === 'translate' ? `Translation: ${text}` : `Transcript: ${text}`);
  } catch (err) {
    forget([m.ID]);
    toast(refusal(service, err), 'error');
  }
}

function refusal(service: LanguageService, err: unknown): string {
  const what = service === 'translate' ? 'Translation' : 'Speech to text';
  // translateText says 50101, convertVoiceToText Tencent's 2118: both keep the server's name.
  if (err instanceof NatterError && err.error === 'not_configured') {
    state.servicesOff.value = new Set([...state.servicesOff.value, service]);
    return `${what} is not set up on this server.`;
  }
  return `${what} failed: ${describeError(err)}`;
}
