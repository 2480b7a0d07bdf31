// Webhook payloads as Telegram sends them, written from the Bot API documentation
// (https://core.telegram.org/bots/api#update, #message, #photosize, #document, #location):
// a private chat, whose id is the user's id, with a bot.

export const customer = { id: 111222333, is_bot: false, first_name: 'Ana', last_name: 'Silva', username: 'ana_s', language_code: 'pt' };
const chat = { id: customer.id, first_name: 'Ana', last_name: 'Silva', username: 'ana_s', type: 'private' };
const DATE = 1_764_000_000;

let updateId = 500_000;
const base = (messageId: number) => ({ message_id: messageId, from: customer, chat, date: DATE + messageId });

export const textUpdate = (messageId: number, text: string) => ({
  update_id: ++updateId,
  message: {
    ...base(messageId),
    text,
    ...(text.startsWith('/') ? { entities: [{ offset: 0, length: text.split(' ')[0]!.length, type: 'bot_command' }] } : {}),
  },
});

/** A photo: every size Telegram made of it, smallest first, with an optional caption. */
export const photoUpdate = (messageId: number, caption?: string) => ({
  update_id: ++updateId,
  message: {
    ...base(messageId),
    photo: [
      { file_id: 'AgACAgQAAxkBAAIBsmall', file_unique_id: 'AQADsmall', file_size: 1520, width: 90, height: 67 },
      { file_id: 'AgACAgQAAxkBAAIBmedium', file_unique_id: 'AQADmedium', file_size: 22_110, width: 320, height: 240 },
      { file_id: 'AgACAgQAAxkBAAIBlarge', file_unique_id: 'AQADlarge', file_size: 93_412, width: 1280, height: 960 },
    ],
    ...(caption ? { caption } : {}),
  },
});

export const documentUpdate = (messageId: number) => ({
  update_id: ++updateId,
  message: {
    ...base(messageId),
    document: { file_name: 'invoice-2291.pdf', mime_type: 'application/pdf', file_id: 'BQACAgQAAxkBAAIBdoc', file_unique_id: 'AgADdoc', file_size: 48_213 },
    caption: 'This is the invoice',
  },
});

export const locationUpdate = (messageId: number) => ({
  update_id: ++updateId,
  message: { ...base(messageId), location: { latitude: 38.722252, longitude: -9.139337 } },
});

export const voiceUpdate = (messageId: number) => ({
  update_id: ++updateId,
  message: {
    ...base(messageId),
    voice: { duration: 7, mime_type: 'audio/ogg', file_id: 'AwACAgQAAxkBAAIBvoice', file_unique_id: 'AgADvoice', file_size: 18_004 },
  },
});

/** An edit: Telegram sends the whole message again as edited_message, with edit_date. */
export const editedUpdate = (messageId: number, text: string) => ({
  update_id: ++updateId,
  edited_message: { ...base(messageId), edit_date: DATE + messageId + 60, text },
});

/** A kind Kamflo does not show (a poll). */
export const pollUpdate = (messageId: number) => ({
  update_id: ++updateId,
  message: {
    ...base(messageId),
    poll: {
      id: '5555',
      question: 'Which plan?',
      options: [
        { text: 'Basic', voter_count: 0 },
        { text: 'Pro', voter_count: 0 },
      ],
      total_voter_count: 0,
      is_closed: false,
      is_anonymous: true,
      type: 'regular',
      allows_multiple_answers: false,
    },
  },
});

/** Not a message at all: the user blocked or unblocked the bot. */
export const myChatMemberUpdate = () => ({
  update_id: ++updateId,
  my_chat_member: {
    chat,
    from: customer,
    date: DATE,
    old_chat_member: { user: { id: 42, is_bot: true, first_name: 'Acme' }, status: 'member' },
    new_chat_member: { user: { id: 42, is_bot: true, first_name: 'Acme' }, status: 'kicked', until_date: 0 },
  },
});
