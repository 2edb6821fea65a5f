/**
 * Masking for everything a run writes: reports, logs, JUnit, traces.
 * Masked forms keep a hint a person can use to tell values apart (kind, length, last digits of a
 * phone, first letter and top-level domain of an email address) and never enough to recover the value. Pure module (no `node:` imports) so k6 bundles can
 * import it too.
 */

/** The glyph that stands for hidden characters; not a word character, so masked output never matches a token pattern. */
const DOT = "•";

/** Prefixes that say what a value is without saying anything about its secret part. */
const PUBLIC_PREFIXES = ["Fe26.2*", "eyJ", "Bearer "];

/** Masks a secret: keeps a known non-secret prefix (e.g. `eyJ` of a JWT) and the length, nothing else. */
export function maskSecret(value: string): string {
  const prefix = PUBLIC_PREFIXES.find((p) => value.startsWith(p) && value.length > p.length * 3) ?? "";
  return `${prefix}${DOT.repeat(3)}[${value.length}]`;
}

/**
 * Masks a phone number the way Auth0 masks list names (docs/behaviour.md#masked-name): every digit but the
 * last 4 hidden; `+` and separators kept.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, "").length;
  let seen = 0;
  return phone.replace(/\d/g, (d) => (++seen > digits - 4 ? d : DOT));
}

/**
 * Masks an email address as phones are masked: a hint to tell addresses apart, not the address. The
 * first character of the mailbox and the top-level domain stay; `@` (or `%40`, URL-encoded) and dots
 * too; every other character is hidden.
 */
export function maskEmail(email: string): string {
  const at = /@|%40/i.exec(email);
  if (!at) return maskSecret(email);
  const local = email.slice(0, at.index);
  const domain = email.slice(at.index + at[0].length);
  const dot = domain.lastIndexOf(".");
  const host = dot === -1 ? domain : domain.slice(0, dot);
  const tld = dot === -1 ? "" : domain.slice(dot);
  return `${local.slice(0, 1)}${DOT.repeat(Math.max(0, local.length - 1))}${at[0]}${host.replace(/[^.]/g, DOT)}${tld}`;
}

/** Masks a message's recipient: a phone number or an email address. */
export function maskRecipient(recipient: string): string {
  return looksLikeEmail(recipient) ? maskEmail(recipient) : maskPhone(recipient);
}

/** E.164 (`+` then 7 to 15 digits), not glued to other digits or word characters. */
const PHONE = /(?<![\w+])\+[1-9]\d{6,14}(?!\d)/g;
/** Compact JWS/JWT: three base64url segments, the header starting `eyJ` (`{"`). */
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
/** An email address, also URL-encoded (`user%40example.com`, as in an OTP barcode's label). */
const EMAIL =
  /(?<![\w.%+-])[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])/g;
/** Iron-sealed tokens (`Fe26.2*...`), as some Auth0 state and session values are. */
const IRON = /Fe26\.2\*[A-Za-z0-9_\-*~.]+/g;
/**
 * Long opaque tokens: 32+ url-safe characters that mix upper case, lower case and digits.
 * Hex digests (commit ids, content hashes) and identifiers are left alone: they lack the mix.
 */
const OPAQUE = /(?<![\w-])[A-Za-z0-9_-]{32,}(?![\w-])/g;
/**
 * Values of fields that always hold a secret, in JSON (`"otp": "123456"`) or a form (`otp=123456`):
 * credentials and codes, phone numbers and email addresses, an OTP's secret and the barcode that
 * carries it, a push enrollment's transaction id.
 */
const SECRET_FIELDS =
  "client_secret|mfa_token|oob_code|binding_code|otp|recovery_code|access_token|id_token|refresh_token|password|phone_number|email|secret|totp_secret|barcode_uri|enrollment_tx_id";
const JSON_FIELD = new RegExp(`("(?:${SECRET_FIELDS})"\\s*:\\s*")((?:[^"\\\\]|\\\\.)+)(")`, "g");
const ESCAPED_JSON_FIELD = new RegExp(
  `(\\\\"(?:${SECRET_FIELDS})\\\\"\\s*:\\s*\\\\")([^"\\\\]+)(\\\\")`,
  "g",
);
const FORM_FIELD = new RegExp(`((?:^|[?&\\s])(?:${SECRET_FIELDS})=)([^&\\s"'<>]+)`, "g");
const BEARER = /(\bBearer\s+)([A-Za-z0-9._~+/=*-]{8,})/g;

/** True when a string mixes upper case, lower case and digits, as random tokens do. */
function looksRandom(s: string): boolean {
  return /[A-Z]/.test(s) && /[a-z]/.test(s) && /\d/.test(s);
}

/**
 * True for a random token rather than a slug: some run of 16+ characters between `-`/`_` mixes
 * cases and digits. Slugs ("authenticators-listAuthenticato-3f6a1-mock") are short words.
 */
function looksOpaque(s: string): boolean {
  return s.split(/[-_]/).some((part) => part.length >= 16 && looksRandom(part));
}

/** Known secrets are indexed by their first PREFIX characters (the registry's minimum length). */
const PREFIX = 4;

/** True for a word character (letter, digit, underscore), or false outside the string. */
function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /\w/.test(ch);
}

/** True for an ASCII digit, or false outside the string. */
function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= "0" && ch <= "9";
}

/**
 * True when `text[i, i + length)` stands alone: no word character on either side, and, for a
 * number, not part of a longer number either ("0.123456", "1,234567" hold no 6-digit code).
 */
export function isWholeToken(text: string, i: number, length: number): boolean {
  const before = text[i - 1];
  const after = text[i + length];
  if (isWordChar(before) || isWordChar(after)) return false;
  if (!isDigit(text[i]) || !isDigit(text[i + length - 1])) return true;
  const joins = (ch: string | undefined) => ch === "." || ch === ",";
  return !(joins(before) && isDigit(text[i - 2])) && !(joins(after) && isDigit(text[i + length + 1]));
}

/**
 * Builds a masker for a set of known secrets, for masking many texts with the same (possibly
 * thousands of) secrets: one pass over the text, whatever the number of secrets. Longer secrets
 * win where they overlap; secrets under 12 characters (6-digit codes) only count as whole tokens,
 * so "123456" inside a longer number stays. Then secret-shaped values are masked as in maskText.
 */
export function createMasker(secrets: readonly string[]): (text: string) => string {
  const buckets = new Map<string, string[]>();
  for (const secret of new Set(secrets)) {
    if (secret.length < PREFIX) continue;
    const key = secret.slice(0, PREFIX);
    buckets.set(key, [...(buckets.get(key) ?? []), secret]);
  }
  for (const list of buckets.values()) list.sort((a, b) => b.length - a.length);
  return (text) => maskShapes(buckets.size ? maskKnown(text, buckets) : text);
}

/** Replaces every known secret in a text (see createMasker). */
function maskKnown(text: string, buckets: Map<string, string[]>): string {
  let out = "";
  let from = 0;
  for (let i = 0; i + PREFIX <= text.length; ) {
    const hit = buckets
      .get(text.slice(i, i + PREFIX))
      ?.find((s) => text.startsWith(s, i) && (s.length >= 12 || isWholeToken(text, i, s.length)));
    if (!hit) {
      i++;
      continue;
    }
    out += text.slice(from, i) + maskValue(hit);
    i += hit.length;
    from = i;
  }
  return out + text.slice(from);
}

/**
 * Masks free text: every known secret value (longest first, so a secret that contains another is
 * masked whole), then anything shaped like a phone number, a JWT, an iron token, a long opaque token,
 * a bearer credential or the value of a secret-holding field. For many texts, use createMasker.
 */
export function maskText(text: string, secrets: readonly string[] = []): string {
  return createMasker(secrets)(text);
}

/** Masks values by their shape or the field that holds them. */
function maskShapes(out: string): string {
  return out
    .replace(JSON_FIELD, (_m, a: string, v: string, b: string) => `${a}${maskField(v)}${b}`)
    .replace(ESCAPED_JSON_FIELD, (_m, a: string, v: string, b: string) => `${a}${maskField(v)}${b}`)
    .replace(FORM_FIELD, (_m, a: string, v: string) => `${a}${maskField(v)}`)
    .replace(BEARER, (_m, a: string, v: string) => `${a}${maskSecret(v)}`)
    .replace(IRON, (m) => maskSecret(m))
    .replace(JWT, (m) => maskSecret(m))
    .replace(EMAIL, (m) => maskEmail(m))
    .replace(PHONE, (m) => maskPhone(m))
    .replace(OPAQUE, (m) => (looksOpaque(m) ? maskSecret(m) : m));
}

/** Masks one field value unless it is already masked. */
function maskField(v: string): string {
  if (v.includes(DOT)) return v;
  return maskValue(v);
}

/** Masks a value by what it is: a phone number, an email address, or any other secret. */
function maskValue(v: string): string {
  if (looksLikePhone(v)) return maskPhone(v);
  return looksLikeEmail(v) ? maskEmail(v) : maskSecret(v);
}

/** True for a value that is an email address and nothing else (also URL-encoded). */
function looksLikeEmail(v: string): boolean {
  return /^[^@\s%]+(?:@|%40)[^@\s]+\.[^@\s]+$/i.test(v);
}

/** True for a value that is a phone number and nothing else (digits, optional `+`, separators). */
function looksLikePhone(v: string): boolean {
  return /^\+?\d[\d\s-]*$/.test(v) && v.replace(/\D/g, "").length >= 7;
}
