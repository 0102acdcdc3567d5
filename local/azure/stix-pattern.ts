/**
 * A recogniser for the STIX 2.1 patterning language, following the OASIS ANTLR grammar
 * (cti-stix2-json-schemas/pattern_grammar/STIXPattern.g4). It answers "does this parse" with the first
 * error, which is all the emulated Sentinel needs to reject a record.
 */

type TokenKind =
  "string" | "int" | "float" | "hex" | "binary" | "timestamp" | "bool" | "keyword" | "identifier" | "punct" | "end";

type Token = { kind: TokenKind; text: string; position: number };

export type PatternParseResult = { ok: true } | { ok: false; error: string };

const KEYWORDS = new Set([
  "AND",
  "OR",
  "NOT",
  "FOLLOWEDBY",
  "LIKE",
  "MATCHES",
  "ISSUPERSET",
  "ISSUBSET",
  "EXISTS",
  "LAST",
  "IN",
  "START",
  "STOP",
  "SECONDS",
  "WITHIN",
  "REPEATS",
  "TIMES",
]);
const TIMESTAMP = /^t'\d{4}-(0[1-9]|1[012])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?Z'/;
const BINARY = /^b'(([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)'/;
const HEX = /^h'(([a-fA-F0-9]{2})*)'/;
const FLOAT = /^[+-]?(0|[1-9]\d*)?\.\d+/;
const INT = /^[+-]?(0|[1-9]\d*)/;
const IDENTIFIER = /^[a-zA-Z_][a-zA-Z0-9_-]*/;
const PUNCTUATION = ["<=", ">=", "!=", "<>", "==", "=", "<", ">", "(", ")", "[", "]", ":", ".", ",", "*"];

class PatternSyntaxError extends Error {}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < pattern.length) {
    const rest = pattern.slice(position);
    const whitespace = /^(\s+|\/\*[\s\S]*?\*\/|\/\/[^\r\n]*)/.exec(rest);
    if (whitespace) {
      position += whitespace[0].length;
      continue;
    }
    const token = readToken(rest, position);
    tokens.push(token);
    position += token.text.length;
  }
  tokens.push({ kind: "end", text: "", position });
  return tokens;
}

function readToken(rest: string, position: number): Token {
  const first = rest[0];
  if (first === "'") {
    let index = 1;
    while (index < rest.length && rest[index] !== "'") {
      if (rest[index] === "\\") {
        const escaped = rest[index + 1];
        if (escaped !== "'" && escaped !== "\\") {
          throw new PatternSyntaxError(
            `invalid escape sequence at position ${position + index}: only \\' and \\\\ are allowed`,
          );
        }
        index += 2;
      } else index += 1;
    }
    if (index >= rest.length)
      throw new PatternSyntaxError(`unterminated string literal starting at position ${position}`);
    return { kind: "string", text: rest.slice(0, index + 1), position };
  }
  for (const [kind, expression] of [
    ["timestamp", TIMESTAMP],
    ["binary", BINARY],
    ["hex", HEX],
  ] as const) {
    const match = expression.exec(rest);
    if (match) return { kind, text: match[0], position };
  }
  if (/^[tbh]'/.test(rest)) throw new PatternSyntaxError(`malformed ${rest[0]}'…' literal at position ${position}`);
  const float = FLOAT.exec(rest);
  if (float) return { kind: "float", text: float[0], position };
  const int = INT.exec(rest);
  if (int) return { kind: "int", text: int[0], position };
  const identifier = IDENTIFIER.exec(rest);
  if (identifier) {
    const text = identifier[0];
    if (text === "true" || text === "false") return { kind: "bool", text, position };
    if (KEYWORDS.has(text)) return { kind: "keyword", text, position };
    return { kind: "identifier", text, position };
  }
  const punctuation = PUNCTUATION.find((candidate) => rest.startsWith(candidate));
  if (punctuation) return { kind: "punct", text: punctuation, position };
  throw new PatternSyntaxError(`unexpected character '${first}' at position ${position}`);
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  parsePattern(): void {
    this.observationExpressions();
    const next = this.peek();
    if (next.kind !== "end") this.fail(`unexpected '${next.text}'`);
  }

  private observationExpressions(): void {
    this.observationExpressionOr();
    while (this.acceptKeyword("FOLLOWEDBY")) this.observationExpressionOr();
  }

  private observationExpressionOr(): void {
    this.observationExpressionAnd();
    while (this.acceptKeyword("OR")) this.observationExpressionAnd();
  }

  private observationExpressionAnd(): void {
    this.observationExpression();
    while (this.acceptKeyword("AND")) this.observationExpression();
  }

  private observationExpression(): void {
    if (this.acceptPunct("[")) {
      this.comparisonExpression();
      this.expectPunct("]");
    } else if (this.acceptPunct("(")) {
      this.observationExpressions();
      this.expectPunct(")");
    } else {
      this.fail("expected '[' or '(' to start an observation expression");
    }
    this.qualifiers();
  }

  private qualifiers(): void {
    for (;;) {
      if (this.acceptKeyword("START")) {
        this.expectKind("timestamp", "a t'…' timestamp after START");
        this.expectKeyword("STOP");
        this.expectKind("timestamp", "a t'…' timestamp after STOP");
      } else if (this.acceptKeyword("WITHIN")) {
        const amount = this.peek();
        if ((amount.kind !== "int" && amount.kind !== "float") || amount.text.startsWith("-")) {
          this.fail("expected a positive number after WITHIN");
        }
        this.index += 1;
        this.expectKeyword("SECONDS");
      } else if (this.acceptKeyword("REPEATS")) {
        this.expectPositiveInt("REPEATS");
        this.expectKeyword("TIMES");
      } else return;
    }
  }

  private comparisonExpression(): void {
    this.comparisonExpressionAnd();
    while (this.acceptKeyword("OR")) this.comparisonExpressionAnd();
  }

  private comparisonExpressionAnd(): void {
    this.propTest();
    while (this.acceptKeyword("AND")) this.propTest();
  }

  private propTest(): void {
    if (this.acceptPunct("(")) {
      this.comparisonExpression();
      this.expectPunct(")");
      return;
    }
    if (this.acceptKeyword("EXISTS")) {
      this.objectPath();
      return;
    }
    this.objectPath();
    this.acceptKeyword("NOT");
    const operator = this.peek();
    this.index += 1;
    if (operator.kind === "punct" && ["=", "==", "!=", "<>"].includes(operator.text)) this.primitiveLiteral();
    else if (operator.kind === "punct" && ["<", "<=", ">", ">="].includes(operator.text)) this.orderableLiteral();
    else if (operator.kind === "keyword" && operator.text === "IN") this.setLiteral();
    else if (operator.kind === "keyword" && ["LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET"].includes(operator.text)) {
      this.expectKind("string", `a quoted string after ${operator.text}`);
    } else {
      this.index -= 1;
      this.fail(`expected a comparison operator, found '${operator.text || "end of pattern"}'`);
    }
  }

  private objectPath(): void {
    const objectType = this.peek();
    if (objectType.kind !== "identifier")
      this.fail(`expected an object type such as ipv4-addr, found '${objectType.text || "end of pattern"}'`);
    this.index += 1;
    this.expectPunct(":");
    const first = this.peek();
    if (first.kind === "string" || (first.kind === "identifier" && !first.text.includes("-"))) this.index += 1;
    else this.fail(`expected a property name after '${objectType.text}:' (quote names that contain '-')`);
    for (;;) {
      if (this.acceptPunct(".")) {
        const component = this.peek();
        if (component.kind === "string" || (component.kind === "identifier" && !component.text.includes("-")))
          this.index += 1;
        else this.fail(`expected a property name after '.' (quote names that contain '-', e.g. hashes.'SHA-256')`);
      } else if (this.acceptPunct("[")) {
        const selector = this.peek();
        if (selector.kind === "int" && !selector.text.startsWith("+")) this.index += 1;
        else if (!this.acceptPunct("*")) this.fail("expected an index or '*' inside '[ ]' of an object path");
        this.expectPunct("]");
      } else return;
    }
  }

  private setLiteral(): void {
    this.expectPunct("(");
    if (this.acceptPunct(")")) return;
    this.primitiveLiteral();
    while (this.acceptPunct(",")) this.primitiveLiteral();
    this.expectPunct(")");
  }

  private primitiveLiteral(): void {
    if (this.peek().kind === "bool") this.index += 1;
    else this.orderableLiteral();
  }

  private orderableLiteral(): void {
    const literal = this.peek();
    if (["int", "float", "string", "binary", "hex", "timestamp"].includes(literal.kind)) this.index += 1;
    else this.fail(`expected a literal value, found '${literal.text || "end of pattern"}'`);
  }

  private expectPositiveInt(after: string): void {
    const amount = this.peek();
    if (amount.kind !== "int" || amount.text.startsWith("-")) this.fail(`expected a positive integer after ${after}`);
    this.index += 1;
  }

  private peek(): Token {
    const token = this.tokens[this.index];
    if (!token) throw new PatternSyntaxError("unexpected end of pattern");
    return token;
  }

  private acceptKeyword(keyword: string): boolean {
    const token = this.peek();
    if (token.kind !== "keyword" || token.text !== keyword) return false;
    this.index += 1;
    return true;
  }

  private expectKeyword(keyword: string): void {
    if (!this.acceptKeyword(keyword)) this.fail(`expected ${keyword}`);
  }

  private acceptPunct(punct: string): boolean {
    const token = this.peek();
    if (token.kind !== "punct" || token.text !== punct) return false;
    this.index += 1;
    return true;
  }

  private expectPunct(punct: string): void {
    if (!this.acceptPunct(punct)) this.fail(`expected '${punct}'`);
  }

  private expectKind(kind: TokenKind, description: string): void {
    if (this.peek().kind !== kind) this.fail(`expected ${description}`);
    this.index += 1;
  }

  private fail(message: string): never {
    const token = this.peek();
    throw new PatternSyntaxError(`${message} at position ${token.position}`);
  }
}

export function parseStixPattern(pattern: string): PatternParseResult {
  try {
    new Parser(tokenize(pattern)).parsePattern();
    return { ok: true };
  } catch (error) {
    if (error instanceof PatternSyntaxError) return { ok: false, error: error.message };
    throw error;
  }
}
