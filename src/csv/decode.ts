// Turning an uploaded file's bytes into text: the encodings Chinese teams' exports come in (Excel's
// "CSV UTF-8" with a BOM, plain UTF-8, a GBK/GB18030 "CSV" saved by older Excel or WPS, and Excel's
// "Unicode text", which is UTF-16 LE and tab-separated), named so a dry run can say which was read.
import iconv from 'iconv-lite';

export const ENCODINGS = ['utf-8', 'utf-8-bom', 'gb18030', 'utf-16le', 'utf-16be'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** The encoding of `bytes`: a byte-order mark first, then UTF-16 by its zero bytes, then strict UTF-8, else GB18030. */
export function detectEncoding(bytes: Uint8Array): Encoding {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8-bom';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  // Without a mark, UTF-16 text of ASCII headers has a zero in every other byte.
  const n = Math.min(bytes.length, 4096) & ~1;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  if (n >= 4 && oddZeros > n / 8 && evenZeros === 0) return 'utf-16le';
  if (n >= 4 && evenZeros > n / 8 && oddZeros === 0) return 'utf-16be';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/** The text of `bytes` in `encoding`, without its byte-order mark. */
export function decodeBytes(bytes: Uint8Array, encoding: Encoding): string {
  const name = encoding === 'utf-8-bom' ? 'utf-8' : encoding;
  const text = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), name);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The field delimiter of a delimited text, from its first line: tab, semicolon or comma. */
export function detectDelimiter(text: string): ',' | '\t' | ';' {
  const end = text.indexOf('\n');
  const first = end < 0 ? text : text.slice(0, end);
  const unquoted = first.replace(/"[^"]*"/g, '');
  const count = (c: string) => unquoted.split(c).length - 1;
  const tabs = count('\t');
  const commas = count(',');
  const semis = count(';');
  if (tabs > 0 && tabs >= commas && tabs >= semis) return '\t';
  if (semis > commas) return ';';
  return ',';
}
