/**
 * The flow file's format is written by clients/steps.ts (FlowRecorder, FLOW_FORMAT, FlowFile) and read
 * by report/clients.ts (parseClientFlow, CLIENT_FLOW_FORMAT), which may not import clients/. This ties
 * the two: each file the recorder writes reads back whole, every field kept, with the verdict the
 * report then shows.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { FLOW_FORMAT, type FlowFile, FlowRecorder, nodeRuntime } from "../clients/steps.ts";
import {
  CLIENT_FLOW_FORMAT,
  type ClientFlow,
  type ClientFlowStatus,
  clientFlowStatus,
  isProblem,
  parseClientFlow,
  readClientFlows,
  stoppedAt,
} from "../report/clients.ts";

const root = mkdtempSync(path.join(tmpdir(), "client-flow-format-"));
after(() => rmSync(root, { recursive: true, force: true }));

// Compile-time: the writer's file and the reader's flow have the same fields (the reader adds `file`,
// and keeps the format only to check it).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameFields: Same<Omit<FlowFile, "format">, Omit<ClientFlow, "file">> = true;

const PLAN = ["login", "refresh → mfa_required", "enroll SMS", "verify SMS code"];

// Rows: how the flow went, the verdict the report gives and where it says the flow stopped.
const rows: Array<{
  name: string;
  run: (flow: FlowRecorder) => Promise<void>;
  status: ClientFlowStatus;
  stopped?: { step: string; message: RegExp };
}> = [
  {
    name: "passed",
    run: async (flow) => {
      for (const name of PLAN) await flow.step(name, () => undefined);
      flow.finish();
    },
    status: "passed",
  },
  {
    name: "failed at a step, the rest not run",
    run: async (flow) => {
      await flow.step(PLAN[0] as string, () => undefined);
      await assert.rejects(
        flow.step(PLAN[1] as string, () => {
          throw new TypeError("no mfa_token in the SDK's error");
        }),
      );
      flow.finish();
    },
    status: "failed",
    stopped: { step: "refresh → mfa_required", message: /^TypeError: no mfa_token in the SDK's error$/ },
  },
  {
    name: "not run: started, never finished (the process was killed)",
    run: async (flow) => {
      flow.start();
    },
    status: "failed",
    stopped: { step: "login", message: /did not finish/ },
  },
  {
    name: "a child that exited early",
    run: async (flow) => {
      flow.ranInChild([{ line: JSON.stringify({ step: "login", ok: true }), at: Date.now() }]);
      flow.childExited({ code: 3, stderr: "Error: boom" }, "verify SMS code");
      flow.finish();
    },
    status: "failed",
    stopped: { step: "refresh → mfa_required", message: /exited with code 3 .*Error: boom$/ },
  },
  {
    name: "skipped here",
    run: async (flow) => {
      flow.skip("no Chromium (apt-get install -y chromium, or set CHROMIUM_PATH)");
    },
    status: "skipped",
  },
];

test("one format name on both sides", () => {
  assert.equal(FLOW_FORMAT, CLIENT_FLOW_FORMAT);
  assert.equal(sameFields, true);
});

for (const row of rows) {
  test(`written by FlowRecorder, read by the report: ${row.name}`, async () => {
    const dir = path.join(root, row.name.replace(/\W+/g, "-"));
    const flow = new FlowRecorder({
      id: "round-trip",
      sdk: "@auth0/auth0-spa-js",
      flow: "SMS",
      transport: "TLS (local CA)",
      runtime: nodeRuntime(),
      plan: PLAN,
      reportsDir: dir,
    });
    await row.run(flow);
    const text = readFileSync(flow.file, "utf8");
    const written = JSON.parse(text) as FlowFile;
    const read = parseClientFlow("clients/round-trip.json", text);
    assert.ok(!isProblem(read), isProblem(read) ? read.problem : "");
    const { format, ...fields } = written;
    assert.equal(format, CLIENT_FLOW_FORMAT);
    assert.deepEqual(
      read,
      { file: "clients/round-trip.json", ...fields },
      "every field read back as written",
    );
    assert.deepEqual(readClientFlows(dir), [read], "found where the report looks");
    assert.equal(clientFlowStatus(read), row.status);
    const stop = stoppedAt(read);
    if (!row.stopped) assert.equal(stop, undefined);
    else {
      assert.equal(stop?.step, row.stopped.step);
      assert.match(stop?.message ?? "", row.stopped.message);
    }
  });
}
