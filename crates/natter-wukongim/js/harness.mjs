// Drives the real WuKongIM web SDK (wukongimjssdk, bundled by build.mjs) in Node through a
// script of steps, and reports what happens as JSON lines on stdout. One process is one SDK
// instance (the SDK is a singleton), so a test with two users runs two processes.
//
//   node harness.mjs script.json        (or `-` to read the script from stdin)
//
// The script:
//
//   {
//     "url": "ws://127.0.0.1:5100",     WebSocket URL of the server
//     "uid": "alice", "token": "secret",
//     "deviceFlag": 1,                  optional: 0 app, 1 web (the SDK's default), 2 pc
//     "heartbeatMs": 60000,             optional: PING interval (the SDK's default is 60 s)
//     "logFrames": false,               optional: report every raw frame as hex
//     "protoVersion": 2,                optional: the protocol version the SDK asks for
//     "dropRecvacksAfter": 1,           optional: let this many RECVACKs out, then drop the
//                                       rest unsent (a client whose acknowledgements are lost)
//     "sdk": "/path/to/bundle.mjs",     optional: another build of the SDK, an ES module whose
//                                       default export is WKSDK and which exports Channel,
//                                       Conversation and Message (default: the pinned one)
//     "backend": {"url": "http://127.0.0.1:5001", "managerToken": "…"}
//                                       optional: the app backend the SDK's sync callbacks
//                                       call, as a WuKongIM app's backend forwards them to
//                                       the server API's /conversation/sync and
//                                       /channel/messagesync
//     "steps": [ ... ]
//   }
//
// Steps, run in order; each wait fails the run if it times out (timeoutMs, default 5000):
//
//   {"op": "connect"}
//   {"op": "waitStatus", "status": "connected"}   or "connectFail", "kicked", "disconnected";
//                                                with "seen": true, also done if the status
//                                                was reached earlier and left again
//   {"op": "send", "channelID": "bob", "channelType": 1, "text": "hello"}
//   {"op": "waitSendacks", "count": 1}           until that many SENDACKs in all
//   {"op": "waitMessages", "count": 1}           until that many received messages in all
//   {"op": "waitCmds", "count": 1}               until that many CMD messages (content type
//                                                99, which the SDK gives its CMD listeners)
//   {"op": "subscribe", "channelID": "room", "channelType": 7}
//   {"op": "waitSubacks", "count": 1}
//   {"op": "waitFrames", "dir": "out", "type": 7, "count": 2}  raw frames seen: dir "in" or
//                                                "out", type a packet type (7 is PING)
//   {"op": "expectMessages", "count": 2}         fails unless exactly that many so far
//   {"op": "expectFrames", "dir": "out", "type": 1, "count": 1}  likewise for raw frames
//   {"op": "syncConversations"}                 the SDK's conversation sync, through the
//                                                app backend's callback (below); reports
//                                                {"event": "conversations", "list": [...]}
//   {"op": "syncMessages", "channelID": "bob", "channelType": 1, "limit": 30}
//                                                the SDK's message sync, likewise; reports
//                                                {"event": "history", "messages": [...]}
//   {"op": "sleep", "ms": 500}
//   {"op": "disconnect"}
//
// Events, one JSON object a line: {"event": "status", "status": "connected", "code": 1,
// "reasonCode": 1}, {"event": "sendack", ...}, {"event": "message", ..., "content": {...}} (the
// decoded payload), {"event": "suback", ...}, {"event": "frame", "dir": "in"|"out", "hex":
// "..."} (with logFrames), {"event": "step", ...} after each step, and last {"event": "done",
// "ok": true} or {"event": "done", "ok": false, "error": "..."}. The exit code is 0 when every
// step passed, 1 when one failed, 2 when the script is unusable. The SDK's own console output
// goes to stderr.
//
// Also a module: `run(script, onEvent)` resolves to {ok, error, events}.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { buildSdk, bundlePath } from './build.mjs';

const STATUS = { 0: 'disconnected', 1: 'connected', 2: 'connecting', 3: 'connectFail', 4: 'kicked' };

// The SDK opens `new WebSocket(url)` and sets binaryType 'arraybuffer', as in a browser. The
// wrapper reports the frames each way when asked to, and drops the outgoing ones `keep`
// refuses (they are not counted as sent).
function webSocketClass(onFrame, keep) {
  return class RecordingWebSocket extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener('message', (e) => onFrame('in', new Uint8Array(e.data)));
    }

    send(data) {
      const bytes = new Uint8Array(data);
      if (!keep(bytes)) return;
      onFrame('out', bytes);
      super.send(data);
    }
  };
}

const toHex = (bytes) => Buffer.from(bytes).toString('hex');

export async function run(script, onEvent = () => {}) {
  const events = [];
  const emit = (event) => {
    events.push(event);
    onEvent(event);
    for (const waiter of [...waiters]) waiter();
  };
  const waiters = new Set();
  const counts = { sendacks: 0, messages: 0, cmds: 0, subacks: 0 };
  const frames = [];
  let status = 'disconnected';
  const seen = new Set();
  let recvacksLeft = script.dropRecvacksAfter ?? Infinity;

  const RECVACK = 6;
  const keep = (bytes) => bytes[0] >> 4 !== RECVACK || recvacksLeft-- > 0;
  globalThis.WebSocket = webSocketClass((dir, bytes) => {
    frames.push({ dir, type: bytes[0] >> 4 });
    if (script.logFrames) emit({ event: 'frame', dir, hex: toHex(bytes) });
    else for (const waiter of [...waiters]) waiter();
  }, keep);
  let sdkPath = script.sdk;
  if (sdkPath === undefined) {
    if (!existsSync(bundlePath)) await buildSdk();
    sdkPath = bundlePath;
  }
  const { default: WKSDK, Channel, Conversation, Message } = await import(pathToFileURL(sdkPath).href);
  const sdk = WKSDK.shared();
  if (script.backend) {
    installSyncCallbacks(sdk, script.backend, script.uid, { Channel, Conversation, Message });
  }
  sdk.config.addr = script.url;
  sdk.config.uid = script.uid;
  sdk.config.token = script.token;
  if (script.deviceFlag !== undefined) sdk.config.deviceFlag = script.deviceFlag;
  if (script.heartbeatMs !== undefined) sdk.config.heartbeatInterval = script.heartbeatMs;
  if (script.protoVersion !== undefined) sdk.config.protoVersion = script.protoVersion;

  sdk.connectManager.addConnectStatusListener((code, reasonCode) => {
    status = STATUS[code] ?? String(code);
    seen.add(status);
    emit({ event: 'status', status, code, reasonCode });
  });
  sdk.chatManager.addMessageStatusListener((ack) => {
    counts.sendacks += 1;
    emit({
      event: 'sendack',
      clientSeq: Number(ack.clientSeq),
      messageID: String(ack.messageID),
      messageSeq: Number(ack.messageSeq),
      reasonCode: ack.reasonCode,
    });
  });
  sdk.chatManager.addMessageListener((message) => {
    // The SDK also hands the listeners each message it sends, before it has a message ID.
    if (message.messageID === undefined) return;
    counts.messages += 1;
    emit({
      event: 'message',
      messageID: String(message.messageID),
      messageSeq: message.messageSeq,
      clientMsgNo: message.clientMsgNo,
      fromUID: message.fromUID,
      channelID: message.channel.channelID,
      channelType: message.channel.channelType,
      timestamp: message.timestamp,
      contentType: message.contentType,
      text: message.content?.text,
      content: message.content?.contentObj,
    });
  });

  sdk.chatManager.addCMDListener((message) => {
    counts.cmds += 1;
    emit({
      event: 'cmd',
      messageID: String(message.messageID),
      fromUID: message.fromUID,
      channelID: message.channel.channelID,
      channelType: message.channel.channelType,
      contentType: message.contentType,
      content: message.content?.contentObj,
    });
  });

  const until = (what, test, timeoutMs = 5000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (!test()) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  const ops = {
    connect: () => sdk.connect(),
    disconnect: () => sdk.disconnect(),
    sleep: (s) => new Promise((resolve) => setTimeout(resolve, s.ms)),
    send: (s) => {
      const channel = sdk.newChannel(s.channelID, s.channelType ?? 1);
      return sdk.chatManager.send(sdk.newMessageText(s.text), channel);
    },
    subscribe: (s) => {
      const channel = sdk.newChannel(s.channelID, s.channelType ?? 7);
      sdk.onSubscribe(channel, (_message, reasonCode) => {
        if (_message !== undefined) return; // a message on the channel, not the SUBACK
        counts.subacks += 1;
        emit({ event: 'suback', channelID: s.channelID, reasonCode });
      });
    },
    waitStatus: (s) =>
      until(`status ${s.status}`, () => status === s.status || (s.seen && seen.has(s.status)), s.timeoutMs),
    waitSendacks: (s) => until(`${s.count} SENDACKs`, () => counts.sendacks >= s.count, s.timeoutMs),
    waitMessages: (s) => until(`${s.count} messages`, () => counts.messages >= s.count, s.timeoutMs),
    waitCmds: (s) => until(`${s.count} CMD messages`, () => counts.cmds >= s.count, s.timeoutMs),
    waitSubacks: (s) => until(`${s.count} SUBACKs`, () => counts.subacks >= s.count, s.timeoutMs),
    waitFrames: (s) =>
      until(
        `${s.count} ${s.dir} frames of type ${s.type}`,
        () => countFrames(s) >= s.count,
        s.timeoutMs,
      ),
    syncConversations: async () => {
      const list = await sdk.conversationManager.sync({});
      emit({
        event: 'conversations',
        list: list.map((c) => ({
          channelID: c.channel.channelID,
          channelType: c.channel.channelType,
          unread: c.unread,
          timestamp: c.timestamp,
          lastMessage: c.lastMessage && describe(c.lastMessage),
        })),
      });
    },
    syncMessages: async (s) => {
      const channel = new Channel(s.channelID, s.channelType ?? 1);
      const messages = await sdk.chatManager.syncMessages(channel, {
        startMessageSeq: s.startMessageSeq ?? 0,
        endMessageSeq: s.endMessageSeq ?? 0,
        limit: s.limit ?? 30,
        pullMode: s.pullMode ?? 0,
      });
      emit({ event: 'history', messages: messages.map(describe) });
    },
    expectMessages: (s) => expect('messages', counts.messages, s.count),
    expectFrames: (s) => expect(`${s.dir} frames of type ${s.type}`, countFrames(s), s.count),
  };
  const countFrames = (s) => frames.filter((f) => f.dir === s.dir && f.type === s.type).length;
  const expect = (what, actual, wanted) => {
    if (actual !== wanted) throw new Error(`expected ${wanted} ${what}, got ${actual}`);
  };

  let error;
  try {
    for (const [index, step] of (script.steps ?? []).entries()) {
      const op = ops[step.op];
      if (!op) throw new Error(`step ${index}: unknown op ${JSON.stringify(step.op)}`);
      await op(step);
      emit({ event: 'step', index, op: step.op });
    }
  } catch (e) {
    error = e.message;
  } finally {
    sdk.disconnect(); // no reconnect timer left behind
  }
  const done = error ? { event: 'done', ok: false, error } : { event: 'done', ok: true };
  emit(done);
  return { ok: !error, error, events };
}

/** A message as the events report it. */
function describe(message) {
  return {
    messageID: String(message.messageID),
    messageSeq: message.messageSeq,
    fromUID: message.fromUID,
    channelID: message.channel.channelID,
    channelType: message.channel.channelType,
    contentType: message.contentType,
    text: message.content?.text,
  };
}

/**
 * The sync callbacks a WuKongIM app installs: they ask the app backend, which asks the server API
 * (here the harness is the backend and calls the server API itself, with the manager token), and
 * turn its answers into the SDK's objects, as WuKongIM's own demo app does.
 */
function installSyncCallbacks(sdk, backend, uid, { Channel, Conversation, Message }) {
  const post = async (path, body) => {
    const response = await fetch(backend.url + path, {
      method: 'POST',
      headers: { token: backend.managerToken, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const toMessage = (m) => {
    const message = new Message();
    message.messageID = m.message_idstr;
    message.messageSeq = m.message_seq;
    message.clientMsgNo = m.client_msg_no;
    message.fromUID = m.from_uid;
    message.timestamp = m.timestamp;
    // A personal message names the party who did not send it; from the reader's side the
    // channel is the other user.
    const channelID = m.channel_type === 1 && m.channel_id === uid ? m.from_uid : m.channel_id;
    message.channel = new Channel(channelID, m.channel_type);
    const bytes = Buffer.from(m.payload, 'base64');
    const contentType = JSON.parse(bytes.toString('utf8')).type ?? 0;
    const content = sdk.getMessageContent(contentType);
    content.decode(new Uint8Array(bytes));
    message.content = content;
    return message;
  };
  sdk.config.provider.syncConversationsCallback = async () => {
    const answer = await post('/conversation/sync', { uid, version: 0, last_msg_seqs: '', msg_count: 20 });
    return answer.map((c) => {
      const conversation = new Conversation();
      conversation.channel = new Channel(c.channel_id, c.channel_type);
      conversation.unread = c.unread;
      conversation.timestamp = c.timestamp;
      conversation.lastMessage = c.recents.length > 0 ? toMessage(c.recents[0]) : undefined;
      return conversation;
    });
  };
  sdk.config.provider.syncMessagesCallback = async (channel, options) => {
    const answer = await post('/channel/messagesync', {
      login_uid: uid,
      channel_id: channel.channelID,
      channel_type: channel.channelType,
      start_message_seq: options.startMessageSeq,
      end_message_seq: options.endMessageSeq,
      limit: options.limit,
      pull_mode: options.pullMode,
    });
    return answer.messages.map(toMessage);
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const source = process.argv[2];
  let script;
  try {
    script = JSON.parse(readFileSync(source === undefined || source === '-' ? 0 : source, 'utf8'));
  } catch (e) {
    console.error(`usage: node harness.mjs script.json|-  (${e.message})`);
    process.exit(2);
  }
  // stdout carries the events alone: the SDK's logging goes to stderr.
  const write = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
  console.log = console.info = console.debug = console.warn = (...args) => console.error(...args);
  const { ok } = await run(script, write);
  process.exit(ok ? 0 : 1);
}
