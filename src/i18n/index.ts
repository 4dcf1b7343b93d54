export type { Catalog } from './catalog/catalog.ts';
export { DEFAULT_LOCALE, LOCALES, type Locale, localeFromHeader } from './locale.ts';
export type { Message, MessageKey, Param } from './message.ts';
export { isMessage, isMessageKey, msg, render, textOf } from './message.ts';
export { readText, StoredMessage, storedMessage, storeText } from './stored.ts';
