export type TokenKind = "ident" | "string" | "number" | "op" | "lparen" | "rparen" | "comma" | "sign" | "eof";

export type Token = {
  kind: TokenKind;
  text: string;
  value: string;
  position: number;
};

export class TqlSyntaxError extends Error {
  constructor(
    readonly position: number,
    detail: string,
  ) {
    super(`Invalid TQL at position ${position + 1}: ${detail}`);
  }
}

const COMPARISON_OPERATORS = ["==", "!=", ">=", "<=", "=", ">", "<"];
const STRING_ESCAPES: Record<string, string> = {
  '"': '"',
  "'": "'",
  "`": "`",
  "\\": "\\",
  n: "\n",
  t: "\t",
};

export function describeToken(token: Token): string {
  if (token.kind === "eof") return "the end of the query";
  return token.kind === "string" ? `string ${token.text}` : `'${token.text}'`;
}

/** The query's tokens, without an end marker: the parser answers "end of query" past the last one. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source.charAt(index);
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    const start = index;
    if (char === "(" || char === ")" || char === ",") {
      tokens.push({
        kind: char === "(" ? "lparen" : char === ")" ? "rparen" : "comma",
        text: char,
        value: char,
        position: start,
      });
      index++;
      continue;
    }
    if (char === "+" || char === "-") {
      tokens.push({ kind: "sign", text: char, value: char, position: start });
      index++;
      continue;
    }
    const operator = COMPARISON_OPERATORS.find((candidate) => source.startsWith(candidate, index));
    if (operator) {
      tokens.push({
        kind: "op",
        text: operator,
        value: operator === "==" ? "=" : operator,
        position: start,
      });
      index += operator.length;
      continue;
    }
    if (char === '"' || char === "'") {
      let value = "";
      index++;
      for (;;) {
        if (index >= source.length) throw new TqlSyntaxError(start, `unterminated string starting with ${char}`);
        const current = source.charAt(index);
        if (current === "\\") {
          const escaped = source.charAt(index + 1);
          const replacement = STRING_ESCAPES[escaped];
          if (replacement === undefined) {
            throw new TqlSyntaxError(index, `unsupported escape \\${escaped} in string (use \\", \\', \\\` or \\\\)`);
          }
          value += replacement;
          index += 2;
          continue;
        }
        index++;
        if (current === char) break;
        value += current;
      }
      tokens.push({
        kind: "string",
        text: source.slice(start, index),
        value,
        position: start,
      });
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(source.slice(index, index + 40));
    if (number) {
      tokens.push({
        kind: "number",
        text: number[0],
        value: number[0],
        position: start,
      });
      index += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(index, index + 200));
    if (ident) {
      tokens.push({
        kind: "ident",
        text: ident[0],
        value: ident[0],
        position: start,
      });
      index += ident[0].length;
      continue;
    }
    throw new TqlSyntaxError(start, `unexpected character '${char}'`);
  }
  return tokens;
}
