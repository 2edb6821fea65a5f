import assert from "node:assert/strict";
import { test } from "node:test";
import { readTenantEnv, TargetConfigError } from "./target.ts";

const complete = {
  AUTH0_DOMAIN: "dev-abc.eu.auth0.com",
  AUTH0_CLIENT_ID: "client",
  AUTH0_CLIENT_SECRET: "secret",
  AUTH0_CONNECTION: "Username-Password-Authentication",
};

test("a complete environment gives the tenant's https base URL", () => {
  const env = readTenantEnv(complete);
  assert.equal(env.baseURL, "https://dev-abc.eu.auth0.com");
  assert.equal(env.audience, undefined);
});

test("a full URL is accepted as the domain (the tenant path against a local stand-in)", () => {
  assert.equal(
    readTenantEnv({ ...complete, AUTH0_DOMAIN: "http://127.0.0.1:4010" }).baseURL,
    "http://127.0.0.1:4010",
  );
});

for (const name of Object.keys(complete)) {
  test(`a missing ${name} is named`, () => {
    const env: Record<string, string> = { ...complete, [name]: " " };
    assert.throws(
      () => readTenantEnv(env),
      (e: unknown) => e instanceof TargetConfigError && e.message.includes(`${name} is not set`),
    );
  });
}

test("every missing variable is named at once", () => {
  assert.throws(
    () => readTenantEnv({}),
    (e: unknown) => e instanceof Error && Object.keys(complete).every((n) => e.message.includes(n)),
  );
});

test("a domain with a path is malformed, and says so", () => {
  assert.throws(
    () => readTenantEnv({ ...complete, AUTH0_DOMAIN: "dev.auth0.com/oauth" }),
    /AUTH0_DOMAIN is malformed/,
  );
});
