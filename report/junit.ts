/**
 * JUnit, read and written with fast-xml-parser: counting cases (the figures `npm test` prints),
 * merging the files of Node's test runner, Playwright and k6 into one for CI test summaries, and
 * adding a suite of cases to a file. Documents are parsed in order, so text, CDATA and attributes
 * pass through; the builder escapes what is written.
 */
import { XMLBuilder, XMLParser } from "fast-xml-parser";

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

/** One case to write: a failure message makes it fail, a skipped reason (without a failure) skips it. */
export interface JUnitCase {
  name: string;
  classname: string;
  seconds: number;
  failure?: string;
  skipped?: string;
}

/** A node of a document parsed in order: `{ <element>: children, ":@": attributes }`, or text. */
type XmlNode = { [name: string]: XmlNode[] } & { ":@"?: Record<string, string> };

const OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  cdataPropName: "#cdata",
  commentPropName: "#comment",
  // Numeric character references (Playwright writes some) are decoded, and escaped again on output.
  htmlEntities: true,
  suppressEmptyNode: true,
} as const;
const parser = new XMLParser(OPTIONS);
const builder = new XMLBuilder(OPTIONS);
const HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n';
const TOTALS = ["tests", "failures", "errors", "skipped"] as const;

/** The document's top-level nodes; none when it is not XML at all. */
function parse(xml: string): XmlNode[] {
  try {
    return parser.parse(xml) as XmlNode[];
  } catch {
    return [];
  }
}

/** The element name of a node; undefined for text, CDATA, comments and the declaration. */
function nameOf(node: XmlNode): string | undefined {
  const name = Object.keys(node).find((k) => k !== ":@");
  return name === undefined || /^[#?]/.test(name) ? undefined : name;
}

function childrenOf(node: XmlNode): XmlNode[] {
  const name = nameOf(node);
  return name === undefined ? [] : (node[name] ?? []);
}

function element(name: string, attributes: Record<string, string>, children: XmlNode[] = []): XmlNode {
  return { [name]: children, ":@": attributes } as XmlNode;
}

const newline = (): XmlNode => ({ "#text": "\n" }) as unknown as XmlNode;

/** The nodes with a newline between each and around them, so the written file reads line by line. */
function lines(nodes: XmlNode[]): XmlNode[] {
  return [newline(), ...nodes.flatMap((n) => [n, newline()])];
}

function countNodes(nodes: XmlNode[], totals: JUnitTotals): JUnitTotals {
  for (const node of nodes) {
    const name = nameOf(node);
    if (name === "testcase") {
      totals.tests++;
      const inner = childrenOf(node).map(nameOf);
      if (inner.includes("failure")) totals.failures++;
      else if (inner.includes("error")) totals.errors++;
      else if (inner.includes("skipped")) totals.skipped++;
    } else if (name !== undefined) {
      countNodes(childrenOf(node), totals);
    }
  }
  return totals;
}

/** Counts test cases and their outcomes inside a piece of JUnit. */
export function countTests(xml: string): JUnitTotals {
  return countNodes(parse(xml), { tests: 0, failures: 0, errors: 0, skipped: 0 });
}

/** The totals as attribute values. */
function totalsAttributes(totals: JUnitTotals): Record<string, string> {
  return Object.fromEntries(TOTALS.map((k) => [k, String(totals[k])]));
}

/** A suite with its counts recomputed from its cases and its name prefixed with the source. */
function relabel(suite: XmlNode, source: string): XmlNode {
  const { name, tests, failures, errors, skipped, ...rest } = suite[":@"] ?? {};
  const counted = countNodes([suite], { tests: 0, failures: 0, errors: 0, skipped: 0 });
  return element(
    "testsuite",
    { name: name ? `${source} › ${name}` : source, ...totalsAttributes(counted), ...rest },
    childrenOf(suite),
  );
}

/** The suites of one input: its own (relabelled), loose cases in a suite of their own, or a failing case. */
function suitesOf({ source, xml }: JUnitInput): XmlNode[] {
  const root = parse(xml).find((n) => nameOf(n) === "testsuites" || nameOf(n) === "testsuite");
  if (!root) {
    const failure = element("failure", { message: "no testsuite element in the input" });
    const testcase = element("testcase", { name: `${source}: JUnit input`, classname: source }, [failure]);
    return [
      element("testsuite", { name: source, tests: "1", failures: "1", errors: "0", skipped: "0" }, [
        testcase,
      ]),
    ];
  }
  const top = nameOf(root) === "testsuite" ? [root] : childrenOf(root);
  const suites = top.filter((n) => nameOf(n) === "testsuite").map((s) => relabel(s, source));
  // Node's reporter writes cases straight under <testsuites>.
  const loose = top.filter((n) => nameOf(n) === "testcase");
  if (loose.length) {
    const totals = countNodes(loose, { tests: 0, failures: 0, errors: 0, skipped: 0 });
    suites.push(element("testsuite", { name: source, ...totalsAttributes(totals) }, lines(loose)));
  }
  return suites;
}

/** Merges JUnit documents into one `<testsuites>` with totals; an unparsable input becomes a failing case. */
export function mergeJUnit(
  inputs: JUnitInput[],
  name = "auth0-mfa-harness",
): { xml: string; totals: JUnitTotals } {
  const suites = inputs.flatMap(suitesOf);
  const totals = countNodes(suites, { tests: 0, failures: 0, errors: 0, skipped: 0 });
  const root = element("testsuites", { name, ...totalsAttributes(totals) }, lines(suites));
  return { xml: `${HEADER}${builder.build([root])}\n`, totals };
}

/** Adds a suite of cases to a JUnit document's `<testsuites>` (a new document when it has none). */
export function addSuite(xml: string, suiteName: string, cases: JUnitCase[]): string {
  const testcases = cases.map((c) =>
    element(
      "testcase",
      { name: c.name, classname: c.classname, time: c.seconds.toFixed(3) },
      c.failure !== undefined
        ? [element("failure", { message: c.failure })]
        : c.skipped !== undefined
          ? [element("skipped", { message: c.skipped })]
          : [],
    ),
  );
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const skipped = cases.filter((c) => c.failure === undefined && c.skipped !== undefined).length;
  const suite = element(
    "testsuite",
    {
      name: suiteName,
      tests: String(cases.length),
      failures: String(failures),
      errors: "0",
      skipped: String(skipped),
    },
    lines(testcases),
  );
  // The parser is lenient: a document cut short or with stray markup still yields its suites.
  const doc = parse(xml);
  const root = doc.find((n) => nameOf(n) === "testsuites");
  if (!root) return `${HEADER}${builder.build([element("testsuites", {}, lines([suite]))])}\n`;
  childrenOf(root).push(suite, newline());
  const withoutDeclaration = doc.filter((n) => !Object.hasOwn(n, "?xml"));
  return `${HEADER}${builder.build(withoutDeclaration).trim()}\n`;
}
