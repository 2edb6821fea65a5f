import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Harness, json, phone } from "../testing.ts";
import { TokenSigner } from "./jwt.ts";
import { SigningPool } from "./signing-pool.ts";

const NOW = 1_700_000_000_000;
const signer = new TokenSigner({ issuer: "https://tenant.example.com/" });

/** Claims shaped like the mock's access and ID tokens, varied so no two inputs are alike. */
function claims(i: number): Record<string, unknown> {
  return i % 2 === 0
    ? {
        sub: `auth0|${i}`,
        aud: ["api", "https://tenant.example.com/userinfo"],
        scope: "openid",
        amr: ["mfa"],
      }
    : {
        sub: `auth0|${i}`,
        aud: "client",
        name: `User ${i}`,
        email: `u${i}@example.com`,
        email_verified: true,
      };
}

/** The token a pool makes for these claims: the signer's input and the pool's signature. */
async function pooled(pool: SigningPool, i: number): Promise<string> {
  const input = signer.signingInput(claims(i), 600, NOW + i);
  const [sig] = await pool.sign([input]);
  return `${input}.${sig}`;
}

describe("SigningPool", () => {
  const pool = new SigningPool(2);
  after(() => pool.close());

  it("makes byte for byte the tokens the main-thread signer makes for the same claims and key", async () => {
    const tokens = await Promise.all(Array.from({ length: 40 }, (_, i) => pooled(pool, i)));
    for (const [i, token] of tokens.entries()) assert.equal(token, signer.sign(claims(i), 600, NOW + i));
  });

  it("answers several inputs of one job in order", async () => {
    const inputs = [0, 1, 2].map((i) => signer.signingInput(claims(i), 60, NOW));
    const signatures = await pool.sign(inputs);
    assert.deepEqual(
      inputs.map((input, i) => `${input}.${signatures[i]}`),
      [0, 1, 2].map((i) => signer.sign(claims(i), 60, NOW)),
    );
  });

  it("a thread that dies mid-work: its jobs are signed on the main thread, and a new thread takes over", async () => {
    const crashing = new SigningPool(1);
    try {
      await pooled(crashing, 0); // the thread is up
      const owed = Array.from({ length: 20 }, (_, i) => pooled(crashing, i));
      await crashing.kill(0);
      const tokens = await Promise.all(owed);
      for (const [i, token] of tokens.entries()) assert.equal(token, signer.sign(claims(i), 600, NOW + i));
      assert.equal(crashing.restarts, 1);
      assert.equal(await pooled(crashing, 7), signer.sign(claims(7), 600, NOW + 7), "the new thread signs");
      assert.equal(crashing.restarts, 1, "and stays up");
    } finally {
      await crashing.close();
    }
  });

  it("signs on the main thread once closed", async () => {
    const closed = new SigningPool(1);
    await closed.close();
    assert.equal(await pooled(closed, 3), signer.sign(claims(3), 600, NOW + 3));
  });

  it("does not keep the process alive: a process that signs and never closes its pool exits", () => {
    const module = fileURLToPath(new URL("./signing-pool.ts", import.meta.url));
    const script = `const { SigningPool } = await import(${JSON.stringify(module)});
      const pool = new SigningPool(2);
      console.log((await Promise.all([pool.sign(["a.b"]), pool.sign(["c.d"])])).length);`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 20_000,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), "2");
  });
});

describe("the app with a signing pool", () => {
  it("answers the same token as the main-thread signer for the claims it signed", async () => {
    const h = new Harness();
    const pool = new SigningPool(2);
    h.app.runtime.signingPool = pool;
    try {
      const user = await h.user();
      const mfaToken = await h.mfaToken(user);
      const number = phone();
      const enroll = json(await h.associatePhone(mfaToken, "sms", number));
      const res = await h.oob(mfaToken, String(enroll.oob_code), h.lastCode(number).code);
      assert.equal(res.status, 200, res.body);
      const body = json(res);
      for (const field of ["access_token", "id_token"]) {
        const token = String(body[field]);
        const [, payload] = token.split(".");
        const { iss, iat, exp, ...rest } = JSON.parse(Buffer.from(payload ?? "", "base64url").toString());
        assert.equal(iss, h.app.config().issuer);
        assert.equal(token, h.app.runtime.signer.sign(rest, exp - iat, iat * 1000), field);
      }
    } finally {
      await pool.close();
    }
  });
});
