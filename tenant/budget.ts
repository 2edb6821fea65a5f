/**
 * The message cap of a tenant run: every SMS or voice message a test causes counts, and a run whose
 * selected tests could cause more than TENANT_SMS_BUDGET refuses to start before sending anything.
 *
 * A test declares its messages with the `@sends-sms` tag (counted as DEFAULT_MESSAGES_PER_TEST:
 * an enrollment and a challenge) or exactly with the annotation `{ type: "messages", description: "3" }`.
 */

export interface PlannedTest {
  title: string;
  tags: readonly string[];
  annotations?: readonly { type: string; description?: string }[];
}

export interface BudgetPlan {
  planned: number;
  budget: number;
  ok: boolean;
  /** Tests that send messages, with their count, most expensive first. */
  senders: { title: string; messages: number }[];
  /** One paragraph a person can act on. */
  summary: string;
}

/** An enrollment and one challenge: what a typical `@sends-sms` test costs. */
export const DEFAULT_MESSAGES_PER_TEST = 2;

/** The messages one test may cause: its `messages` annotation, else the default for `@sends-sms`, else 0. */
export function messagesFor(test: PlannedTest): number {
  const annotated = test.annotations?.find((a) => a.type === "messages")?.description;
  if (annotated !== undefined) {
    if (!/^\d+$/.test(annotated.trim()))
      throw new Error(`test "${test.title}": annotation messages=${annotated} is not a whole number`);
    return Number(annotated);
  }
  return test.tags.includes("@sends-sms") ? DEFAULT_MESSAGES_PER_TEST : 0;
}

/**
 * Plans the messages of the selected tests against the budget. Without a sink the `@sends-sms`
 * tests are skipped, so they cost nothing.
 */
export function planMessages(
  tests: readonly PlannedTest[],
  budget: number,
  opts: { sink: boolean },
): BudgetPlan {
  const senders = opts.sink
    ? tests
        .map((t) => ({ title: t.title, messages: messagesFor(t) }))
        .filter((t) => t.messages > 0)
        .sort((a, b) => b.messages - a.messages || a.title.localeCompare(b.title))
    : [];
  const planned = senders.reduce((n, t) => n + t.messages, 0);
  const ok = planned <= budget;
  const summary = !opts.sink
    ? `no code sink configured (SINK_URL): @sends-sms tests will be skipped; 0 of ${budget} messages planned`
    : ok
      ? `${planned} of ${budget} messages planned (TENANT_SMS_BUDGET) by ${senders.length} tests`
      : `refusing to start: the selected tests would send ${planned} messages, more than TENANT_SMS_BUDGET=${budget}. ` +
        `Select fewer @sends-sms tests (--grep / --grep-invert) or raise the budget. Most expensive: ${senders
          .slice(0, 5)
          .map((t) => `${t.title} (${t.messages})`)
          .join(", ")}`;
  return { planned, budget, ok, senders, summary };
}

interface JsonSuite {
  title?: string;
  specs?: {
    title: string;
    tags?: string[];
    tests?: { projectName?: string; annotations?: { type: string; description?: string }[] }[];
  }[];
  suites?: JsonSuite[];
}

/** The tests of one project in the output of `playwright test --list --reporter=json`. */
export function testsFromPlaywrightJson(report: unknown, project: string): PlannedTest[] {
  const out: PlannedTest[] = [];
  const walk = (suite: JsonSuite, path: string[]) => {
    const here = suite.title ? [...path, suite.title] : path;
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.projectName !== project) continue;
        // The JSON reporter drops the "@" that testInfo.tags keeps; put it back so both read alike.
        const tags = (spec.tags ?? []).map((tag) => (tag.startsWith("@") ? tag : `@${tag}`));
        out.push({ title: [...here, spec.title].join(" › "), tags, annotations: t.annotations ?? [] });
      }
    }
    for (const child of suite.suites ?? []) walk(child, here);
  };
  for (const suite of (report as { suites?: JsonSuite[] }).suites ?? []) walk(suite, []);
  return out;
}
