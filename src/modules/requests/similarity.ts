// Text similarity for grouping customer requests: a normaliser, character n-grams and the Dice
// coefficient over their sets. Works for English, Chinese and mixed text ("导出Excel报表").

/** Filler that says nothing about *what* is asked; removed so "希望支持导出" and "能否导出" meet. */
const ZH_FILLERS = [
  '能不能',
  '可不可以',
  '希望能够',
  '希望能',
  '希望',
  '能否',
  '是否可以',
  '可以',
  '请问',
  '麻烦',
  '一下',
  '我们',
  '客户',
  '需要',
  '建议',
  '增加',
  '新增',
  '支持',
  '功能',
  '一个',
];
const EN_FILLERS = new Set([
  'a',
  'an',
  'the',
  'to',
  'of',
  'for',
  'in',
  'on',
  'and',
  'or',
  'is',
  'are',
  'be',
  'it',
  'we',
  'our',
  'us',
  'you',
  'your',
  'i',
  'please',
  'can',
  'could',
  'would',
  'should',
  'like',
  'want',
  'need',
  'needs',
  'add',
  'support',
  'allow',
  'feature',
  'request',
  'option',
  'ability',
  'able',
  'with',
  'from',
  'into',
  'as',
  'by',
]);

const HAN = /\p{Script=Han}/u;

/**
 * Lower case, full-width folded to half-width (NFKC), punctuation and symbols to spaces, filler words
 * dropped, whitespace collapsed. Han runs are kept apart from Latin runs ("导出excel报表" ->
 * "导出 excel 报表") so each script is cut into grams its own way.
 */
export function normalizeText(text: string): string {
  let s = text.normalize('NFKC').toLowerCase();
  s = s.replace(/[^\p{L}\p{N}]+/gu, ' ');
  s = s.replace(/(\p{Script=Han})(?=[^\p{Script=Han}\s])|([^\p{Script=Han}\s])(?=\p{Script=Han})/gu, '$1$2 ');
  for (const filler of ZH_FILLERS) s = s.split(filler).join(' ');
  // The trailing particle 的 only joins words ("报表的导出"); inside words (目的) it is kept.
  s = s.replace(/的(?=\s|$)/g, ' ');
  return s
    .split(/\s+/)
    .filter((w) => w.length > 0 && !EN_FILLERS.has(w) && w !== '的')
    .join(' ');
}

/**
 * The distinct grams of normalised text. Latin words: character trigrams of the word padded with a
 * space on each side (" csv " -> " cs", "csv", "sv "), so short words and word edges count. Han
 * runs: character bigrams of the padded run, because one Han character carries about as much as a
 * Latin syllable; trigrams of Chinese would share almost nothing between "导出报表" and "报表导出".
 */
export function textGrams(normalized: string): string[] {
  const grams = new Set<string>();
  for (const word of normalized.split(' ')) {
    if (!word) continue;
    const chars = Array.from(` ${word} `);
    const n = HAN.test(word) ? 2 : 3;
    if (chars.length < n) continue;
    for (let i = 0; i + n <= chars.length; i++) grams.add(chars.slice(i, i + n).join(''));
  }
  return [...grams];
}

/** Dice coefficient of two gram sets: 2|A∩B| / (|A|+|B|), 0 when both are empty. */
export function diceOfGrams(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 0;
  const set = new Set(a);
  let shared = 0;
  for (const g of new Set(b)) if (set.has(g)) shared++;
  return (2 * shared) / (set.size + new Set(b).size);
}

/** Similarity of two texts in [0, 1]. */
export function similarity(a: string, b: string): number {
  return diceOfGrams(textGrams(normalizeText(a)), textGrams(normalizeText(b)));
}

/**
 * What a request is compared on: its title, the ask in a line. Descriptions carry context (who,
 * when, how painful) that differs between customers asking for the same thing, and boilerplate
 * that is the same between different asks, so they would blur the groups.
 */
export const requestGrams = (title: string): string[] => textGrams(normalizeText(title));
