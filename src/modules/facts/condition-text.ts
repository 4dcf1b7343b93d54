// The text form of conditions, for the CLI and config files:
//
//   tier = "strategic" and metrics.query.mom_change <= -0.3 and days_to_renewal <= 90
//   region in ["华东", "华南"] or not (arr between 100000 and 300000)
//   health.score changed by <= -10 in 7d          (absolute change over 7 days)
//   arr changed by <= -20% in 90d                 (relative change: {value: -0.2, relative: true})
//   percentile(metrics.reports_run.total_30d within tier) <= 10
//
// Grammar (keywords are case-insensitive; `not` binds tighter than `and`, `and` tighter than `or`):
//
//   or         := and ("or" and)*
//   and        := unary ("and" unary)*
//   unary      := "not" unary | "(" or ")" | percentile | comparison
//   percentile := "percentile" "(" FACT ["within" ("all" | "tier")] ")" CMP NUMBER
//   comparison := FACT ( ("=" | "!=" | "<" | "<=" | ">" | ">=") scalar
//                      | ["not"] "in" "[" item ("," item)* "]"
//                      | "between" item "and" item
//                      | "is" ["not"] "empty"
//                      | ["not"] "contains" STRING
//                      | "changed" "by" CMP NUMBER["%"] "in" DAYS "d" )
//
// A small hand-written lexer and recursive-descent parser: the grammar is tiny, and writing it out
// keeps error messages precise (every error names the token and its line and column).
import { type Message, msg } from '../../i18n/index.ts';
import {
  atPosition,
  CMP_OPS,
  type Cmp,
  type CompareOp,
  type Condition,
  ConditionError,
  FACT_KEY_PATTERN,
  KEYWORDS,
  located,
  MAX_CHANGE_DAYS,
  MAX_DEPTH,
  MAX_FACT_KEY_LENGTH,
  recordSourcePosition,
  type SourcePosition,
} from './condition.ts';

type TokenKind = 'word' | 'string' | 'number' | 'duration' | 'op' | 'punct' | 'eof';
type Token = {
  kind: TokenKind;
  /** The token as written (for words, operators and punctuation, what the parser matches on). */
  text: string;
  offset: number;
  /** string: the unescaped content; number: the value; duration: the days. */
  value?: string | number;
  /** A number written with a trailing % (only meaningful after `changed by`). */
  percent?: boolean;
};

// Characters people paste from Chinese documents or word processors, with what they meant.
const LOOKALIKES: Record<string, string> = {
  '“': '"',
  '”': '"',
  '„': '"',
  '＂': '"',
  '（': '(',
  '）': ')',
  '，': ',',
  '［': '[',
  '］': ']',
  '＝': '=',
  '＜': '<',
  '＞': '>',
};

/** Line and column (1-based, counted in characters as a person sees them) of an offset. */
class PositionIndex {
  // Positions are asked for mostly left to right, so resuming from the last answer keeps the total
  // work linear in the length of the text.
  private offset = 0;
  private line = 1;
  private column = 1;

  constructor(private readonly source: string) {}

  at(offset: number): SourcePosition {
    if (offset < this.offset) {
      this.offset = 0;
      this.line = 1;
      this.column = 1;
    }
    const { source } = this;
    for (let i = this.offset; i < offset; i++) {
      const code = source.charCodeAt(i);
      if (code === 10) {
        this.line++;
        this.column = 1;
      } else if (!(code >= 0xdc00 && code <= 0xdfff && isHighSurrogate(source.charCodeAt(i - 1)))) {
        // The second half of a surrogate pair (an emoji, a rare CJK character) is not a new column.
        this.column++;
      }
    }
    this.offset = offset;
    return { offset, line: this.line, column: this.column };
  }
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

const WHITESPACE = /\s+/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*/y;
const NUMBER = /[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WORD_CHAR = /[A-Za-z0-9_.]/;

class Lexer {
  private pos = 0;
  private peeked: Token | undefined;

  constructor(
    private readonly source: string,
    readonly positions: PositionIndex,
  ) {}

  peek(): Token {
    this.peeked ??= this.read();
    return this.peeked;
  }

  next(): Token {
    const token = this.peek();
    this.peeked = undefined;
    return token;
  }

  fail(message: Message, offset: number, hint?: Message): never {
    const position = this.positions.at(offset);
    throw new ConditionError(located(message, atPosition(position), hint), { position });
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.pos;
    return pattern.exec(this.source)?.[0];
  }

  private read(): Token {
    const { source } = this;
    this.pos += this.match(WHITESPACE)?.length ?? 0;
    const offset = this.pos;
    if (offset >= source.length) return { kind: 'eof', text: '', offset };
    const ch = source[offset];

    const word = this.match(WORD);
    if (word !== undefined) {
      this.pos += word.length;
      if (source[this.pos] === '.') this.fail(unexpected('"."'), this.pos, msg('cond.hint.keyEndsWithDot'));
      return { kind: 'word', text: word, offset };
    }
    const number = this.match(NUMBER);
    if (number !== undefined) return this.readNumber(number, offset);
    if (ch === '"') return this.readString(offset);

    const two = source.slice(offset, offset + 2);
    if (two === '!=' || two === '<=' || two === '>=') {
      this.pos += 2;
      return { kind: 'op', text: two, offset };
    }
    if (two === '==') this.fail(unexpected('"=="'), offset, msg('cond.hint.useEquals'));
    if (two === '<>') this.fail(unexpected('"<>"'), offset, msg('cond.hint.useNotEqual'));
    if (ch === '=' || ch === '<' || ch === '>') {
      this.pos += 1;
      return { kind: 'op', text: ch, offset };
    }
    if ('()[],'.includes(ch)) {
      this.pos += 1;
      return { kind: 'punct', text: ch, offset };
    }
    const char = String.fromCodePoint(source.codePointAt(offset)!);
    const meant = LOOKALIKES[char];
    this.fail(
      msg('cond.unexpectedChar', { char: JSON.stringify(char) }),
      offset,
      meant ? msg('cond.hint.use', { what: meant }) : undefined,
    );
  }

  private readNumber(raw: string, offset: number): Token {
    const { source } = this;
    let end = offset + raw.length;
    if (WORD_CHAR.test(source[end] ?? '')) {
      // `7d` is a number of days; anything else glued to a number is a typo such as `1.5.2` or `10k`.
      const isDays = /^\d+$/.test(raw) && /[dD]/.test(source[end]) && !WORD_CHAR.test(source[end + 1] ?? '');
      if (!isDays) {
        let stop = end;
        while (WORD_CHAR.test(source[stop] ?? '')) stop++;
        this.fail(msg('cond.invalidNumber', { text: source.slice(offset, stop) }), offset);
      }
      this.pos = end + 1;
      return { kind: 'duration', text: source.slice(offset, end + 1), offset, value: Number(raw) };
    }
    const percent = source[end] === '%';
    if (percent) end++;
    const value = percent ? Number(shiftDecimal(raw, -2)) : Number(raw);
    if (!Number.isFinite(value)) this.fail(msg('cond.numberOutOfRange', { text: raw }), offset);
    this.pos = end;
    // -0 reads back as 0: the two compare equal anyway, and a tree should not depend on the sign.
    return {
      kind: 'number',
      text: source.slice(offset, end),
      offset,
      value: value === 0 ? 0 : value,
      percent,
    };
  }

  private readString(offset: number): Token {
    const { source } = this;
    let value = '';
    let i = offset + 1;
    let chunk = i;
    while (i < source.length) {
      const ch = source[i];
      if (ch === '"') {
        value += source.slice(chunk, i);
        this.pos = i + 1;
        return { kind: 'string', text: source.slice(offset, i + 1), offset, value };
      }
      if (ch === '\\') {
        // A backslash at the very end leaves the string open: reported as unterminated below.
        if (i + 1 >= source.length) break;
        const escaped = String.fromCodePoint(source.codePointAt(i + 1)!);
        if (escaped !== '"' && escaped !== '\\') {
          this.fail(msg('cond.unknownEscape', { text: escaped }), i, msg('cond.hint.escapes'));
        }
        value += source.slice(chunk, i) + escaped;
        i += 2;
        chunk = i;
      } else {
        i++;
      }
    }
    this.fail(msg('cond.unterminated'), offset, msg('cond.hint.closeQuote'));
  }
}

const OPERATOR_HINT = msg('cond.hint.operator');
const unexpected = (text: string) => msg('cond.unexpected', { text });

class Parser {
  private depth = 0;

  constructor(private readonly lexer: Lexer) {}

  parse(): Condition {
    if (this.lexer.peek().kind === 'eof') {
      this.lexer.fail(msg('cond.empty'), this.lexer.peek().offset, msg('cond.hint.writeComparison'));
    }
    const condition = this.parseOr();
    const rest = this.lexer.peek();
    if (rest.kind !== 'eof') {
      this.unexpected(
        rest,
        rest.kind === 'punct' && rest.text === ')' ? msg('cond.hint.noOpenParen') : msg('cond.hint.andOrEnd'),
      );
    }
    return condition;
  }

  private parseOr(): Condition {
    const items = [this.parseAnd()];
    while (this.acceptKeyword('or')) items.push(this.parseAnd());
    return items.length === 1 ? items[0] : { or: items };
  }

  private parseAnd(): Condition {
    const items = [this.parseUnary()];
    while (this.acceptKeyword('and')) items.push(this.parseUnary());
    return items.length === 1 ? items[0] : { and: items };
  }

  private parseUnary(): Condition {
    const token = this.lexer.peek();
    if (this.acceptKeyword('not')) return this.nested(token, () => ({ not: this.parseUnary() }));
    if (this.acceptPunct('(')) {
      return this.nested(token, () => {
        const inner = this.parseOr();
        if (!this.acceptPunct(')')) {
          const open = atPosition(this.lexer.positions.at(token.offset));
          this.unexpected(this.lexer.peek(), msg('cond.hint.closeParen', { at: open }));
        }
        return inner;
      });
    }
    if (this.acceptKeyword('percentile')) return this.parsePercentile();
    if (token.kind === 'word' && !KEYWORDS.has(token.text.toLowerCase())) {
      return this.parseComparison(this.lexer.next());
    }
    this.unexpected(token, msg('cond.hint.atomStart'));
  }

  private nested(token: Token, parse: () => Condition): Condition {
    if (++this.depth > MAX_DEPTH) {
      this.lexer.fail(msg('cond.nestedText', { max: String(MAX_DEPTH) }), token.offset);
    }
    const result = parse();
    this.depth--;
    return result;
  }

  private parsePercentile(): Condition {
    this.expectPunct('(', msg('cond.hint.percentileParen'));
    const factToken = this.lexer.next();
    const percentile = this.factKey(factToken);
    let within: 'all' | 'tier' = 'all';
    if (this.acceptKeyword('within')) {
      const scope = this.lexer.next();
      const word = scope.kind === 'word' ? scope.text.toLowerCase() : '';
      if (word !== 'all' && word !== 'tier') this.unexpected(scope, msg('cond.hint.withinScope'));
      within = word;
    }
    this.expectPunct(')', msg('cond.hint.closeOrWithin'));
    const cmp = this.expectCmp();
    const value = this.expectNumber(false);
    const node: Condition = { percentile, within, cmp, value };
    recordSourcePosition(node, this.lexer.positions.at(factToken.offset));
    return node;
  }

  private parseComparison(factToken: Token): Condition {
    const fact = this.factKey(factToken);
    const node = this.parseOperation(fact);
    recordSourcePosition(node, this.lexer.positions.at(factToken.offset));
    return node;
  }

  private parseOperation(fact: string): Condition {
    const token = this.lexer.next();
    if (token.kind === 'op') return { fact, op: token.text as CompareOp, value: this.parseScalar() };
    const word = token.kind === 'word' ? token.text.toLowerCase() : '';
    switch (word) {
      case 'in':
        return { fact, op: 'in', value: this.parseList() };
      case 'not': {
        if (this.acceptKeyword('in')) return { fact, op: 'not in', value: this.parseList() };
        if (this.acceptKeyword('contains')) return { fact, op: 'not contains', value: this.expectString() };
        return this.unexpected(this.lexer.peek(), msg('cond.hint.afterNot'));
      }
      case 'between': {
        const lo = this.parseItem();
        this.expectKeyword('and', msg('cond.hint.betweenAnd'));
        return { fact, op: 'between', value: [lo, this.parseItem()] };
      }
      case 'is': {
        const negated = this.acceptKeyword('not');
        this.expectKeyword('empty', negated ? msg('cond.hint.empty') : msg('cond.hint.emptyOrNotEmpty'));
        return { fact, op: negated ? 'is not empty' : 'is empty' };
      }
      case 'contains':
        return { fact, op: 'contains', value: this.expectString() };
      case 'changed':
        return this.parseChange(fact);
    }
    return this.unexpected(token, OPERATOR_HINT);
  }

  private parseChange(fact: string): Condition {
    this.expectKeyword('by', msg('cond.hint.changedBy'));
    const cmp = this.expectCmp();
    const valueToken = this.lexer.peek();
    const value = this.expectNumber(true);
    this.expectKeyword('in', msg('cond.hint.changedIn'));
    const daysToken = this.lexer.next();
    if (daysToken.kind !== 'duration') this.unexpected(daysToken, msg('cond.hint.days'));
    const days = daysToken.value as number;
    if (days < 1 || days > MAX_CHANGE_DAYS) {
      this.lexer.fail(
        msg('cond.badWindow', { text: daysToken.text }),
        daysToken.offset,
        msg('cond.hint.windowRange', { max: String(MAX_CHANGE_DAYS) }),
      );
    }
    return valueToken.percent
      ? { fact, op: 'changed by', cmp, value, days, relative: true }
      : { fact, op: 'changed by', cmp, value, days };
  }

  private factKey(token: Token): string {
    if (token.kind !== 'word' || KEYWORDS.has(token.text.toLowerCase()))
      this.unexpected(token, msg('cond.hint.fact'));
    const key = token.text;
    if (key.length > MAX_FACT_KEY_LENGTH) {
      this.lexer.fail(msg('cond.keyTooLong', { max: String(MAX_FACT_KEY_LENGTH) }), token.offset);
    }
    if (!FACT_KEY_PATTERN.test(key)) {
      this.lexer.fail(
        msg('cond.invalidKey', { key }),
        token.offset,
        msg('cond.hint.lowerCase', { key: key.toLowerCase() }),
      );
    }
    return key;
  }

  private parseScalar(): number | string | boolean {
    const token = this.lexer.peek();
    if (this.acceptKeyword('true')) return true;
    if (this.acceptKeyword('false')) return false;
    if (token.kind === 'word' && token.text.toLowerCase() === 'null') {
      this.unexpected(token, msg('cond.hint.isEmpty'));
    }
    return this.parseItem();
  }

  private parseItem(): string | number {
    const token = this.lexer.next();
    if (token.kind === 'string') return token.value as string;
    if (token.kind === 'number' && !token.percent) return token.value as number;
    this.unexpected(token, msg('cond.hint.value'));
  }

  private parseList(): (string | number)[] {
    const open = this.lexer.peek();
    this.expectPunct('[', msg('cond.hint.list'));
    if (this.acceptPunct(']'))
      this.lexer.fail(msg('cond.emptyList'), open.offset, msg('cond.hint.listValue'));
    const items = [this.parseItem()];
    while (this.acceptPunct(',')) items.push(this.parseItem());
    this.expectPunct(']', msg('cond.hint.listNext'));
    return items;
  }

  private expectString(): string {
    const token = this.lexer.next();
    if (token.kind !== 'string') this.unexpected(token, msg('cond.hint.string'));
    return token.value as string;
  }

  private expectNumber(allowPercent: boolean): number {
    const token = this.lexer.next();
    if (token.kind !== 'number' || (token.percent && !allowPercent))
      this.unexpected(token, msg('cond.hint.number'));
    return token.value as number;
  }

  private expectCmp(): Cmp {
    const token = this.lexer.next();
    if (token.kind !== 'op' || !(CMP_OPS as readonly string[]).includes(token.text)) {
      this.unexpected(token, msg('cond.hint.comparison'));
    }
    return token.text as Cmp;
  }

  private acceptKeyword(keyword: string): boolean {
    const token = this.lexer.peek();
    if (token.kind !== 'word' || token.text.toLowerCase() !== keyword) return false;
    this.lexer.next();
    return true;
  }

  private expectKeyword(keyword: string, hint: Message): void {
    if (!this.acceptKeyword(keyword)) this.unexpected(this.lexer.peek(), hint);
  }

  private acceptPunct(text: string): boolean {
    const token = this.lexer.peek();
    if (token.kind !== 'punct' || token.text !== text) return false;
    this.lexer.next();
    return true;
  }

  private expectPunct(text: string, hint: Message): void {
    if (!this.acceptPunct(text)) this.unexpected(this.lexer.peek(), hint);
  }

  private unexpected(token: Token, hint: Message): never {
    if (token.kind === 'eof') this.lexer.fail(msg('cond.unexpectedEnd'), token.offset, hint);
    const shown = token.text.length > 40 ? `${token.text.slice(0, 40)}…` : token.text;
    this.lexer.fail(unexpected(token.kind === 'string' ? shown : `"${shown}"`), token.offset, hint);
  }
}

/** Text -> tree. Checks syntax only; `checkCondition` checks the facts and types against a catalogue. */
export function parseCondition(text: string): Condition {
  if (typeof text !== 'string') throw new ConditionError(msg('cond.notText'));
  return new Parser(new Lexer(text, new PositionIndex(text))).parse();
}

// Binding strength in the text form; a child weaker than its place requires gets parentheses.
const OR = 1;
const AND = 2;
const NOT = 3;
const ATOM = 4;

/**
 * Tree -> canonical text: lower-case keywords, single spaces, and only the parentheses that change
 * the meaning. `parseCondition(conditionToText(c))` deep-equals `c` for every tree the schema
 * accepts, except two spellings the text has no way to tell apart: a one-item `and`/`or` prints as
 * its item, and `relative: false` prints like an absent `relative`.
 */
export function conditionToText(c: Condition): string {
  return write(c, OR);
}

function write(c: Condition, minimum: number): string {
  const [text, strength] = render(c);
  return strength < minimum ? `(${text})` : text;
}

function render(c: Condition): [string, number] {
  if ('and' in c || 'or' in c) {
    const [items, word, strength] = 'and' in c ? [c.and, 'and', AND] : [c.or, 'or', OR];
    if (items.length === 0) throw new ConditionError(msg('cond.emptyGroup', { word }));
    if (items.length === 1) return render(items[0]);
    // A nested list of the same kind keeps its parentheses: `a and (b and c)` is its own tree.
    return [items.map((item) => write(item, strength + 1)).join(` ${word} `), strength];
  }
  if ('not' in c) return [`not ${write(c.not, NOT)}`, NOT];
  if ('percentile' in c) {
    return [`percentile(${c.percentile} within ${c.within}) ${c.cmp} ${formatNumber(c.value)}`, ATOM];
  }
  switch (c.op) {
    case 'in':
    case 'not in':
      return [`${c.fact} ${c.op} [${c.value.map(formatValue).join(', ')}]`, ATOM];
    case 'between':
      return [`${c.fact} between ${formatValue(c.value[0])} and ${formatValue(c.value[1])}`, ATOM];
    case 'is empty':
    case 'is not empty':
      return [`${c.fact} ${c.op}`, ATOM];
    case 'contains':
    case 'not contains':
      return [`${c.fact} ${c.op} ${quote(c.value)}`, ATOM];
    case 'changed by': {
      const amount = c.relative ? `${shiftDecimal(formatNumber(c.value), 2)}%` : formatNumber(c.value);
      return [`${c.fact} changed by ${c.cmp} ${amount} in ${c.days}d`, ATOM];
    }
    default:
      return [`${c.fact} ${c.op} ${formatValue(c.value)}`, ATOM];
  }
}

function formatValue(value: string | number | boolean): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return formatNumber(value);
  return value ? 'true' : 'false';
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new ConditionError(msg('cond.unwritable', { value: String(n) }));
  // String() is the shortest text that reads back as the same double; -0 reads back as 0 anyway.
  return Object.is(n, -0) ? '0' : String(n);
}

const quote = (s: string) => `"${s.replace(/[\\"]/g, '\\$&')}"`;

/**
 * Moves the decimal point of a number's text by `places` without floating-point arithmetic, so that
 * 0.07 prints as 7% and 7% reads back as exactly 0.07 (0.07 * 100 is 7.000000000000001).
 */
export function shiftDecimal(text: string, places: number): string {
  const match = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) throw new ConditionError(msg('cond.notANumber', { text }));
  const [, sign, whole, fraction = '', exponent] = match;
  if (exponent !== undefined) {
    // Exponent notation (1e-7, 1e+21) stays exponent notation; only the exponent moves.
    return `${sign === '-' ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}e${Number(exponent) + places}`;
  }
  const digits = whole + fraction;
  const point = whole.length + places;
  let int: string;
  let frac: string;
  if (point <= 0) {
    int = '0';
    frac = '0'.repeat(-point) + digits;
  } else if (point >= digits.length) {
    int = digits + '0'.repeat(point - digits.length);
    frac = '';
  } else {
    int = digits.slice(0, point);
    frac = digits.slice(point);
  }
  int = int.replace(/^0+(?=\d)/, '');
  frac = frac.replace(/0+$/, '');
  const body = frac ? `${int}.${frac}` : int;
  return sign === '-' && /[1-9]/.test(body) ? `-${body}` : body;
}
