/**
 * Every manifest in load/k8s/ is a valid k6-operator `TestRun`: checked against the `openAPIV3Schema`
 * of the operator's CRD (K6_OPERATOR_CRD, default the shared reference copy beside the project), with
 * unknown fields as errors, since Kubernetes would drop them silently and the run would go without
 * them. Skipped, with the reason, only where the CRD file is absent.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { parse, parseAllDocuments } from "yaml";

const root = path.resolve(import.meta.dirname, "..", "..");
/** Where the CRD is, as the user would write it: K6_OPERATOR_CRD, or the default relative to the root. */
const crdSetting =
  process.env.K6_OPERATOR_CRD?.trim() ||
  path.join("..", "shared", "reference", "k6-operator", "k6.io_testruns.yaml");
const crdPath = path.resolve(root, crdSetting);
const skip = existsSync(crdPath)
  ? false
  : `the k6-operator CRD is not at ${crdSetting} (K6_OPERATOR_CRD names k6.io_testruns.yaml)`;

type Schema = { [key: string]: unknown };

const isSchema = (value: unknown): value is Schema =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A copy of a structural schema in which every object that lists its properties, and neither maps
 * (additionalProperties) nor keeps unknown fields (x-kubernetes-preserve-unknown-fields), refuses
 * any other field: what the API server prunes becomes an error here.
 */
function closed(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties" && isSchema(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, isSchema(sub) ? closed(sub) : sub]),
      );
    } else if (Array.isArray(value)) {
      out[key] = value.map((v) => (isSchema(v) ? closed(v) : v));
    } else {
      out[key] = isSchema(value) ? closed(value) : value;
    }
  }
  const keepsUnknown = schema["x-kubernetes-preserve-unknown-fields"] === true;
  if (isSchema(schema.properties) && !keepsUnknown && !("additionalProperties" in schema)) {
    out.additionalProperties = false;
  }
  return out;
}

/** The TestRun's schema (version v1alpha1) from the CRD file. */
function testRunSchema(file: string): Schema {
  const crd = parse(readFileSync(file, "utf8")) as {
    spec?: {
      names?: { kind?: string };
      versions?: Array<{ name?: string; schema?: { openAPIV3Schema?: Schema } }>;
    };
  };
  assert.equal(crd.spec?.names?.kind, "TestRun", `${file} defines the TestRun kind`);
  const version = crd.spec?.versions?.find((v) => v.name === "v1alpha1");
  const schema = version?.schema?.openAPIV3Schema;
  assert.ok(schema, `${file} has an openAPIV3Schema for v1alpha1`);
  return schema;
}

/** Ajv with the Kubernetes vocabulary: the x-kubernetes-* markers are annotations to it. */
function kubernetesAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false });
  // Kubernetes checks these formats on integers; anything else is a string shape Ajv need not know.
  ajv.addFormat("int32", {
    type: "number",
    validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
  });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat("date-time", (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv;
}

/** One line per error: where in the manifest, what is wrong. */
function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => {
      const extra = e.keyword === "additionalProperties" ? ` (${String(e.params.additionalProperty)})` : "";
      return `${e.instancePath || "/"} ${e.message ?? e.keyword}${extra}`;
    })
    .join("\n");
}

let compiled: ValidateFunction | undefined;
/** The closed TestRun schema, compiled once (it is large: the whole pod spec of runner and starter). */
function testRunValidator(): ValidateFunction {
  compiled ??= kubernetesAjv().compile(closed(testRunSchema(crdPath)));
  return compiled;
}

const manifests = readdirSync(import.meta.dirname)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

describe("load/k8s manifests against the k6-operator TestRun CRD", { skip }, () => {
  test("there is a manifest to check", () => {
    assert.ok(manifests.length > 0);
  });

  for (const file of manifests) {
    test(`${file} is a valid TestRun with no field Kubernetes would drop`, () => {
      const validate = testRunValidator();
      const docs = parseAllDocuments(readFileSync(path.join(import.meta.dirname, file), "utf8"));
      assert.ok(docs.length > 0, `${file} holds a document`);
      for (const doc of docs) {
        assert.deepEqual(doc.errors, [], `${file} is valid YAML`);
        const manifest = doc.toJS() as { apiVersion?: string; kind?: string };
        assert.equal(manifest.apiVersion, "k6.io/v1alpha1");
        assert.equal(manifest.kind, "TestRun");
        assert.ok(validate(manifest), `${file}:\n${describeErrors(validate.errors)}`);
      }
    });
  }

  test("the check refuses a field the CRD does not define", () => {
    const validate = testRunValidator();
    const manifest = {
      apiVersion: "k6.io/v1alpha1",
      kind: "TestRun",
      metadata: { name: "x" },
      spec: { parallelism: 1, script: { configMap: { name: "a", file: "a.js" } }, runner: { imagee: "k6" } },
    };
    assert.equal(validate(manifest), false);
    assert.match(
      describeErrors(validate.errors),
      /\/spec\/runner must NOT have additional properties \(imagee\)/,
    );
  });
});
