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
import {
  CMP_OPS,
  type Cmp,
  type CompareOp,
  type Condition,
  ConditionError,
  FACT_KEY_PATTERN,
  KEYWORDS,
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

const describePosition = (p: SourcePosition) => `line ${p.line}, column ${p.column}`;

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

  fail(message: string, offset: number, hint?: string): never {
    const position = this.positions.at(offset);
    throw new ConditionError(`${message} at ${describePosition(position)}${hint ? ` (${hint})` : ''}`, {
      position,
    });
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
      if (source[this.pos] === '.') this.fail('Unexpected "."', this.pos, 'a fact key cannot end with "."');
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
    if (two === '==') this.fail('Unexpected "=="', offset, 'use = to compare');
    if (two === '<>') this.fail('Unexpected "<>"', offset, 'use != for "not equal"');
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
    this.fail(`Unexpected character ${JSON.stringify(char)}`, offset, meant ? `use ${meant}` : undefined);
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
        this.fail(`Invalid number "${source.slice(offset, stop)}"`, offset);
      }
      this.pos = end + 1;
      return { kind: 'duration', text: source.slice(offset, end + 1), offset, value: Number(raw) };
    }
    const percent = source[end] === '%';
    if (percent) end++;
    const value = percent ? Number(shiftDecimal(raw, -2)) : Number(raw);
    if (!Number.isFinite(value)) this.fail(`Number ${raw} is out of range`, offset);
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
          this.fail(`Unknown escape "\\${escaped}"`, i, 'inside quotes only \\" and \\\\ are escapes');
        }
        value += source.slice(chunk, i) + escaped;
        i += 2;
        chunk = i;
      } else {
        i++;
      }
    }
    this.fail('Unterminated string', offset, 'close it with "');
  }
}

const OPERATOR_HINT =
  'expected an operator: =, !=, <, <=, >, >=, in, not in, between, is empty, is not empty, contains, not contains or changed by';

class Parser {
  private depth = 0;

  constructor(private readonly lexer: Lexer) {}

  parse(): Condition {
    if (this.lexer.peek().kind === 'eof') {
      this.lexer.fail(
        'Empty condition',
        this.lexer.peek().offset,
        'write a comparison such as arr >= 100000',
      );
    }
    const condition = this.parseOr();
    const rest = this.lexer.peek();
    if (rest.kind !== 'eof') {
      this.unexpected(
        rest,
        rest.kind === 'punct' && rest.text === ')' ? 'no "(" to close' : 'expected and, or or the end',
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
          const open = describePosition(this.lexer.positions.at(token.offset));
          this.unexpected(this.lexer.peek(), `expected ) to close the ( at ${open}`);
        }
        return inner;
      });
    }
    if (this.acceptKeyword('percentile')) return this.parsePercentile();
    if (token.kind === 'word' && !KEYWORDS.has(token.text.toLowerCase())) {
      return this.parseComparison(this.lexer.next());
    }
    this.unexpected(token, 'expected a fact, not, percentile or (');
  }

  private nested(token: Token, parse: () => Condition): Condition {
    if (++this.depth > MAX_DEPTH) {
      this.lexer.fail(`Condition nested more than ${MAX_DEPTH} levels deep`, token.offset);
    }
    const result = parse();
    this.depth--;
    return result;
  }

  private parsePercentile(): Condition {
    this.expectPunct('(', 'expected ( after percentile, as in percentile(arr within tier) <= 10');
    const factToken = this.lexer.next();
    const percentile = this.factKey(factToken);
    let within: 'all' | 'tier' = 'all';
    if (this.acceptKeyword('within')) {
      const scope = this.lexer.next();
      const word = scope.kind === 'word' ? scope.text.toLowerCase() : '';
      if (word !== 'all' && word !== 'tier') this.unexpected(scope, 'expected all or tier after within');
      within = word;
    }
    this.expectPunct(')', 'expected ) or within');
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
        return this.unexpected(this.lexer.peek(), 'expected in or contains after not');
      }
      case 'between': {
        const lo = this.parseItem();
        this.expectKeyword('and', 'expected and between the two bounds, as in arr between 1 and 10');
        return { fact, op: 'between', value: [lo, this.parseItem()] };
      }
      case 'is': {
        const negated = this.acceptKeyword('not');
        this.expectKeyword('empty', negated ? 'expected empty' : 'expected empty or not empty');
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
    this.expectKeyword('by', 'expected by, as in health.score changed by <= -10 in 7d');
    const cmp = this.expectCmp();
    const valueToken = this.lexer.peek();
    const value = this.expectNumber(true);
    this.expectKeyword('in', 'expected in and a number of days, as in changed by <= -10 in 7d');
    const daysToken = this.lexer.next();
    if (daysToken.kind !== 'duration') this.unexpected(daysToken, 'expected a number of days such as 7d');
    const days = daysToken.value as number;
    if (days < 1 || days > MAX_CHANGE_DAYS) {
      this.lexer.fail(
        `${daysToken.text} is not a usable window`,
        daysToken.offset,
        `use 1d to ${MAX_CHANGE_DAYS}d`,
      );
    }
    return valueToken.percent
      ? { fact, op: 'changed by', cmp, value, days, relative: true }
      : { fact, op: 'changed by', cmp, value, days };
  }

  private factKey(token: Token): string {
    if (token.kind !== 'word' || KEYWORDS.has(token.text.toLowerCase()))
      this.unexpected(token, 'expected a fact');
    const key = token.text;
    if (key.length > MAX_FACT_KEY_LENGTH) {
      this.lexer.fail(`Fact key is longer than ${MAX_FACT_KEY_LENGTH} characters`, token.offset);
    }
    if (!FACT_KEY_PATTERN.test(key)) {
      this.lexer.fail(
        `Invalid fact key "${key}"`,
        token.offset,
        `fact keys are lower case: ${key.toLowerCase()}`,
      );
    }
    return key;
  }

  private parseScalar(): number | string | boolean {
    const token = this.lexer.peek();
    if (this.acceptKeyword('true')) return true;
    if (this.acceptKeyword('false')) return false;
    if (token.kind === 'word' && token.text.toLowerCase() === 'null') {
      this.unexpected(token, 'use is empty or is not empty to test for a missing value');
    }
    return this.parseItem();
  }

  private parseItem(): string | number {
    const token = this.lexer.next();
    if (token.kind === 'string') return token.value as string;
    if (token.kind === 'number' && !token.percent) return token.value as number;
    this.unexpected(token, 'expected a number or a "string"');
  }

  private parseList(): (string | number)[] {
    const open = this.lexer.peek();
    this.expectPunct('[', 'expected a list such as ["a", "b"]');
    if (this.acceptPunct(']')) this.lexer.fail('Empty list', open.offset, 'a list needs at least one value');
    const items = [this.parseItem()];
    while (this.acceptPunct(',')) items.push(this.parseItem());
    this.expectPunct(']', 'expected , or ] in the list');
    return items;
  }

  private expectString(): string {
    const token = this.lexer.next();
    if (token.kind !== 'string') this.unexpected(token, 'expected a "string"');
    return token.value as string;
  }

  private expectNumber(allowPercent: boolean): number {
    const token = this.lexer.next();
    if (token.kind !== 'number' || (token.percent && !allowPercent))
      this.unexpected(token, 'expected a number');
    return token.value as number;
  }

  private expectCmp(): Cmp {
    const token = this.lexer.next();
    if (token.kind !== 'op' || !(CMP_OPS as readonly string[]).includes(token.text)) {
      this.unexpected(token, 'expected <, <=, > or >=');
    }
    return token.text as Cmp;
  }

  private acceptKeyword(keyword: string): boolean {
    const token = this.lexer.peek();
    if (token.kind !== 'word' || token.text.toLowerCase() !== keyword) return false;
    this.lexer.next();
    return true;
  }

  private expectKeyword(keyword: string, hint: string): void {
    if (!this.acceptKeyword(keyword)) this.unexpected(this.lexer.peek(), hint);
  }

  private acceptPunct(text: string): boolean {
    const token = this.lexer.peek();
    if (token.kind !== 'punct' || token.text !== text) return false;
    this.lexer.next();
    return true;
  }

  private expectPunct(text: string, hint: string): void {
    if (!this.acceptPunct(text)) this.unexpected(this.lexer.peek(), hint);
  }

  private unexpected(token: Token, hint: string): never {
    if (token.kind === 'eof') this.lexer.fail('Unexpected end of condition', token.offset, hint);
    const shown = token.text.length > 40 ? `${token.text.slice(0, 40)}…` : token.text;
    this.lexer.fail(`Unexpected ${token.kind === 'string' ? shown : `"${shown}"`}`, token.offset, hint);
  }
}

/** Text -> tree. Checks syntax only; `checkCondition` checks the facts and types against a catalogue. */
export function parseCondition(text: string): Condition {
  if (typeof text !== 'string') throw new ConditionError('A condition in text form must be a string');
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
    if (items.length === 0) throw new ConditionError(`An "${word}" needs at least one condition`);
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
  if (!Number.isFinite(n)) throw new ConditionError(`${n} cannot be written in a condition`);
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
  if (!match) throw new ConditionError(`Not a number: ${text}`);
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
