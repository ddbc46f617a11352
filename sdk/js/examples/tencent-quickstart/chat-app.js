// A small chat app written from Tencent Cloud Chat's web SDK documentation (v3, JavaScript), not
// from this SDK's code. It follows the snippets of these pages of Tencent's web SDK guide:
//   - "Initialize Chat SDK": TencentCloudChat.create, setLogLevel, chat.on before login
//   - "Login and Logout": login({ userID, userSig }), imResponse.data.repeatLogin, logout
//   - the EVENT reference: SDK_READY, SDK_NOT_READY, MESSAGE_RECEIVED (event.data is [Message]),
//     CONVERSATION_LIST_UPDATED (event.data is [Conversation]), TOTAL_UNREAD_MESSAGE_COUNT_UPDATED,
//     KICKED_OUT (event.data.type), NET_STATE_CHANGE (event.data.state), ERROR
//   - "Send a Message": createTextMessage, createCustomMessage, sendMessage → imResponse.data.message
//   - "Historical Message": getMessageList with nextReqMessageID until isCompleted
//   - "Conversation List" / "Get Conversations": getConversationList, getConversationProfile,
//     conversation.lastMessage.messageForShow, userProfile / groupProfile
//   - "Unread Count", "Pin Conversations", "Delete Conversations", setMessageRead
//
// Running it on Natter changes exactly two things, marked NATTER below: the create() options (the
// server's address, and on Node 20 a WebSocket class) and the credential given to login (the device
// token the app backend got from Natter, passed as userSig). The import stays '@tencentcloud/chat':
// the app installs Natter's SDK under that name (npm install @tencentcloud/chat@npm:@natter/sdk).
// The upload plugin of the "Initialize" page is left out: this app sends no images or files.

import TencentCloudChat from '@tencentcloud/chat';

/**
 * Starts the app for one user. `config` is what the app's backend and environment provide;
 * `ui` receives what a real page would render.
 */
export function startChatApp(config, ui) {
  let options = {
    SDKAppID: config.SDKAppID, // Replace with the SDKAppID of your chat application
    serverUrl: config.serverUrl, // NATTER (1 of 2): the Natter server's address…
    WebSocket: config.WebSocket, // …and, where there is no global WebSocket (Node 20), one to use
  };
  // The `TencentCloudChat.create()` method returns the same instance for the same `SDKAppID`.
  let chat = TencentCloudChat.create(options);
  chat.setLogLevel(0);

  const state = {
    ready: false,
    netState: '',
    kickedOutType: '',
    received: [],
    conversationList: [],
    totalUnreadCount: 0,
    errors: [],
  };

  // Listen for events before calling login, so no event is missed.
  let onSdkReady = function (event) {
    state.ready = true;
    ui.log('SDK ready');
  };
  chat.on(TencentCloudChat.EVENT.SDK_READY, onSdkReady);

  let onSdkNotReady = function (event) {
    state.ready = false;
    ui.log('SDK not ready');
  };
  chat.on(TencentCloudChat.EVENT.SDK_NOT_READY, onSdkNotReady);

  let onMessageReceived = function (event) {
    // event.data - An array that stores Message objects - [Message]
    const messageList = event.data;
    messageList.forEach((message) => {
      if (message.type === TencentCloudChat.TYPES.MSG_TEXT) {
        // A text message; its payload is { text }
        state.received.push({ ID: message.ID, from: message.from, flow: message.flow, text: message.payload.text });
      } else if (message.type === TencentCloudChat.TYPES.MSG_CUSTOM) {
        // A custom message; its payload is { data, description, extension }
        state.received.push({ ID: message.ID, from: message.from, flow: message.flow, custom: message.payload.data });
      }
    });
    ui.renderMessages(state.received);
  };
  chat.on(TencentCloudChat.EVENT.MESSAGE_RECEIVED, onMessageReceived);

  let onConversationListUpdated = function (event) {
    // event.data - An array that stores Conversation objects - [Conversation]
    state.conversationList = event.data;
    ui.renderConversations(
      event.data.map((conversation) => ({
        conversationID: conversation.conversationID,
        name:
          conversation.type === TencentCloudChat.TYPES.CONV_C2C
            ? conversation.userProfile.nick || conversation.userProfile.userID
            : conversation.type === TencentCloudChat.TYPES.CONV_GROUP
              ? conversation.groupProfile.name || conversation.groupProfile.groupID
              : 'System',
        preview: conversation.lastMessage.messageForShow,
        lastTime: conversation.lastMessage.lastTime,
        unreadCount: conversation.unreadCount,
        isPinned: conversation.isPinned,
      })),
    );
  };
  chat.on(TencentCloudChat.EVENT.CONVERSATION_LIST_UPDATED, onConversationListUpdated);

  let onTotalUnreadMessageCountUpdated = function (event) {
    // event.data - The total unread count
    state.totalUnreadCount = event.data;
    ui.renderBadge(event.data);
  };
  chat.on(TencentCloudChat.EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, onTotalUnreadMessageCountUpdated);

  let onKickedOut = function (event) {
    // event.data.type - The reason:
    //   TencentCloudChat.TYPES.KICKED_OUT_MULT_ACCOUNT: logged in elsewhere
    //   TencentCloudChat.TYPES.KICKED_OUT_MULT_DEVICE: kicked by a login on another device
    //   TencentCloudChat.TYPES.KICKED_OUT_USERSIG_EXPIRED: the userSig expired
    //   TencentCloudChat.TYPES.KICKED_OUT_REST_API: kicked by the app backend
    state.kickedOutType = event.data.type;
    ui.log(`kicked out: ${event.data.type}`);
  };
  chat.on(TencentCloudChat.EVENT.KICKED_OUT, onKickedOut);

  let onNetStateChange = function (event) {
    // event.data.state: TencentCloudChat.TYPES.NET_STATE_CONNECTED / _CONNECTING / _DISCONNECTED
    state.netState = event.data.state;
    ui.log(`network: ${event.data.state}`);
  };
  chat.on(TencentCloudChat.EVENT.NET_STATE_CHANGE, onNetStateChange);

  let onError = function (event) {
    // event.data.code - Error code; event.data.message - Error message
    state.errors.push(event.data);
  };
  chat.on(TencentCloudChat.EVENT.ERROR, onError);

  async function login() {
    // NATTER (2 of 2): userSig is the device token the app backend got from Natter for this user.
    let promise = chat.login({ userID: config.userID, userSig: config.userSig });
    return promise
      .then(function (imResponse) {
        ui.log('login ok');
        if (imResponse.data.repeatLogin === true) {
          // The account is already logged in.
          ui.log(imResponse.data.errorInfo);
        }
        return imResponse.data;
      })
      .catch(function (imError) {
        ui.log(`login error: ${imError.code} ${imError.message}`);
        throw imError;
      });
  }

  async function sendText(to, text, conversationType = TencentCloudChat.TYPES.CONV_C2C) {
    // 1. Create a message instance. The returned instance can be displayed on the screen.
    let message = chat.createTextMessage({
      to,
      conversationType,
      payload: { text },
    });
    // 2. Send the message.
    let promise = chat.sendMessage(message);
    return promise
      .then(function (imResponse) {
        // The message was sent.
        return imResponse.data.message;
      })
      .catch(function (imError) {
        ui.log(`sendMessage error: ${imError.code} ${imError.message}`);
        throw imError;
      });
  }

  async function sendDice(to, value) {
    // A custom message for a feature the SDK does not have, for example rolling dice.
    let message = chat.createCustomMessage({
      to,
      conversationType: TencentCloudChat.TYPES.CONV_C2C,
      payload: {
        data: 'dice',
        description: String(value),
        extension: '',
      },
    });
    const imResponse = await chat.sendMessage(message);
    return imResponse.data.message;
  }

  /** Pulls the whole history of a conversation, page by page, as the user scrolls up. */
  async function loadHistory(conversationID) {
    const pages = [];
    // Pull the message list the first time a conversation is opened.
    let imResponse = await chat.getMessageList({ conversationID });
    pages.unshift(imResponse.data.messageList);
    let nextReqMessageID = imResponse.data.nextReqMessageID; // For the next page
    let isCompleted = imResponse.data.isCompleted; // Whether all messages were pulled
    while (!isCompleted) {
      // Pull down to see more messages.
      imResponse = await chat.getMessageList({ conversationID, nextReqMessageID });
      pages.unshift(imResponse.data.messageList);
      nextReqMessageID = imResponse.data.nextReqMessageID;
      isCompleted = imResponse.data.isCompleted;
    }
    return { pages, messages: pages.flat() };
  }

  async function openConversation(conversationID) {
    const { data } = await chat.getConversationProfile(conversationID);
    // Opening a conversation reads its messages.
    await chat.setMessageRead({ conversationID });
    return data.conversation;
  }

  async function listConversations() {
    let promise = chat.getConversationList();
    const imResponse = await promise;
    const conversationList = imResponse.data.conversationList; // The full conversation list
    const isSyncCompleted = imResponse.data.isSyncCompleted; // Whether the sync has finished
    return { conversationList, isSyncCompleted };
  }

  async function pin(conversationID) {
    const imResponse = await chat.pinConversation({ conversationID, isPinned: true });
    return imResponse.data.conversationID;
  }

  async function remove(conversationID) {
    // Deletes the conversation and, by default, its history.
    const imResponse = await chat.deleteConversation(conversationID);
    const { conversationID: deleted } = imResponse.data;
    return deleted;
  }

  async function quit() {
    await chat.logout();
    await chat.destroy();
  }

  return {
    chat,
    state,
    login,
    sendText,
    sendDice,
    loadHistory,
    openConversation,
    listConversations,
    pin,
    remove,
    quit,
    totalUnread: () => chat.getTotalUnreadMessageCount(),
    isReady: () => chat.isReady(),
  };
}
