/**
 * The subset of Bot API objects the emulator produces and accepts. Field names are Telegram's
 * (snake_case) because these objects go over the wire unchanged.
 */
export type User = {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
};

export type BotUser = User & {
  can_join_groups: boolean;
  can_read_all_group_messages: boolean;
  supports_inline_queries: boolean;
};

export type Chat = {
  id: number;
  type: "private" | "group" | "supergroup" | "channel";
  first_name?: string;
  last_name?: string;
  username?: string;
  title?: string;
};

export type PhotoSize = {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size?: number;
};

export type Document = {
  file_id: string;
  file_unique_id: string;
  file_name?: string;
  mime_type?: string;
  file_size?: number;
};

export type MessageEntity = { type: string; offset: number; length: number };

export type InlineKeyboardButton = { text: string; callback_data?: string; url?: string };

/** Any reply_markup the bot sends; only inline keyboards are echoed back inside a Message. */
export type ReplyMarkup = { inline_keyboard?: InlineKeyboardButton[][] } & Record<string, unknown>;

export type Message = {
  message_id: number;
  date: number;
  chat: Chat;
  from?: User;
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  photo?: PhotoSize[];
  document?: Document;
  reply_markup?: { inline_keyboard: InlineKeyboardButton[][] };
  reply_to_message?: Message;
  edit_date?: number;
};

export type CallbackQuery = {
  id: string;
  from: User;
  message?: Message;
  chat_instance: string;
  data?: string;
};

export type Update = {
  update_id: number;
  message?: Message;
  edited_message?: Message;
  callback_query?: CallbackQuery;
};

export type MessageUpdate = Update & { message: Message };
export type CallbackQueryUpdate = Update & { callback_query: CallbackQuery };

export type ResponseParameters = { retry_after?: number; migrate_to_chat_id?: number };

export type ApiResponse<T = unknown> =
  | { ok: true; result: T }
  | { ok: false; error_code: number; description: string; parameters?: ResponseParameters };

/** The update kinds a bot can receive, as named in `allowed_updates`. */
export function updateType(update: Update): string {
  const key = Object.keys(update).find((k) => k !== "update_id");
  return key ?? "unknown";
}
