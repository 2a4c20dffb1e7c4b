// Label and field selectors with the grammar and matching rules of k8s.io/apimachinery
// (labels.Parse, fields.ParseSelector). Parse errors are thrown as plain Errors; the caller
// turns them into 400 BadRequest like the apiserver does.

export type LabelOp = '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  op: LabelOp;
  values: string[];
}

export type LabelSelector = LabelRequirement[];

const SPECIAL = new Set(['=', '!', '(', ')', ',', '<', '>']);

type Token = { kind: 'id' | 'op' | 'end'; text: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (SPECIAL.has(c)) {
      // `==` and `!=` are single operators; a lone `!` negates an existence check.
      const two = input.slice(i, i + 2);
      if (two === '==' || two === '!=') {
        tokens.push({ kind: 'op', text: two });
        i += 2;
      } else {
        tokens.push({ kind: 'op', text: c });
        i++;
      }
      continue;
    }
    let j = i;
    while (j < input.length && !SPECIAL.has(input[j]) && !/\s/.test(input[j])) j++;
    tokens.push({ kind: 'id', text: input.slice(i, j) });
    i = j;
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

export function parseLabelSelector(input: string | undefined | null): LabelSelector {
  if (!input || input.trim() === '') return [];
  const toks = tokenize(input);
  let p = 0;
  const peek = (): Token => toks[p];
  const next = (): Token => toks[p++];
  const fail = (found: Token, expected: string): never => {
    throw new Error(`unable to parse requirement: found '${found.text || 'EOS'}', expected: ${expected}`);
  };
  const reqs: LabelSelector = [];
  for (;;) {
    let t = next();
    if (t.kind === 'op' && t.text === '!') {
      const key = next();
      if (key.kind !== 'id') fail(key, 'identifier');
      reqs.push({ key: key.text, op: '!', values: [] });
    } else if (t.kind === 'id') {
      const key = t.text;
      const op = peek();
      if (op.kind === 'end' || (op.kind === 'op' && op.text === ',')) {
        reqs.push({ key, op: 'exists', values: [] });
      } else if (op.kind === 'op' && (op.text === '=' || op.text === '==' || op.text === '!=')) {
        next();
        const v = peek();
        // `key=` (then `,` or the end) selects an empty value; anything else must be a value.
        let value = '';
        if (v.kind === 'id') value = next().text;
        else if (!(v.kind === 'end' || v.text === ',')) fail(v, 'identifier');
        reqs.push({ key, op: op.text === '!=' ? '!=' : '=', values: [value] });
      } else if (op.kind === 'op' && (op.text === '<' || op.text === '>')) {
        next();
        const v = next();
        if (v.kind !== 'id' || !/^-?\d+$/.test(v.text)) throw new Error(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
        reqs.push({ key, op: op.text === '>' ? 'gt' : 'lt', values: [v.text] });
      } else if (op.kind === 'id' && (op.text === 'in' || op.text === 'notin')) {
        next();
        const open = next();
        if (open.text !== '(') fail(open, "'('");
        const values: string[] = [];
        if (peek().text !== ')') {
          for (;;) {
            const v = peek();
            // an empty element (`in (a,)`) is the empty string, as in labels.Parse
            if (v.kind === 'id') values.push(next().text);
            else values.push('');
            const sep = next();
            if (sep.text === ')') break;
            if (sep.text !== ',') fail(sep, "',' or ')'");
          }
        } else {
          next();
        }
        if (values.length === 0) throw new Error(`unable to parse requirement: for 'in', 'notin' operators, values set can't be empty`);
        reqs.push({ key, op: op.text as 'in' | 'notin', values });
      } else {
        fail(op, "'=', '!=', '==', 'in', notin'");
      }
    } else {
      fail(t, 'identifier');
    }
    t = next();
    if (t.kind === 'end') break;
    // Between requirements the parser itself complains, without the "unable to parse" prefix.
    if (t.text !== ',') throw new Error(`found '${t.text}', expected: ',' or 'end of string'`);
  }
  for (const r of reqs) validateLabelKey(r.key);
  return reqs;
}

function validateLabelKey(key: string): void {
  const parts = key.split('/');
  const name = parts.length === 2 ? parts[1] : parts[0];
  if (parts.length > 2 || name.length === 0 || name.length > 63 || !/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(name)) {
    throw new Error(`unable to parse requirement: key: Invalid value: ${JSON.stringify(key)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
  }
}

export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  for (const r of sel) {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = has ? labels![r.key] : undefined;
    switch (r.op) {
      case '=':
      case 'in':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case '!=':
      case 'notin':
        if (has && r.values.includes(v!)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(v!)) return false;
        const n = Number(v);
        const bound = Number(r.values[0]);
        if (r.op === 'gt' ? !(n > bound) : !(n < bound)) return false;
        break;
      }
    }
  }
  return true;
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export type FieldSelector = FieldRequirement[];

/** fields.ParseSelector: comma-separated `f=v`, `f==v`, `f!=v`; `\`, `,` and `=` escaped with `\`. */
export function parseFieldSelector(input: string | undefined | null): FieldSelector {
  if (!input || input.trim() === '') return [];
  const terms: string[] = [];
  let cur = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === '\\' && i + 1 < input.length) {
      cur += c + input[i + 1];
      i++;
    } else if (c === ',') {
      terms.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  terms.push(cur);
  return terms.map((term) => {
    const m = /^(.*?)(!=|==|=)(.*)$/.exec(unescapedSplitPoint(term));
    if (!m) throw new Error(`invalid selector: '${input}'; can't understand '${term}'`);
    const opIndex = m[1].length;
    const field = term.slice(0, opIndex).trim();
    const value = unescapeFieldValue(term.slice(opIndex + m[2].length));
    return { field, op: m[2] === '!=' ? '!=' : '=', value };
  });
}

// Escaped characters must not be taken for the operator: mask them before matching.
function unescapedSplitPoint(term: string): string {
  return term.replace(/\\./g, '__');
}

function unescapeFieldValue(v: string): string {
  return v.replace(/\\(.)/g, (_, c: string) => {
    if (c === '\\' || c === ',' || c === '=') return c;
    throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
  });
}

export function matchesFields(sel: FieldSelector, fields: Record<string, string>): boolean {
  for (const r of sel) {
    const v = fields[r.field] ?? '';
    if (r.op === '=' ? v !== r.value : v === r.value) return false;
  }
  return true;
}
