/**
 * Cuts a JSON document that is either an array of records or an object with a "data" array into the text of one
 * record at a time, so stix:map holds one record instead of the whole input. It tracks only the structure
 * (strings, nesting, commas); each record's own text is parsed by the caller, which is where malformed JSON inside a
 * record is caught. Text outside the records (other keys of the object) is handed to `checkOther` to be parsed too.
 */
export class JsonSyntaxError extends Error {}
export class JsonShapeError extends Error {}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

function isWhitespace(code: number) {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

type Root = "unknown" | "array" | "object" | "scalar";
/** Where the scan is between values of the root object: its keys, the colon, its values. */
type ObjectSlot = "key" | "colon" | "value" | "comma";

export class JsonRecordSplitter {
  private buffer = "";
  private position = 0;
  /** The closing character each open container expects, innermost last; its length is the nesting depth. */
  private closers: number[] = [];
  private inString = false;
  private escaped = false;
  private root: Root = "unknown";
  private rootClosed = false;
  private slot: ObjectSlot = "key";
  private keyStart = -1;
  private currentKey = "";
  private sawData = false;
  /** Depth of the values being cut out (records, or the root object's other values); -1 when none is open. */
  private valueDepth = -1;
  private valueStart = -1;
  private valueIsRecord = false;
  /** In the records array: whether the next value must follow a comma (so "[,1]" and "[1,]" are refused). */
  private expectingValue = false;
  private valuesSeen = 0;

  constructor(
    private readonly onRecord: (text: string) => void,
    private readonly checkOther: (text: string) => void,
  ) {}

  push(chunk: string): void {
    this.buffer += chunk;
    const { buffer } = this;
    for (let index = this.position; index < buffer.length; index += 1) this.step(buffer.charCodeAt(index), index);
    this.compact();
  }

  end(): void {
    if (this.root === "scalar") {
      this.checkOther(this.buffer);
      throw new JsonShapeError();
    }
    if (this.root === "unknown") throw new JsonSyntaxError("Unexpected end of input");
    if (!this.rootClosed) throw new JsonSyntaxError("Unexpected end of input: the document is not closed");
    if (this.root === "object" && !this.sawData) throw new JsonShapeError();
  }

  private step(code: number, index: number): void {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (code === BACKSLASH) this.escaped = true;
      else if (code === QUOTE) {
        this.inString = false;
        if (this.keyStart >= 0) this.finishKey(index);
      }
      return;
    }
    if (this.rootClosed) {
      if (!isWhitespace(code)) throw new JsonSyntaxError(`Unexpected character after the document at ${index}`);
      return;
    }
    if (this.root === "unknown") return this.startRoot(code, index);
    if (this.root === "scalar") return;

    if (this.valueDepth >= 0 && this.closers.length === this.valueDepth && this.valueStart < 0 && !isWhitespace(code)) {
      if (code === COMMA || code === CLOSE_BRACKET || code === CLOSE_BRACE) {
        if (code === COMMA || this.expectingValue)
          throw new JsonSyntaxError(`Unexpected '${String.fromCharCode(code)}' at ${index}`);
      } else {
        this.valueStart = index;
        this.expectingValue = false;
      }
    }
    if (this.closers.length === 1 && this.root === "object" && this.valueDepth < 0)
      return this.stepInRootObject(code, index);

    switch (code) {
      case QUOTE:
        this.inString = true;
        return;
      case OPEN_BRACE:
        this.closers.push(CLOSE_BRACE);
        return;
      case OPEN_BRACKET:
        this.closers.push(CLOSE_BRACKET);
        return;
      case COMMA:
        if (this.closers.length === this.valueDepth) this.finishValue(index, true);
        return;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        if (this.closers.at(-1) !== code)
          throw new JsonSyntaxError(`Unexpected '${String.fromCharCode(code)}' at ${index}`);
        if (this.closers.length === this.valueDepth) this.finishValue(index, false);
        this.closers.pop();
        if (this.closers.length === 0) this.rootClosed = true;
        else if (this.closers.length === 1 && this.root === "object") this.slot = "comma";
        return;
    }
  }

  private startRoot(code: number, index: number) {
    if (isWhitespace(code)) return;
    if (code === OPEN_BRACKET) {
      this.root = "array";
      this.closers.push(CLOSE_BRACKET);
      this.valueDepth = 1;
      this.valueIsRecord = true;
    } else if (code === OPEN_BRACE) {
      this.root = "object";
      this.closers.push(CLOSE_BRACE);
    } else {
      this.root = "scalar";
    }
    this.position = index + 1;
  }

  /** Between the root object's members: a key, a colon, then either the records array or another value to check. */
  private stepInRootObject(code: number, index: number) {
    if (isWhitespace(code)) return;
    if (this.slot === "key" && code === QUOTE) {
      this.inString = true;
      this.keyStart = index;
    } else if (this.slot === "colon" && code === COLON) {
      this.slot = "value";
    } else if (this.slot === "value") {
      if (this.currentKey === "data" && code === OPEN_BRACKET) {
        this.sawData = true;
        this.closers.push(CLOSE_BRACKET);
        this.valueDepth = 2;
        this.valueIsRecord = true;
        this.valuesSeen = 0;
        return;
      }
      if (this.currentKey === "data") this.sawData = false;
      this.valueDepth = 1;
      this.valueIsRecord = false;
      this.valueStart = index;
      if (code === QUOTE) this.inString = true;
      else if (code === OPEN_BRACE) this.closers.push(CLOSE_BRACE);
      else if (code === OPEN_BRACKET) this.closers.push(CLOSE_BRACKET);
    } else if (this.slot === "comma" && code === COMMA) {
      this.slot = "key";
    } else if ((this.slot === "comma" || (this.slot === "key" && this.currentKey === "")) && code === CLOSE_BRACE) {
      this.closers.pop();
      this.rootClosed = true;
    } else {
      throw new JsonSyntaxError(`Unexpected '${String.fromCharCode(code)}' at ${index}`);
    }
  }

  private finishKey(index: number) {
    const keyText = this.buffer.slice(this.keyStart, index + 1);
    try {
      this.currentKey = JSON.parse(keyText) as string;
    } catch {
      throw new JsonSyntaxError(`Invalid key ${keyText.slice(0, 40)}`);
    }
    this.keyStart = -1;
    this.slot = "colon";
  }

  private finishValue(index: number, more: boolean) {
    if (this.valueStart < 0) {
      if (more || this.valuesSeen > 0) throw new JsonSyntaxError(`Unexpected '${more ? "," : "]"}' at ${index}`);
      this.leaveValues();
      return;
    }
    const text = this.buffer.slice(this.valueStart, index);
    this.valueStart = -1;
    this.valuesSeen += 1;
    if (!this.valueIsRecord) {
      this.checkOther(text);
      // The root object's other value ended at its comma or closing brace: back to the member slots.
      this.valueDepth = -1;
      this.slot = more ? "key" : "comma";
      return;
    }
    this.onRecord(text);
    this.expectingValue = more;
    if (!more) this.leaveValues();
  }

  private leaveValues() {
    this.valueDepth = -1;
    this.valuesSeen = 0;
    this.expectingValue = false;
  }

  /** Drops text already cut out, keeping only what an open key or value still needs. */
  private compact() {
    const keep = Math.min(
      ...[this.valueStart, this.keyStart].filter((start) => start >= 0),
      this.root === "scalar" ? 0 : this.buffer.length,
    );
    this.buffer = this.buffer.slice(keep);
    if (this.valueStart >= 0) this.valueStart -= keep;
    if (this.keyStart >= 0) this.keyStart -= keep;
    this.position = this.buffer.length;
  }
}
