import { describeToken, tokenize, TqlSyntaxError, type Token } from "./tql-lexer";

export type Predicate<R> = (record: R) => boolean;
export type FieldKind = "string" | "number" | "date" | "boolean" | "id";
type Scalar = string | number | boolean;

export type Keyword<R> = {
  name: string;
  kind: FieldKind;
  /** Dates are epoch seconds; ids are decimal strings; `undefined` means null; an array is a multi-valued field. */
  get: (record: R) => Scalar | readonly Scalar[] | undefined;
};

export type Subquery<R> = (parseInner: <T>(scope: Scope<T>) => Predicate<T>) => Predicate<R>;

export type Scope<R> = {
  keywords: Record<string, Keyword<R>>;
  subqueries: Record<string, Subquery<R>>;
};

export type CompiledTql<R> = {
  predicate: Predicate<R>;
  keywords: ReadonlySet<string>;
};

const COMPARATORS: Record<string, string> = {
  "=": "=",
  eq: "=",
  equals: "=",
  "!=": "!=",
  ne: "!=",
  ">": ">",
  gt: ">",
  "<": "<",
  lt: "<",
  ">=": ">=",
  geq: ">=",
  "<=": "<=",
  leq: "<=",
};
const TEXT_OPERATORS = new Set(["like", "contains", "startswith", "endswith"]);
const EXPECTED_OPERATOR =
  "an operator (=, !=, >, <, >=, <=, IN, NOT IN, LIKE, CONTAINS, STARTSWITH, ENDSWITH, IS NULL, IS NOT NULL)";
const UNIT_SECONDS: Record<string, number> = {
  minute: 60,
  hour: 3600,
  day: 86_400,
  week: 604_800,
};
const DAY_SECONDS = 86_400;

/** A date literal: a whole day (`2024-01-31`, `TODAY()`) is a range, a timestamp is a point. */
type DateRange = { start: number; end: number };

export function compileTql<R>(source: string, scope: Scope<R>, now: () => Date): CompiledTql<R> {
  const tokens = tokenize(source);
  const keywordsUsed = new Set<string>();
  let index = 0;

  // Reading past the last token keeps answering "end of query", so lookahead never runs off the list.
  const endOfQuery: Token = {
    kind: "eof",
    text: "",
    value: "",
    position: source.length,
  };
  const peek = (offset = 0): Token => tokens[index + offset] ?? endOfQuery;
  const next = (): Token => {
    const token = peek();
    if (token.kind !== "eof") index++;
    return token;
  };
  const fail = (token: Token, expected: string): never => {
    throw new TqlSyntaxError(token.position, `expected ${expected} but found ${describeToken(token)}`);
  };
  const isWord = (token: Token, word: string) => token.kind === "ident" && token.value.toLowerCase() === word;
  const expectKind = (kind: Token["kind"], expected: string): Token => {
    const token = next();
    return token.kind === kind ? token : fail(token, expected);
  };

  function parseOr<T>(current: Scope<T>): Predicate<T> {
    const first = parseAnd(current);
    const parts = [first];
    while (isWord(peek(), "or")) {
      next();
      parts.push(parseAnd(current));
    }
    return parts.length === 1 ? first : (record) => parts.some((part) => part(record));
  }

  function parseAnd<T>(current: Scope<T>): Predicate<T> {
    const first = parseUnary(current);
    const parts = [first];
    while (isWord(peek(), "and")) {
      next();
      parts.push(parseUnary(current));
    }
    return parts.length === 1 ? first : (record) => parts.every((part) => part(record));
  }

  function parseUnary<T>(current: Scope<T>): Predicate<T> {
    const token = peek();
    if (isWord(token, "not")) {
      next();
      const inner = parseUnary(current);
      return (record) => !inner(record);
    }
    if (token.kind === "lparen") {
      next();
      const inner = parseOr(current);
      expectKind("rparen", "')' to close the parenthesis");
      return inner;
    }
    if (token.kind !== "ident") return fail(token, "a keyword, NOT or '('");
    const subquery = current.subqueries[token.value.toLowerCase()];
    if (subquery && peek(1).kind === "lparen") {
      next();
      next();
      keywordsUsed.add(token.value.toLowerCase());
      const predicate = subquery(<S>(inner: Scope<S>) => parseOr(inner));
      expectKind("rparen", `')' to close ${token.value}(`);
      return predicate;
    }
    return parseComparison(current);
  }

  function parseComparison<T>(current: Scope<T>): Predicate<T> {
    const nameToken = next();
    const keyword = current.keywords[nameToken.value.toLowerCase()];
    if (!keyword) {
      const known = [
        ...Object.values(current.keywords).map((k) => k.name),
        ...Object.keys(current.subqueries).map((s) => `${s}()`),
      ];
      throw new TqlSyntaxError(
        nameToken.position,
        `unknown keyword '${nameToken.value}'; expected one of ${known.join(", ")}`,
      );
    }
    keywordsUsed.add(keyword.name.toLowerCase());
    const operatorToken = next();
    let negated = false;
    let operatorName: string;
    if (isWord(operatorToken, "is")) {
      const isNot = isWord(peek(), "not");
      if (isNot) next();
      const nullToken = next();
      if (!isWord(nullToken, "null")) fail(nullToken, "NULL");
      return (record) => isMissing(keyword.get(record)) !== isNot;
    }
    if (isWord(operatorToken, "not")) {
      negated = true;
      const negatedToken = next();
      operatorName = negatedToken.value.toLowerCase();
      if (negatedToken.kind !== "ident" || (operatorName !== "in" && !TEXT_OPERATORS.has(operatorName))) {
        fail(negatedToken, "IN, LIKE, CONTAINS, STARTSWITH or ENDSWITH after NOT");
      }
    } else {
      const lowered = operatorToken.value.toLowerCase();
      if (COMPARATORS[lowered] && (operatorToken.kind === "op" || operatorToken.kind === "ident")) {
        operatorName = COMPARATORS[lowered];
      } else if (operatorToken.kind === "ident" && (lowered === "in" || TEXT_OPERATORS.has(lowered))) {
        operatorName = lowered;
      } else {
        return fail(operatorToken, `${EXPECTED_OPERATOR} after '${nameToken.value}'`);
      }
    }
    if (operatorName === "!=") {
      negated = true;
      operatorName = "=";
    }
    const match = buildMatcher(keyword, operatorName, operatorToken);
    return (record) => {
      const value = keyword.get(record);
      if (value === undefined) return false;
      const positive = Array.isArray(value) ? value.some(match) : match(value as Scalar);
      return negated ? !positive : positive;
    };
  }

  function buildMatcher<T>(keyword: Keyword<T>, operator: string, operatorToken: Token): (value: Scalar) => boolean {
    if (operator === "in") {
      expectKind("lparen", "'(' to start the IN list");
      const matchers = [buildMatcher(keyword, "=", operatorToken)];
      while (peek().kind === "comma") {
        next();
        matchers.push(buildMatcher(keyword, "=", operatorToken));
      }
      if (peek().kind !== "rparen") fail(peek(), "',' or ')' in the IN list");
      next();
      return (value) => matchers.some((matcher) => matcher(value));
    }
    if (TEXT_OPERATORS.has(operator) && keyword.kind !== "string") {
      throw new TqlSyntaxError(
        operatorToken.position,
        `${operator.toUpperCase()} only applies to text keywords, but ${keyword.name} is a ${keyword.kind}`,
      );
    }
    switch (keyword.kind) {
      case "string":
        return stringMatcher(keyword, operator);
      case "number":
        return orderedMatcher(operator, readNumber(keyword));
      case "id":
        return idMatcher(operator, readId(keyword));
      case "boolean":
        return booleanMatcher(keyword, operator, operatorToken);
      case "date":
        return dateMatcher(operator, readDate(keyword));
    }
  }

  function stringMatcher<T>(keyword: Keyword<T>, operator: string): (value: Scalar) => boolean {
    const token = next();
    if (token.kind !== "string") fail(token, `a quoted string for ${keyword.name}`);
    const expected = token.value.toLowerCase();
    switch (operator) {
      case "like": {
        const pattern = new RegExp(
          `^${expected
            .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
            .replace(/%/g, ".*")
            .replace(/_/g, ".")}$`,
          "s",
        );
        return (value) => pattern.test(String(value).toLowerCase());
      }
      case "contains":
        return (value) => String(value).toLowerCase().includes(expected);
      case "startswith":
        return (value) => String(value).toLowerCase().startsWith(expected);
      case "endswith":
        return (value) => String(value).toLowerCase().endsWith(expected);
      default:
        return orderedMatcher(operator, expected, (value) => String(value).toLowerCase());
    }
  }

  function readNumber<T>(keyword: Keyword<T>): number {
    let sign = 1;
    if (peek().kind === "sign") sign = next().value === "-" ? -1 : 1;
    const token = next();
    if (token.kind !== "number") fail(token, `a number for ${keyword.name}`);
    return sign * Number(token.value);
  }

  function readId<T>(keyword: Keyword<T>): bigint {
    const token = next();
    if (token.kind !== "number" || token.value.includes(".")) fail(token, `a whole number id for ${keyword.name}`);
    return BigInt(token.value);
  }

  function booleanMatcher<T>(keyword: Keyword<T>, operator: string, operatorToken: Token): (value: Scalar) => boolean {
    if (operator !== "=") {
      throw new TqlSyntaxError(operatorToken.position, `${keyword.name} is a boolean; only = and != apply`);
    }
    const token = next();
    const text = token.value.toLowerCase();
    if ((token.kind !== "ident" && token.kind !== "string") || (text !== "true" && text !== "false")) {
      fail(token, `true or false for ${keyword.name}`);
    }
    const expected = text === "true";
    return (value) => value === expected;
  }

  function readDate<T>(keyword: Keyword<T>): DateRange {
    const token = peek();
    if (token.kind === "string") {
      next();
      const range = parseDateLiteral(token.value, now());
      if (!range) {
        throw new TqlSyntaxError(
          token.position,
          `${token.text} is not a valid date for ${keyword.name}; use YYYY-MM-DD, YYYY-MM-DD HH:MM:SS, YYYY-MM-DDTHH:MM:SSZ, NOW() or TODAY() with an optional ± N MINUTES/HOURS/DAYS`,
        );
      }
      return range;
    }
    if (token.kind === "ident") {
      const start = token.position;
      const parts: string[] = [];
      const bare = next();
      parts.push(bare.value);
      if (isWord(bare, "now") || isWord(bare, "today")) {
        expectKind("lparen", `'(' after ${bare.value}`);
        expectKind("rparen", `')' after ${bare.value}(`);
        parts.push("()");
        if (peek().kind === "sign") {
          parts.push(next().value, expectKind("number", "a number of minutes, hours or days").value);
          parts.push(expectKind("ident", "MINUTES, HOURS, DAYS or WEEKS").value);
        }
      }
      const range = parseDateLiteral(parts.join(" ").replace(" ()", "()"), now());
      if (!range) throw new TqlSyntaxError(start, `expected a date for ${keyword.name} but found '${parts.join(" ")}'`);
      return range;
    }
    return fail(token, `a date for ${keyword.name}`);
  }

  const compiled = parseOr(scope);
  if (peek().kind !== "eof") fail(peek(), "AND, OR or the end of the query");
  return { predicate: compiled, keywords: keywordsUsed };
}

function isMissing(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.length === 0);
}

function orderedMatcher<V extends string | number>(
  operator: string,
  expected: V,
  normalize: (value: Scalar) => V = (value) => value as V,
): (value: Scalar) => boolean {
  switch (operator) {
    case "=":
      return (value) => normalize(value) === expected;
    case ">":
      return (value) => normalize(value) > expected;
    case "<":
      return (value) => normalize(value) < expected;
    case ">=":
      return (value) => normalize(value) >= expected;
    default:
      return (value) => normalize(value) <= expected;
  }
}

function idMatcher(operator: string, expected: bigint): (value: Scalar) => boolean {
  const compare = (value: Scalar) => {
    const actual = BigInt(String(value));
    return actual === expected ? 0 : actual > expected ? 1 : -1;
  };
  return orderedMatcher(operator, 0, (value) => compare(value));
}

function dateMatcher(operator: string, range: DateRange): (value: Scalar) => boolean {
  switch (operator) {
    case "=":
      return (value) => (value as number) >= range.start && (value as number) < range.end;
    case ">":
      return (value) => (value as number) >= range.end;
    case ">=":
      return (value) => (value as number) >= range.start;
    case "<":
      return (value) => (value as number) < range.start;
    default:
      return (value) => (value as number) < range.end;
  }
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{2}:?\d{2})?$/;
const RELATIVE_PATTERN = /^(now|today)\(\)\s*(?:([+-])\s*(\d+)\s*(minute|hour|day|week)s?)?$/i;

export function parseDateLiteral(text: string, now: Date): DateRange | undefined {
  const trimmed = text.trim();
  if (DAY_PATTERN.test(trimmed)) {
    const start = Date.parse(`${trimmed}T00:00:00Z`) / 1000;
    return Number.isNaN(start) || new Date(start * 1000).toISOString().slice(0, 10) !== trimmed
      ? undefined
      : { start, end: start + DAY_SECONDS };
  }
  if (TIMESTAMP_PATTERN.test(trimmed)) {
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(trimmed);
    const milliseconds = Date.parse(`${trimmed.replace(" ", "T")}${hasZone ? "" : "Z"}`);
    if (Number.isNaN(milliseconds)) return undefined;
    const point = Math.floor(milliseconds / 1000);
    return { start: point, end: point + 1 };
  }
  const relative = RELATIVE_PATTERN.exec(trimmed);
  if (!relative) return undefined;
  const [, base = "", sign, amount, unit] = relative;
  const offset =
    amount && unit ? (sign === "-" ? -1 : 1) * Number(amount) * (UNIT_SECONDS[unit.toLowerCase()] ?? 0) : 0;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (base.toLowerCase() === "today") {
    const start = nowSeconds - (nowSeconds % DAY_SECONDS) + offset;
    return { start, end: start + DAY_SECONDS };
  }
  return { start: nowSeconds + offset, end: nowSeconds + offset + 1 };
}
