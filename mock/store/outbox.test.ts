import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Clock } from "./clock.ts";
import { Outbox, type OutboxMessage } from "./outbox.ts";

const T0 = Date.parse("2030-01-01T00:00:00.000Z");
const A = "+15550000001";
const B = "+15550000002";

function message(recipient: string, code: string): Omit<OutboxMessage, "id" | "created_at"> {
  return { recipient, code, text: `Your code is ${code}`, action: "enrollment", message_type: "sms" };
}

/** Even codes go to A, odd ones to B. */
function recipientOf(code: string): string {
  return Number(code) % 2 === 0 ? A : B;
}

/** Outbox with messages a1 (t0), b1 (t0+1s), a2 (t0+2s), a3 (t0+2s). */
function filled() {
  const clock = new Clock({ frozenAt: T0 });
  const outbox = new Outbox(clock);
  const a1 = outbox.push(message(A, "000001"));
  clock.advance(1000);
  const b1 = outbox.push(message(B, "000002"));
  clock.advance(1000);
  const a2 = outbox.push(message(A, "000003"));
  const a3 = outbox.push(message(A, "000004"));
  return { clock, outbox, a1, b1, a2, a3 };
}

describe("Outbox", () => {
  it("push answers the stored message with id and created_at from the clock", () => {
    const { a1, b1 } = filled();
    assert.match(a1.id, /^msg_\d{12}[A-Za-z0-9]{8}$/);
    assert.notEqual(a1.id, b1.id);
    assert.equal(a1.created_at, "2030-01-01T00:00:00.000Z");
    assert.equal(b1.created_at, "2030-01-01T00:00:01.000Z");
    assert.deepEqual(Object.keys(a1).sort(), [
      "action",
      "code",
      "created_at",
      "id",
      "message_type",
      "recipient",
      "text",
    ]);
  });

  const rows: Array<{ name: string; query: (m: ReturnType<typeof filled>) => object; expect: string[] }> = [
    { name: "no filter: all, oldest first", query: () => ({}), expect: ["a1", "b1", "a2", "a3"] },
    { name: "by recipient", query: () => ({ recipient: A }), expect: ["a1", "a2", "a3"] },
    { name: "unknown recipient", query: () => ({ recipient: "+15559999999" }), expect: [] },
    { name: "after an id (exclusive)", query: (m) => ({ after: m.b1.id }), expect: ["a2", "a3"] },
    {
      name: "after an id and recipient",
      query: (m) => ({ after: m.a1.id, recipient: A }),
      expect: ["a2", "a3"],
    },
    { name: "after the last id", query: (m) => ({ after: m.a3.id }), expect: [] },
    {
      name: "after an ISO time (inclusive)",
      query: () => ({ after: "2030-01-01T00:00:01.000Z" }),
      expect: ["b1", "a2", "a3"],
    },
    {
      name: "after a time between messages",
      query: () => ({ after: "2030-01-01T00:00:01.001Z" }),
      expect: ["a2", "a3"],
    },
    {
      name: "after a time with offset",
      query: () => ({ after: "2030-01-01T01:00:01+01:00" }),
      expect: ["b1", "a2", "a3"],
    },
    { name: "after a future time", query: () => ({ after: "2031-01-01T00:00:00Z" }), expect: [] },
    { name: "empty after = no filter", query: () => ({ after: "" }), expect: ["a1", "b1", "a2", "a3"] },
  ];
  for (const row of rows) {
    it(`list: ${row.name}`, () => {
      const m = filled();
      const names = new Map([m.a1, m.b1, m.a2, m.a3].map((x, i) => [x.id, ["a1", "b1", "a2", "a3"][i]]));
      assert.deepEqual(
        m.outbox.list(row.query(m)).map((x) => names.get(x.id)),
        row.expect,
      );
    });
  }

  for (const after of ["yesterday", "msg_123", "12345", "2030-13-45T00:00:00Z"]) {
    it(`list rejects after=${JSON.stringify(after)} with RangeError`, () => {
      assert.throws(() => filled().outbox.list({ after }), RangeError);
    });
  }

  it("drops the oldest beyond max, and after=<dropped id> still means 'newer than it'", () => {
    const outbox = new Outbox(new Clock({ frozenAt: T0 }), { max: 3 });
    const sent = Array.from({ length: 5 }, (_, i) => outbox.push(message(A, String(i).padStart(6, "0"))));
    assert.equal(outbox.size(), 3);
    assert.deepEqual(
      outbox.list().map((x) => x.code),
      ["000002", "000003", "000004"],
    );
    assert.deepEqual(
      outbox.list({ after: sent[0]?.id }).map((x) => x.code),
      ["000002", "000003", "000004"],
    );
    assert.deepEqual(
      outbox.list({ after: sent[2]?.id }).map((x) => x.code),
      ["000003", "000004"],
    );
  });

  it("keeps the newest max messages oldest first however often it wraps, and after a clear", () => {
    const outbox = new Outbox(new Clock({ frozenAt: T0 }), { max: 3 });
    const codes = (n: number) => Array.from({ length: n }, (_, i) => String(i).padStart(6, "0"));
    const sent = codes(11).map((c) => outbox.push(message(recipientOf(c), c)));
    assert.deepEqual(
      outbox.list().map((x) => x.code),
      ["000008", "000009", "000010"],
    );
    assert.deepEqual(
      outbox.list({ recipient: A }).map((x) => x.code),
      ["000008", "000010"],
    );
    assert.deepEqual(
      outbox.list({ after: sent[8]?.id }).map((x) => x.code),
      ["000009", "000010"],
    );
    outbox.clear();
    outbox.push(message(A, "100000"));
    outbox.push(message(A, "100001"));
    assert.deepEqual(
      outbox.list().map((x) => x.code),
      ["100000", "100001"],
    );
  });

  it("pushRendered stores a message whose text is made from its code and tenant when read", () => {
    const clock = new Clock({ frozenAt: T0 });
    const outbox = new Outbox(clock);
    const render = (type: string, action: string, code: string, tenant: string) =>
      `${type} ${action} ${code} for ${tenant}`;
    const first = outbox.push(message(A, "000001"));
    clock.advance(1500);
    outbox.pushRendered(B, "123456", "second-factor-authentication", "voice", render, "t.example.com");
    const [sent] = outbox.list({ after: first.id });
    assert.deepEqual(
      { ...sent, id: undefined },
      {
        id: undefined,
        recipient: B,
        code: "123456",
        text: "voice second-factor-authentication 123456 for t.example.com",
        action: "second-factor-authentication",
        message_type: "voice",
        created_at: "2030-01-01T00:00:01.500Z",
      },
    );
    assert.match(String(sent?.id), /^msg_000000000002[A-Za-z0-9]{8}$/);
    // Reading twice answers the same message.
    assert.deepEqual(outbox.list({ recipient: B }), [sent]);
    assert.deepEqual(
      outbox.list({ after: "2030-01-01T00:00:01.500Z" }).map((m) => m.code),
      ["123456"],
    );
  });

  it("clear empties it and later ids stay after earlier ones", () => {
    const { outbox, a3 } = filled();
    outbox.clear();
    assert.deepEqual(outbox.list(), []);
    const next = outbox.push(message(A, "111111"));
    assert.deepEqual(outbox.list({ after: a3.id }), [next]);
  });

  for (const max of [0, -1, 1.5]) {
    it(`rejects max=${max}`, () => {
      assert.throws(() => new Outbox(new Clock(), { max }), RangeError);
    });
  }
});
