/**
 * Community topics, as Tencent's: a community created with topics holds channels of its own, whose
 * members are the community's. A topic's conversation (`GROUP<topicID>`) is never in the list, so
 * the community's Group info lists its topics, with their unread counts, opens them, and lets the
 * owner and the admins make new ones. What the client holds of them is `state.topics`, by
 * community: loaded when Group info shows the community, kept current by the SDK's TOPIC_* events.
 */
import TencentCloudChat, { type ConversationID, type Topic } from '@natter/sdk';
import { batch } from '@preact/signals';
import { chat } from './client.ts';
import { switchTab } from './actions.ts';
import { toast } from './feedback.ts';
import { describeError } from './format.ts';
import { findTopic, state } from './state.ts';
import { openConversation } from './thread.ts';

const { TYPES } = TencentCloudChat;

/** A topic's conversation's name, `#` and the topic's, when the client holds the topic. */
export function topicTitle(id: ConversationID): string | undefined {
  const topic = findTopic(id);
  return topic ? `# ${topic.topicName}` : undefined;
}

function setTopics(groupID: string, topics: readonly Topic[]): void {
  state.topics.value = new Map(state.topics.value).set(groupID, topics);
}

/** The community's topics, as the server has them now; a failure keeps what was held, and says why. */
export async function loadTopics(groupID: string): Promise<void> {
  try {
    const { successTopicList } = (await chat().getTopicList({ groupID, topicIDList: [] })).data;
    setTopics(groupID, successTopicList);
  } catch (err) {
    toast(`Could not load the topics: ${describeError(err)}`, 'error');
  }
}

/** The owner or an admin makes a topic; true once it is made (TOPIC_CREATED lists it). */
export async function createTopic(groupID: string, topicName: string): Promise<boolean> {
  try {
    await chat().createTopicInCommunity({ groupID, topicName });
    toast(`Created the topic “${topicName}”`);
    return true;
  } catch (err) {
    toast(`Could not create the topic: ${describeError(err)}`, 'error');
    return false;
  }
}

/** Opens a topic's conversation, closing Group info. */
export function openTopic(topic: Topic): void {
  batch(() => {
    state.dialog.value = null;
    switchTab('chats');
  });
  openConversation(`${TYPES.CONV_GROUP}${topic.topicID}`);
}

/** TOPIC_CREATED: a community the client holds the topics of has a new one; they are asked for again. */
export function topicCreated(groupID: string): void {
  if (state.topics.value.has(groupID)) void loadTopics(groupID);
}

/** TOPIC_UPDATED: a held topic's profile, unread count or last message changed. */
export function topicUpdated(groupID: string, topic: Topic): void {
  const held = state.topics.value.get(groupID);
  if (!held) return;
  const known = held.some((t) => t.topicID === topic.topicID);
  setTopics(groupID, known ? held.map((t) => (t.topicID === topic.topicID ? topic : t)) : [...held, topic]);
}

/** TOPIC_DELETED: the topics named are gone. */
export function topicsDeleted(groupID: string, topicIDList: readonly string[]): void {
  const held = state.topics.value.get(groupID);
  if (held) setTopics(groupID, held.filter((t) => !topicIDList.includes(t.topicID)));
}
