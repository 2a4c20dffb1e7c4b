// Go's encoding/json syntax errors, because the apiserver passes them through verbatim
// ("error decoding patch: unexpected end of JSON input") and JSON.parse words them differently.
// A small scanner that follows encoding/json's state machine just far enough to name the first
// error the way Go does.

class GoSyntaxError extends Error {}

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return '\'"\'';
  const q = JSON.stringify(c);
  return `'${q.slice(1, -1)}'`;
}

class Scanner {
  private i = 0;
  private readonly s: string;

  constructor(s: string) {
    this.s = s;
  }

  run(): void {
    this.skipSpace();
    this.value('looking for beginning of value');
    this.skipSpace();
    if (this.i < this.s.length) this.bad('after top-level value');
  }

  private bad(context: string): never {
    throw new GoSyntaxError(`invalid character ${quoteChar(this.s[this.i])} ${context}`);
  }

  private need(): string {
    if (this.i >= this.s.length) throw new GoSyntaxError('unexpected end of JSON input');
    return this.s[this.i];
  }

  private skipSpace(): void {
    while (this.i < this.s.length && ' \t\r\n'.includes(this.s[this.i])) this.i++;
  }

  private value(context: string): void {
    const c = this.need();
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const lit of ['true', 'false', 'null']) {
      if (c !== lit[0]) continue;
      this.i++;
      for (const want of lit.slice(1)) {
        if (this.need() !== want) this.bad(`in literal ${lit} (expecting ${quoteChar(want)})`);
        this.i++;
      }
      return;
    }
    this.bad(context);
  }

  private object(): void {
    this.i++;
    this.skipSpace();
    if (this.need() === '}') {
      this.i++;
      return;
    }
    for (;;) {
      if (this.need() !== '"') this.bad('looking for beginning of object key string');
      this.string();
      this.skipSpace();
      if (this.need() !== ':') this.bad('after object key');
      this.i++;
      this.skipSpace();
      this.value('looking for beginning of value');
      this.skipSpace();
      const c = this.need();
      this.i++;
      if (c === '}') return;
      if (c !== ',') {
        this.i--;
        this.bad('after object key:value pair');
      }
      this.skipSpace();
    }
  }

  private array(): void {
    this.i++;
    this.skipSpace();
    if (this.need() === ']') {
      this.i++;
      return;
    }
    for (;;) {
      this.value('looking for beginning of value');
      this.skipSpace();
      const c = this.need();
      this.i++;
      if (c === ']') return;
      if (c !== ',') {
        this.i--;
        this.bad('after array element');
      }
      this.skipSpace();
    }
  }

  private string(): void {
    this.i++;
    for (;;) {
      const c = this.need();
      this.i++;
      if (c === '"') return;
      if (c < ' ') {
        this.i--;
        this.bad('in string literal');
      }
      if (c === '\\') {
        const e = this.need();
        if (!'"\\/bfnrtu'.includes(e)) this.bad('in string escape code');
        this.i++;
      }
    }
  }

  private number(): void {
    if (this.s[this.i] === '-') this.i++;
    if (!/[0-9]/.test(this.need())) this.bad('in numeric literal');
    while (this.i < this.s.length && /[0-9.eE+-]/.test(this.s[this.i])) this.i++;
  }
}

/** The message Go's json.Unmarshal gives for `text`, or undefined when it is valid JSON. */
export function goJsonError(text: string): string | undefined {
  try {
    new Scanner(text).run();
    return undefined;
  } catch (err) {
    if (err instanceof GoSyntaxError) return err.message;
    throw err;
  }
}

/** JSON.parse with Go's error text on failure (thrown as a plain Error). */
export function parseJsonLikeGo(text: string): unknown {
  const problem = goJsonError(text);
  if (problem) throw new Error(problem);
  return JSON.parse(text);
}
