/**
 * Merges JUnit files (Node's test runner, Playwright, k6) into one for CI test summaries. Each
 * input's suites are kept as they are, their names prefixed with where they came from; loose
 * `<testcase>`s (Node's reporter writes them straight under `<testsuites>`) get a suite of their own.
 * Only the element structure is parsed; text and attributes pass through (masked by the caller).
 */

export interface JUnitInput {
  /** Where the file came from, e.g. "unit", "contracts", "load/challenge-over-limit". */
  source: string;
  xml: string;
}

export interface JUnitTotals {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/** Tags, comments, CDATA and processing instructions; attribute values may hold `>`. */
const TOKEN =
  /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<\/?[A-Za-z][^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>/g;

interface Element {
  name: string;
  openTag: string;
  start: number;
  end: number;
}

/** The direct children elements of the element spanning [from, to) (or of the document). */
function children(xml: string, from = 0, to = xml.length): Element[] {
  const out: Element[] = [];
  let depth = 0;
  let current: Omit<Element, "end"> | undefined;
  TOKEN.lastIndex = from;
  for (let m = TOKEN.exec(xml); m && m.index < to; m = TOKEN.exec(xml)) {
    const tag = m[0];
    if (!/^<\/?[A-Za-z]/.test(tag)) continue;
    const name = /^<\/?([A-Za-z][\w:.-]*)/.exec(tag)?.[1] ?? "";
    if (tag.startsWith("</")) {
      depth--;
      if (depth === 0 && current) {
        out.push({ ...current, end: m.index + tag.length });
        current = undefined;
      }
    } else if (tag.endsWith("/>")) {
      if (depth === 0) out.push({ name, openTag: tag, start: m.index, end: m.index + tag.length });
    } else {
      if (depth === 0) current = { name, openTag: tag, start: m.index };
      depth++;
    }
  }
  return out;
}

/** Counts test cases and their outcomes inside a piece of JUnit. */
export function countTests(xml: string): JUnitTotals {
  const totals: JUnitTotals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const visit = (from: number, to: number) => {
    for (const el of children(xml, from, to)) {
      if (el.name === "testcase") {
        totals.tests++;
        const inner = children(xml, el.start + el.openTag.length, el.end).map((c) => c.name);
        if (inner.includes("failure")) totals.failures++;
        else if (inner.includes("error")) totals.errors++;
        else if (inner.includes("skipped")) totals.skipped++;
      } else if (!el.openTag.endsWith("/>")) {
        visit(el.start + el.openTag.length, el.end);
      }
    }
  };
  visit(0, xml.length);
  return totals;
}

/** Escapes a value for an XML attribute. */
function xmlAttr(value: string): string {
  return (
    value
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
  );
}

/** Sets (or adds) an attribute on an opening tag. */
function withAttr(openTag: string, name: string, value: string): string {
  const re = new RegExp(`\\s${name}="[^"]*"`);
  const attr = ` ${name}="${xmlAttr(value)}"`;
  if (re.test(openTag)) return openTag.replace(re, attr);
  return openTag.replace(/\s*(\/?)>$/, `${attr}$1>`);
}

/** Rewrites a suite's counts from its contents and prefixes its name with the source. */
function relabel(xml: string, suite: Element, source: string): string {
  const body = xml.slice(suite.start + suite.openTag.length, suite.end);
  const totals = countTests(xml.slice(suite.start, suite.end));
  const name = /\sname="([^"]*)"/.exec(suite.openTag)?.[1];
  let open = withAttr(suite.openTag, "name", name ? `${source} › ${decode(name)}` : source);
  for (const [k, v] of Object.entries(totals)) open = withAttr(open, k, String(v));
  return suite.openTag.endsWith("/>") ? open : `${open}${body}`;
}

/** Undoes attribute escaping so a name is not escaped twice. */
function decode(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Merges JUnit documents into one `<testsuites>` with totals; an unparsable input becomes a failing case. */
export function mergeJUnit(
  inputs: JUnitInput[],
  name = "auth0-mfa-harness",
): { xml: string; totals: JUnitTotals } {
  const suites: string[] = [];
  for (const { source, xml } of inputs) {
    const root = children(xml).find((el) => el.name === "testsuites" || el.name === "testsuite");
    if (!root) {
      suites.push(
        `<testsuite name="${xmlAttr(source)}" tests="1" failures="1" errors="0" skipped="0">` +
          `<testcase name="${xmlAttr(`${source}: JUnit input`)}" classname="${xmlAttr(source)}">` +
          `<failure message="no testsuite element in the input"/></testcase></testsuite>`,
      );
      continue;
    }
    const top =
      root.name === "testsuite" ? [root] : children(xml, root.start + root.openTag.length, root.end);
    const loose = top.filter((el) => el.name === "testcase");
    for (const suite of top.filter((el) => el.name === "testsuite")) suites.push(relabel(xml, suite, source));
    if (loose.length) {
      const body = loose.map((el) => xml.slice(el.start, el.end)).join("\n");
      const t = countTests(body);
      suites.push(
        `<testsuite name="${xmlAttr(source)}" tests="${t.tests}" failures="${t.failures}" errors="${t.errors}" skipped="${t.skipped}">\n${body}\n</testsuite>`,
      );
    }
  }
  const all = suites.join("\n");
  const totals = countTests(all);
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xmlAttr(name)}" tests="${totals.tests}" ` +
    `failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}">\n${all}\n</testsuites>\n`;
  return { xml, totals };
}
