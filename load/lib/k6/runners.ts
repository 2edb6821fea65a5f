/**
 * A scenario's setup when the run is split over several k6 runners (execution segments), as
 * `npm run load --runners N` and the k6-operator run it: every runner runs `setup()`, so the runners
 * agree through the mock itself. The runner whose segment starts at 0 (the leader) resets the mock
 * once; the others wait for it, each enrols only its own users, and the scenario's limits come back
 * only when every runner is ready. The signals are SMS to reserved numbers, read from the mock's
 * outbox: reading it is a control call that no rate limit counts, so waiting spends no token of the
 * buckets the scenario measures.
 */
import { sleep } from "k6";
import exec from "k6/execution";
import http from "k6/http";
import { isLeader, ownUsers, type Segment, segmentOf, signalPhone } from "../segments.ts";
import { controlHeaders } from "./control.ts";

let cachedSegment: Segment | undefined;

/**
 * This runner's segment (k6's `exec.test.options`); the whole run when k6 was given none. Read once
 * per VU: the options do not change during a run, and every iteration asks.
 */
export function runnerSegment(): Segment {
  if (cachedSegment !== undefined) return cachedSegment;
  // The simulated runtime (load/sim) has no `exec.test`: one runner.
  const test = (exec as unknown as { test?: { options?: Record<string, unknown> } }).test;
  const options = test?.options ?? {};
  const text = (v: unknown) => (typeof v === "string" ? v : null);
  cachedSegment = segmentOf(text(options.executionSegment), text(options.executionSegmentSequence));
  return cachedSegment;
}

/** This iteration's position among this runner's own iterations (in the whole run with one runner). */
export function iterationIndex(segment: Segment = runnerSegment()): number {
  const scenario = exec.scenario as { iterationInTest: number; iterationInInstance?: number };
  return segment.count > 1
    ? (scenario.iterationInInstance ?? scenario.iterationInTest)
    : scenario.iterationInTest;
}

/** The steps of the mock's setup that `prepareMockShared` orders across the runners. */
export interface MockSetupSteps {
  /** Resets the mock (buckets full, clock at real time, no user). */
  reset(): void;
  /** Reads what every runner needs from the mock (its client credentials). */
  readConfig(): void;
  /** Sets the mock's rate-limit profile. */
  setProfile(profile: string): void;
  /** Enrols `count` users of this runner's own. */
  enrol(count: number): void;
  /** Sends one SMS to `phone` (a new user, associated with that number). */
  sendSms(phone: string): void;
}

/** Waits up to 5 minutes (in 50 ms steps) for `ready`; throws, naming what it waited for. */
function waitFor(what: string, ready: () => boolean, timeoutSeconds = 300): void {
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutSeconds} s for ${what}`);
    sleep(0.05);
  }
}

/** True once the mock's outbox holds a message to `phone`. */
function hasMessage(baseUrl: string, phone: string): boolean {
  const res = http.get(`${baseUrl}/__mock/outbox?recipient=${encodeURIComponent(phone)}`, {
    headers: controlHeaders(),
    tags: { name: "mock-control" },
  });
  if (res.status !== 200 || typeof res.body !== "string") return false;
  const list = JSON.parse(res.body) as unknown;
  return Array.isArray(list) && list.length > 0;
}

/** The mock's current profile (GET /__mock/config). */
function currentProfile(baseUrl: string): string | undefined {
  const res = http.get(`${baseUrl}/__mock/config`, {
    headers: controlHeaders(),
    tags: { name: "mock-control" },
  });
  if (res.status !== 200 || typeof res.body !== "string") return undefined;
  return (JSON.parse(res.body) as { profile?: string }).profile;
}

/**
 * The mock's setup, right on one runner and on many: with one runner, reset, limits off, enrol,
 * limits on. With several, the leader resets and turns the limits off, then says so (signal 0); each
 * other runner waits for that, enrols its users and says so (signal k); the leader puts the scenario's
 * profile back once it has every signal, and the others start when they see that profile. Returns how
 * many users this runner enrolled. LOAD_RUN_ID (unique per run) keeps one run's signals from another's.
 */
export function prepareMockShared(
  baseUrl: string,
  profile: string,
  planned: number,
  steps: MockSetupSteps,
  segment: Segment = runnerSegment(),
): number {
  const users = ownUsers(planned, segment);
  const shared = segment.count > 1;
  const runId = __ENV.LOAD_RUN_ID;
  if (shared && !runId) {
    throw new Error(
      "several runners share the mock: set LOAD_RUN_ID to a value unique to this run (npm run load --runners sets one)",
    );
  }
  const signal = (slot: number) => signalPhone(runId ?? "", slot);
  if (isLeader(segment)) {
    steps.reset();
    steps.readConfig();
    steps.setProfile("off");
    if (shared) steps.sendSms(signal(0));
    steps.enrol(users);
    for (let k = 1; k < segment.count; k++) {
      waitFor(`runner ${k + 1} of ${segment.count} to enrol its users`, () => hasMessage(baseUrl, signal(k)));
    }
    steps.setProfile(profile);
  } else {
    waitFor("the first runner to reset the mock", () => hasMessage(baseUrl, signal(0)));
    steps.readConfig();
    steps.enrol(users);
    steps.sendSms(signal(segment.index));
    waitFor(
      `the ${profile} profile (set by the first runner once all are ready)`,
      () => currentProfile(baseUrl) === profile,
    );
  }
  return users;
}
