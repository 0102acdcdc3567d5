/**
 * A recursive-descent parser for the subset of the STIX 2.1 patterning language (OASIS STIXPattern.g4)
 * that this product emits: observation expressions in brackets joined by AND/OR with parentheses, and
 * inside them comparisons of an object path with a string, integer, float or boolean literal joined by
 * AND/OR with parentheses. Qualifiers, FOLLOWEDBY and the set/LIKE/MATCHES operators are outside the
 * subset and are reported as errors rather than accepted unchecked.
 */

export type PathStep = { kind: "property"; name: string } | { kind: "index"; index: number | "*" };

export type PatternLiteral =
  | { kind: "string"; value: string }
  | { kind: "integer"; value: bigint }
  | { kind: "float"; value: number }
  | { kind: "boolean"; value: boolean };

export type ComparisonOperator = "=" | "!=" | "<" | "<=" | ">" | ">=";

export type PatternComparison = {
  objectType: string;
  path: PathStep[];
  operator: ComparisonOperator;
  isNegated: boolean;
  literal: PatternLiteral;
};

export type ParsedPattern = { ok: true; comparisons: PatternComparison[] } | { ok: false; message: string };

type TokenKind =
  | "["
  | "]"
  | "("
  | ")"
  | ":"
  | "."
  | "*"
  | "operator"
  | "string"
  | "integer"
  | "float"
  | "boolean"
  | "identifier"
  | "keyword"
  | "end";

type Token = { kind: TokenKind; text: string; position: number; stringValue?: string };

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
const OPERATORS = ["==", "!=", "<>", "<=", ">=", "=", "<", ">"];
const PUNCTUATION = new Set(["[", "]", "(", ")", ":", ".", "*"]);
const IDENTIFIER_WITHOUT_HYPHEN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

class PatternSyntaxError extends Error {
  constructor(message: string, position: number) {
    super(`${message} at offset ${position}`);
  }
}

function readStringLiteral(source: string, start: number): { value: string; end: number } {
  let value = "";
  let index = start + 1;
  while (index < source.length) {
    const char = source[index];
    if (char === "'") return { value, end: index + 1 };
    if (char === "\\") {
      const escaped = source[index + 1];
      if (escaped !== "\\" && escaped !== "'") {
        throw new PatternSyntaxError(
          "a backslash in a string literal must be followed by a backslash or a quote",
          index,
        );
      }
      value += escaped;
      index += 2;
      continue;
    }
    value += char;
    index += 1;
  }
  throw new PatternSyntaxError("unterminated string literal", start);
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index] ?? "";
    if (/\s/.test(char)) {
      index += 1;
      continue;
    }
    if (char === "'") {
      const literal = readStringLiteral(source, index);
      tokens.push({
        kind: "string",
        text: source.slice(index, literal.end),
        position: index,
        stringValue: literal.value,
      });
      index = literal.end;
      continue;
    }
    const operator = OPERATORS.find((candidate) => source.startsWith(candidate, index));
    if (operator) {
      tokens.push({ kind: "operator", text: operator, position: index });
      index += operator.length;
      continue;
    }
    const number = /^[+-]?(?:(\d*\.\d+)|(0|[1-9]\d*))(?![\w.])/.exec(source.slice(index));
    if (number) {
      tokens.push({ kind: number[1] === undefined ? "integer" : "float", text: number[0], position: index });
      index += number[0].length;
      continue;
    }
    if (PUNCTUATION.has(char)) {
      tokens.push({ kind: char as TokenKind, text: char, position: index });
      index += 1;
      continue;
    }
    const word = /^[a-zA-Z_][a-zA-Z0-9_-]*/.exec(source.slice(index));
    if (word) {
      const text = word[0];
      const kind: TokenKind = KEYWORDS.has(text)
        ? "keyword"
        : text === "true" || text === "false"
          ? "boolean"
          : "identifier";
      tokens.push({ kind, text, position: index });
      index += text.length;
      continue;
    }
    throw new PatternSyntaxError(`unexpected character '${char}'`, index);
  }
  tokens.push({ kind: "end", text: "end of pattern", position: source.length });
  return tokens;
}

class Parser {
  private index = 0;
  readonly comparisons: PatternComparison[] = [];

  constructor(private readonly tokens: Token[]) {}

  parsePattern(): void {
    this.observationOr();
    const next = this.peek();
    if (next.kind !== "end") throw this.unexpected(next, "AND, OR or the end of the pattern");
  }

  private peek(): Token {
    return this.tokens[this.index] ?? { kind: "end", text: "end of pattern", position: -1 };
  }

  private advance(): Token {
    const token = this.peek();
    this.index += 1;
    return token;
  }

  private isKeyword(text: string): boolean {
    const token = this.peek();
    return token.kind === "keyword" && token.text === text;
  }

  private expect(kind: TokenKind, description: string): Token {
    const token = this.advance();
    if (token.kind !== kind) throw this.unexpected(token, description);
    return token;
  }

  private unexpected(token: Token, expected: string): PatternSyntaxError {
    return new PatternSyntaxError(`expected ${expected} but found '${token.text}'`, token.position);
  }

  private observationOr(): void {
    this.observationAnd();
    while (this.isKeyword("OR")) {
      this.advance();
      this.observationAnd();
    }
  }

  private observationAnd(): void {
    this.observation();
    while (this.isKeyword("AND")) {
      this.advance();
      this.observation();
    }
  }

  private observation(): void {
    const token = this.advance();
    if (token.kind === "(") {
      this.observationOr();
      this.expect(")", "')'");
    } else if (token.kind === "[") {
      this.comparisonOr();
      this.expect("]", "']'");
    } else {
      throw this.unexpected(token, "'[' or '('");
    }
    const after = this.peek();
    if (after.kind === "keyword" && after.text !== "AND" && after.text !== "OR") {
      throw new PatternSyntaxError(`'${after.text}' is outside the supported pattern subset`, after.position);
    }
  }

  /** Returns the object types the expression refers to, so AND can require a single one. */
  private comparisonOr(): Set<string> {
    const types = this.comparisonAnd();
    while (this.isKeyword("OR")) {
      this.advance();
      for (const type of this.comparisonAnd()) types.add(type);
    }
    return types;
  }

  private comparisonAnd(): Set<string> {
    const first = this.peek();
    const types = this.propertyTest();
    while (this.isKeyword("AND")) {
      this.advance();
      for (const type of this.propertyTest()) types.add(type);
    }
    // STIX 2.1 §9.5: comparisons joined by AND inside one observation must all be about the same object type.
    if (types.size > 1) {
      throw new PatternSyntaxError(
        `comparisons joined by AND refer to different object types (${[...types].join(", ")})`,
        first.position,
      );
    }
    return types;
  }

  private propertyTest(): Set<string> {
    if (this.peek().kind === "(") {
      this.advance();
      const types = this.comparisonOr();
      this.expect(")", "')'");
      return types;
    }
    const objectType = this.expect("identifier", "an object type").text;
    this.expect(":", "':' after the object type");
    const path = this.objectPath();
    let isNegated = false;
    if (this.isKeyword("NOT")) {
      this.advance();
      isNegated = true;
    }
    const operatorToken = this.peek();
    if (operatorToken.kind !== "operator") {
      if (operatorToken.kind === "keyword") {
        throw new PatternSyntaxError(
          `'${operatorToken.text}' is outside the supported pattern subset`,
          operatorToken.position,
        );
      }
      throw this.unexpected(operatorToken, "a comparison operator");
    }
    this.advance();
    const operator = normalizeOperator(operatorToken.text);
    const literal = this.literal(operator);
    this.comparisons.push({ objectType, path, operator, isNegated, literal });
    return new Set([objectType]);
  }

  private objectPath(): PathStep[] {
    const path: PathStep[] = [this.propertyName()];
    for (;;) {
      const token = this.peek();
      if (token.kind === ".") {
        this.advance();
        path.push(this.propertyName());
      } else if (token.kind === "[") {
        this.advance();
        const index = this.advance();
        if (index.kind === "*") path.push({ kind: "index", index: "*" });
        else if (index.kind === "integer") path.push({ kind: "index", index: Number(index.text) });
        else throw this.unexpected(index, "a list index or '*'");
        this.expect("]", "']' after the list index");
      } else {
        return path;
      }
    }
  }

  private propertyName(): PathStep {
    const token = this.advance();
    if (token.kind === "string") return { kind: "property", name: token.stringValue ?? "" };
    if (token.kind === "identifier" && IDENTIFIER_WITHOUT_HYPHEN.test(token.text))
      return { kind: "property", name: token.text };
    if (token.kind === "identifier") {
      throw new PatternSyntaxError(
        `property name '${token.text}' contains a hyphen and must be quoted`,
        token.position,
      );
    }
    throw this.unexpected(token, "a property name");
  }

  private literal(operator: ComparisonOperator): PatternLiteral {
    const token = this.advance();
    switch (token.kind) {
      case "string":
        return { kind: "string", value: token.stringValue ?? "" };
      case "integer":
        return { kind: "integer", value: BigInt(token.text.replace(/^\+/, "")) };
      case "float":
        return { kind: "float", value: Number(token.text) };
      case "boolean":
        if (operator !== "=" && operator !== "!=") {
          throw new PatternSyntaxError(`a boolean cannot be compared with '${operator}'`, token.position);
        }
        return { kind: "boolean", value: token.text === "true" };
      default:
        throw this.unexpected(token, "a string, number or boolean literal");
    }
  }
}

function normalizeOperator(text: string): ComparisonOperator {
  if (text === "==") return "=";
  if (text === "<>") return "!=";
  return text as ComparisonOperator;
}

export function parseStixPattern(pattern: string): ParsedPattern {
  try {
    const parser = new Parser(tokenize(pattern));
    parser.parsePattern();
    return { ok: true, comparisons: parser.comparisons };
  } catch (error) {
    if (error instanceof PatternSyntaxError) return { ok: false, message: error.message };
    throw error;
  }
}

export function validateStixPattern(pattern: string): { ok: true } | { ok: false; message: string } {
  const parsed = parseStixPattern(pattern);
  return parsed.ok ? { ok: true } : parsed;
}

/** A STIX string literal: backslashes are escaped before quotes so the quote escapes are not doubled. */
export function stixStringLiteral(value: string): string {
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}
