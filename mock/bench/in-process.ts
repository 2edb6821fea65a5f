/**
 * The mock's own cost of one answer, without HTTP: CPU time of `app.handle()` for the throughput
 * bench's challenge request, in this process. It moves less with the machine's other load than
 * requests per second do, so it is the figure to compare two versions of the code by (alternating
 * them on the same machine).
 */
import { GRANT } from "../../openapi/grant-types.ts";
import { createMockApp } from "../app.ts";

/** Median and lowest CPU µs of one `handle()` over `rounds` rounds of `perRound` challenges. */
export function benchChallengeHandle(opts: { rounds?: number; perRound?: number } = {}): {
  median: number;
  min: number;
  calls: number;
} {
  const rounds = opts.rounds ?? 7;
  const perRound = opts.perRound ?? 50_000;
  const app = createMockApp({ profile: "off", users: 1, signingThreads: 0 });
  const { clientId, clientSecret } = app.config();
  const client = { client_id: clientId, client_secret: clientSecret };
  const send = (url: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = app.handle({
      method: "POST",
      url,
      headers: { "content-type": "application/json", ...headers },
      body: Buffer.from(JSON.stringify(body)),
    });
    return { status: res.status, json: (res.body ? JSON.parse(res.body) : {}) as Record<string, string> };
  };
  const user = send("/__mock/users", {}).json;
  const mfaToken = send("/oauth/token", {
    ...client,
    grant_type: GRANT.password,
    username: user.username,
    password: user.password,
  }).json.mfa_token;
  const phone = "+15550009999";
  const enrolled = send(
    "/mfa/associate",
    { authenticator_types: ["oob"], oob_channels: ["sms"], phone_number: phone },
    { authorization: `Bearer ${mfaToken}` },
  ).json;
  send("/oauth/token", {
    ...client,
    grant_type: GRANT.mfaOob,
    mfa_token: mfaToken,
    oob_code: enrolled.oob_code,
    binding_code: app.outbox.list({ recipient: phone })[0]?.code,
  });
  const body = Buffer.from(JSON.stringify({ ...client, mfa_token: mfaToken, challenge_type: "oob" }));
  const request = {
    method: "POST",
    url: "/mfa/challenge",
    headers: { "content-type": "application/json", "content-length": String(body.length), host: "127.0.0.1" },
    body,
  };
  if (app.handle(request).status !== 200)
    throw new Error("in-process bench: the challenge fixture was refused");
  const perCall: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < perRound; i++) app.handle(request);
    const used = process.cpuUsage(start);
    perCall.push((used.user + used.system) / perRound);
  }
  perCall.sort((a, b) => a - b);
  const round2 = (x: number) => Math.round(x * 100) / 100;
  return {
    median: round2(perCall[Math.floor(rounds / 2)] ?? 0),
    min: round2(perCall[0] ?? 0),
    calls: rounds * perRound,
  };
}
