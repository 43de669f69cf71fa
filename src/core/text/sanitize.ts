// Text from a model or a server reaches the editor, the log, notifications and terminals (the CLI).
// A terminal acts on control characters and escape sequences: ESC ] 52 writes the clipboard, OSC 8
// makes links, CSI moves the cursor or hides text, a lone NUL or BEL does its own mischief. Nothing
// from the wire is trusted to be free of them, so everything shown goes through here first.
//
// Removed: C0 controls except tab, line feed and carriage return; DEL; C1 controls (U+0080–U+009F);
// and every escape sequence whole (ESC [ … final byte, ESC ] … BEL or ESC \, the other string
// sequences DCS/SOS/PM/APC, and two-character escapes), so no fragment of a sequence is left behind.
// Also the bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069):
// in code they make text display in another order than the compiler reads it ("Trojan Source"),
// and a model's suggestion must not slip one into the user's file.

const ESC = 0x1b;
const BEL = 0x07;
/** C1 String Terminator, which ends OSC and the other string sequences like ESC \ does. */
const ST = 0x9c;
/** A string sequence (OSC, DCS…) longer than this without its terminator is given up on. */
const MAX_STRING_SEQUENCE = 4096;

/** Anything the stripper might act on; text without any of these passes through untouched. */
const SUSPECT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

type State = 'text' | 'escape' | 'escapeIntermediate' | 'csi' | 'string' | 'stringEscape';

/**
 * Strips control characters and escape sequences from a stream of text that arrives in pieces (a
 * sequence may be split across two chunks of a model's reply). Linear in the input.
 */
export class ControlStripper {
  private state: State = 'text';
  private swallowed = 0;

  push(chunk: string): string {
    if (this.state === 'text' && !SUSPECT.test(chunk)) return chunk;
    let out = '';
    let keepFrom = 0;
    let i = 0;
    const cut = (end: number) => {
      if (end > keepFrom) out += chunk.slice(keepFrom, end);
    };
    while (i < chunk.length) {
      const c = chunk.charCodeAt(i);
      switch (this.state) {
        case 'text':
          if (c === ESC) {
            cut(i);
            this.state = 'escape';
          } else if (isStrippedControl(c)) {
            cut(i);
            if (c === 0x9b) this.state = 'csi';
            else if (c === 0x90 || c === 0x98 || c === 0x9d || c === 0x9e || c === 0x9f) this.enterString();
          } else {
            i++;
            continue;
          }
          i++;
          keepFrom = i;
          continue;
        case 'escape':
          if (c === 0x5b /* [ */) this.state = 'csi';
          else if (c === 0x5d /* ] */ || c === 0x50 /* P */ || c === 0x58 /* X */ || c === 0x5e /* ^ */ || c === 0x5f /* _ */) this.enterString();
          else if (c >= 0x20 && c <= 0x2f) this.state = 'escapeIntermediate';
          else if (c >= 0x30 && c <= 0x7e) this.state = 'text';
          else if (c !== ESC) {
            // Not a sequence after all: drop the ESC, read this character as text.
            this.state = 'text';
            keepFrom = i;
            continue;
          }
          break;
        case 'escapeIntermediate':
          if (c >= 0x30 && c <= 0x7e) this.state = 'text';
          else if (c < 0x20 || c > 0x2f) {
            this.state = 'text';
            keepFrom = i;
            continue;
          }
          break;
        case 'csi':
          if (c >= 0x40 && c <= 0x7e) this.state = 'text';
          else if (c < 0x20 || c > 0x3f) {
            // A broken sequence: it ends here and this character is read as text.
            this.state = 'text';
            keepFrom = i;
            continue;
          }
          break;
        case 'string':
          if (c === BEL || c === ST) this.state = 'text';
          else if (c === ESC) this.state = 'stringEscape';
          else if (++this.swallowed > MAX_STRING_SEQUENCE) {
            // Never terminated: stop swallowing so a stray ESC ] cannot eat the rest of a reply.
            this.state = 'text';
            keepFrom = i;
            continue;
          }
          break;
        case 'stringEscape':
          if (c === 0x5c /* \ */) {
            this.state = 'text';
          } else {
            // ESC ends the string and starts a new sequence.
            this.state = 'escape';
            continue;
          }
          break;
      }
      i++;
      keepFrom = i;
    }
    if (this.state === 'text') cut(chunk.length);
    return out;
  }

  /** The stream ended: a sequence still open is dropped, and the stripper is ready for new text. */
  end(): void {
    this.state = 'text';
    this.swallowed = 0;
  }

  private enterString(): void {
    this.state = 'string';
    this.swallowed = 0;
  }
}

function isStrippedControl(c: number): boolean {
  return (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f)
    || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/** One whole piece of text without control characters or escape sequences. */
export function stripControls(text: string): string {
  if (!SUSPECT.test(text)) return text;
  return new ControlStripper().push(text);
}

/**
 * Someone else's words made fit for one line of a message: controls stripped, each line break or
 * tab (with the white space around it) as one space, and at most `max` characters, an ellipsis
 * marking a cut.
 */
export function excerpt(text: string, max: number): string {
  // Only a bounded prefix is ever looked at, so a megabyte of text costs no more than a short one.
  const head = text.length > max * 4 + 64 ? text.slice(0, max * 4 + 64) : text;
  const flat = stripControls(head).replace(/\s*[\n\r\t\v\f\u2028\u2029]\s*/g, ' ').trim();
  if (flat.length <= max && head.length === text.length) return flat;
  if (flat.length <= max) return `${flat}…`;
  let cut = max - 1;
  // Never split a surrogate pair.
  if (cut > 0 && isHighSurrogate(flat.charCodeAt(cut - 1))) cut--;
  return `${flat.slice(0, cut).trimEnd()}…`;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
