// Java `.properties` text (the format of `.hoodie/hoodie.properties`): parse it exactly as
// java.util.Properties.load does and write it as Properties.store does, escapes included.

/** Parses properties text into an insertion-ordered map; later duplicates win, as in Java. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of logicalLines(text)) {
    const { key, value } = splitKeyValue(line);
    out.set(unescape(key), unescape(value));
  }
  return out;
}

/** Joins continuation lines (odd trailing backslashes) and drops comments and blank lines. */
function logicalLines(text: string): string[] {
  const natural = text.split(/\r\n|\r|\n/);
  const lines: string[] = [];
  let pending: string | undefined;
  for (const raw of natural) {
    let line = raw.replace(/^[ \t\f]+/, '');
    if (pending === undefined) {
      if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    } else {
      line = pending + line;
      pending = undefined;
    }
    if (endsWithOddBackslashes(line)) {
      pending = line.slice(0, -1);
      continue;
    }
    lines.push(line);
  }
  if (pending !== undefined && pending !== '') lines.push(pending);
  return lines;
}

function endsWithOddBackslashes(line: string): boolean {
  let n = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function splitKeyValue(line: string): { key: string; value: string } {
  let i = 0;
  let escaped = false;
  for (; i < line.length; i++) {
    const c = line[i];
    if (escaped) {
      escaped = false;
      continue;
    }
    if (c === '\\') escaped = true;
    else if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
  }
  const key = line.slice(0, i);
  let j = i;
  while (j < line.length && (line[j] === ' ' || line[j] === '\t' || line[j] === '\f')) j++;
  if (j < line.length && (line[j] === '=' || line[j] === ':')) {
    j++;
    while (j < line.length && (line[j] === ' ' || line[j] === '\t' || line[j] === '\f')) j++;
  }
  return { key, value: line.slice(j) };
}

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\' || i === s.length - 1) {
      out += c;
      continue;
    }
    const n = s[++i];
    switch (n) {
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        const hex = s.slice(i + 1, i + 5);
        // Java throws on a malformed \u escape; keeping the text is kinder and loses nothing.
        if (/^[0-9a-fA-F]{4}$/.test(hex)) {
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
        } else out += 'u';
        break;
      }
      default: out += n;
    }
  }
  return out;
}

function escape(s: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const code = s.charCodeAt(i);
    switch (c) {
      case ' ': out += i === 0 || isKey ? '\\ ' : ' '; break;
      case '\t': out += '\\t'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\f': out += '\\f'; break;
      case '=': case ':': case '#': case '!': case '\\': out += '\\' + c; break;
      default:
        out += code < 0x20 || code > 0x7e ? '\\u' + code.toString(16).toUpperCase().padStart(4, '0') : c;
    }
  }
  return out;
}

/** Formats entries as Properties.store does: comment lines, then one escaped `key=value` per line. */
export function formatProperties(entries: Iterable<[string, string]>, comments: string[] = []): string {
  const lines = comments.map((c) => '#' + escapeComment(c));
  for (const [k, v] of entries) lines.push(`${escape(k, true)}=${escape(v, false)}`);
  return lines.join('\n') + '\n';
}

function escapeComment(c: string): string {
  return c.replace(/[\r\n]+/g, ' ');
}
