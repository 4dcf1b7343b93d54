/** A catalog area: `key: [en, zh-CN]`. */
export type Catalog = Record<string, readonly [en: string, zh: string]>;
