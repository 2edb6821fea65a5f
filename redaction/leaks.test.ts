import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { gzipSync } from "node:zlib";
import { strToU8, zipSync } from "fflate";
import { checkLeaks, scanForLeaks } from "./leaks.ts";
import { publicFiles } from "./public-files.ts";
import type { SecretEntry } from "./secrets.ts";

const root = mkdtempSync(path.join(tmpdir(), "leaks-"));
after(() => rmSync(root, { recursive: true, force: true }));

const SECRETS: SecretEntry[] = [
  { kind: "client_secret", value: "cs_Zq8LmW2xVb7TnR4pK9sD3fGh" },
  { kind: "otp", value: "482913" },
  { kind: "phone", value: "+14155550123" },
  { kind: "mfa_token", value: "tok/with+odd=chars" },
];

/** Builds a zip archive (deflated entries) the way Playwright writes traces. */
function zip(files: Record<string, string>): Buffer {
  return Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([n, c]) => [n, strToU8(c)]))));
}

/** Writes files into a fresh folder and scans it. */
function scan(name: string, files: Record<string, string | Buffer>) {
  const dir = path.join(root, name);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return scanForLeaks(dir, SECRETS);
}

test("finds each planted leak, wherever it hides, and names file and kind only", () => {
  const rows: Array<{ name: string; files: Record<string, string | Buffer>; hits: string[] }> = [
    { name: "clean", files: { "index.html": "<p>•••[26] +•••••••0123 code 1482913</p>" }, hits: [] },
    {
      name: "inside decimals",
      files: { "unit.xml": '<testcase time="0.482913"/> 1,482913 482913.5' },
      hits: [],
    },
    {
      name: "code at the end of a sentence",
      files: { "log.txt": "the code was 482913." },
      hits: ["log.txt otp"],
    },
    {
      name: "raw",
      files: { "a/b.json": `{"x":"cs_Zq8LmW2xVb7TnR4pK9sD3fGh"}` },
      hits: ["a/b.json client_secret"],
    },
    { name: "code", files: { "junit.xml": "<failure>got 482913</failure>" }, hits: ["junit.xml otp"] },
    { name: "phone digits", files: { "log.txt": "to=14155550123" }, hits: ["log.txt phone"] },
    {
      name: "url encoded",
      files: { "t.txt": "mfa_token=tok%2Fwith%2Bodd%3Dchars" },
      hits: ["t.txt mfa_token"],
    },
    { name: "gzip", files: { "x.gz": gzipSync("+14155550123") }, hits: ["x.gz!gunzip phone"] },
    {
      name: "trace zip",
      files: { "data/trace.zip": zip({ "resources/abc.json": '{"otp":"482913"}' }) },
      hits: ["data/trace.zip!resources/abc.json otp"],
    },
    {
      name: "base64 zip in html",
      files: {
        "html/index.html": `<script>data:application/zip;base64,${zip({ "report.json": "cs_Zq8LmW2xVb7TnR4pK9sD3fGh" }).toString("base64")}</script>`,
      },
      hits: ["html/index.html!base64@36!report.json client_secret"],
    },
    {
      name: "dot-files are scanned too, a registry copied into reports/ included",
      files: { ".secrets.jsonl": '{"value":"482913"}', "a/.cache/x": "+14155550123" },
      hits: [".secrets.jsonl otp", "a/.cache/x phone"],
    },
  ];
  for (const row of rows) {
    const result = scan(row.name, row.files);
    assert.deepEqual(
      result.hits.map((h) => `${h.file} ${h.kind}`),
      row.hits,
      row.name,
    );
    for (const h of result.hits) {
      assert.ok(!SECRETS.some((s) => h.masked.includes(s.value)), `${row.name}: hit shows the value`);
    }
  }
});

test("counts files and secrets", () => {
  const result = scan("count", { "a.txt": "x", "b/c.txt": "y" });
  assert.deepEqual([result.files, result.secrets, result.hits.length], [2, SECRETS.length, 0]);
});

test("a code that equals a number in Playwright's report template is public; a real leak beside it is not", () => {
  const publics = publicFiles();
  const template = publics.find((f) => f.endsWith("report.css"));
  assert.ok(template, "Playwright's report template is installed");
  const css = readFileSync(template, "utf8");
  const colour = css.match(/#(\d{6})\b/)?.[1];
  assert.ok(colour, "the template has an all-digit colour to collide with");
  // A code in no public file, as a run's codes are: one written in the source would be public too.
  const everything = publics.map((f) => readFileSync(f, "utf8")).join("\n");
  let code = "";
  do code = String(randomInt(100000, 1000000));
  while (everything.includes(code));
  const dir = path.join(root, "template");
  mkdirSync(dir);
  writeFileSync(path.join(dir, "index.html"), `<style>${css}</style><p>code ${code}</p>`);
  const secrets: SecretEntry[] = [
    { kind: "binding_code", value: colour },
    { kind: "binding_code", value: code },
  ];
  assert.equal(checkLeaks(dir, secrets, []).hits.length, 2, "without public files, the colour is a hit too");
  const result = checkLeaks(dir, secrets, publics);
  assert.deepEqual([result.hits.length, result.committed], [1, 1]);
  assert.match(result.hits[0]?.context ?? "", /code •••/);
});

test("finds email addresses (any case, URL-encoded) and OTP secrets, and masks them in the hit", () => {
  const secrets: SecretEntry[] = [
    { kind: "email", value: "Ada.Lovelace@Example.com" },
    { kind: "otp_secret", value: "HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF" },
  ];
  const rows: Array<{ name: string; text: string; hits: string[] }> = [
    { name: "masked", text: "to A•••••••••••@•••••••.com, secret •••[32]", hits: [] },
    { name: "raw email", text: "sent to Ada.Lovelace@Example.com", hits: ["email"] },
    { name: "lower-case email", text: '{"recipient":"ada.lovelace@example.com"}', hits: ["email"] },
    {
      name: "barcode",
      text: "otpauth://totp/t:ada.lovelace%40example.com?secret=HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF&issuer=t",
      hits: ["email", "otp_secret"],
    },
  ];
  for (const row of rows) {
    const dir = path.join(root, `factors-${row.name.replace(/\W/g, "-")}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "out.txt"), row.text);
    const result = scanForLeaks(dir, secrets);
    assert.deepEqual(
      result.hits.map((h) => h.kind),
      row.hits,
      row.name,
    );
    for (const h of result.hits) {
      assert.ok(!h.masked.toLowerCase().includes("lovelace"), `${row.name}: ${h.masked}`);
      assert.ok(!h.context.toLowerCase().includes("lovelace"), `${row.name}: ${h.context}`);
      assert.ok(!h.context.includes("HJ6XM2DNERX"), `${row.name}: ${h.context}`);
    }
  }
});
