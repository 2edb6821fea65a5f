/**
 * Every manifest in load/k8s/ is valid offline: a k6-operator `TestRun` against the `openAPIV3Schema`
 * of the operator's CRD (K6_OPERATOR_CRD, default the shared reference copy beside the project), with
 * unknown fields as errors, since Kubernetes would drop them silently and the run would go without
 * them (skipped, with the reason, only where the CRD file is absent); the merge Job and the results
 * volume claim against Kubernetes' own schemas (kubernetes-models), always.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { Job } from "kubernetes-models/batch/v1/Job";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
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

interface Manifest {
  apiVersion?: string;
  kind?: string;
}

/** Every document of every manifest in load/k8s/, with its file. */
function documents(): Array<{ file: string; manifest: Manifest }> {
  return manifests.flatMap((file) => {
    const docs = parseAllDocuments(readFileSync(path.join(import.meta.dirname, file), "utf8"));
    assert.ok(docs.length > 0, `${file} holds a document`);
    return docs.map((doc) => {
      assert.deepEqual(doc.errors, [], `${file} is valid YAML`);
      return { file, manifest: doc.toJS() as Manifest };
    });
  });
}

/**
 * Kubernetes' own kinds, checked with the kubernetes-models package (the API's OpenAPI schemas
 * compiled: types, formats, required fields). Unlike the CRD check, it does not refuse an unknown
 * field: the package's schemas allow them.
 */
const builtins: Record<string, { apiVersion: string; validate: (m: Manifest) => void }> = {
  Job: { apiVersion: "batch/v1", validate: (m) => new Job(m as never).validate() },
  PersistentVolumeClaim: {
    apiVersion: "v1",
    validate: (m) => new PersistentVolumeClaim(m as never).validate(),
  },
};

describe("load/k8s manifests against the k6-operator TestRun CRD", { skip }, () => {
  test("there is a TestRun to check", () => {
    assert.ok(documents().some((d) => d.manifest.kind === "TestRun"));
  });

  for (const file of manifests) {
    test(`${file}: every TestRun in it is valid, with no field Kubernetes would drop`, () => {
      const validate = testRunValidator();
      for (const { manifest } of documents().filter(
        (d) => d.file === file && d.manifest.kind === "TestRun",
      )) {
        assert.equal(manifest.apiVersion, "k6.io/v1alpha1");
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

describe("load/k8s manifests of Kubernetes' own kinds (the merge Job and the results volume)", () => {
  test("every document is a TestRun or a kind checked here", () => {
    for (const { file, manifest } of documents()) {
      const kind = manifest.kind ?? "";
      assert.ok(
        kind === "TestRun" || kind in builtins,
        `${file}: ${kind || "no kind"} is checked by nothing`,
      );
    }
  });

  for (const [kind, check] of Object.entries(builtins)) {
    test(`every ${kind} is valid against Kubernetes' schema`, () => {
      const found = documents().filter((d) => d.manifest.kind === kind);
      assert.ok(found.length > 0, `load/k8s holds a ${kind}`);
      for (const { file, manifest } of found) {
        assert.equal(manifest.apiVersion, check.apiVersion, file);
        assert.doesNotThrow(() => check.validate(manifest), `${file}`);
      }
    });
  }

  test("the check refuses a malformed Job and claim", () => {
    // Wrong types and missing required fields, as the API server would refuse them.
    const rows: Array<[string, Manifest & Record<string, unknown>]> = [
      ["Job", { apiVersion: "batch/v1", kind: "Job", metadata: { name: "x" }, spec: {} }],
      [
        "Job",
        {
          apiVersion: "batch/v1",
          kind: "Job",
          metadata: { name: "x" },
          spec: { backoffLimit: "none", template: { spec: { containers: [{ name: "m", image: "i" }] } } },
        },
      ],
      [
        "PersistentVolumeClaim",
        {
          apiVersion: "v1",
          kind: "PersistentVolumeClaim",
          metadata: { name: "p" },
          spec: { accessModes: "ReadWriteMany" },
        },
      ],
    ];
    for (const [kind, manifest] of rows) {
      assert.throws(() => builtins[kind]?.validate(manifest), JSON.stringify(manifest));
    }
  });

  test("the runners write where the merge Job reads", () => {
    const docs = documents();
    const claim = docs.find((d) => d.manifest.kind === "PersistentVolumeClaim")?.manifest as {
      metadata: { name: string };
    };
    const text = (kind: string) => JSON.stringify(docs.find((d) => d.manifest.kind === kind)?.manifest);
    assert.match(text("TestRun"), new RegExp(`"claimName":"${claim.metadata.name}"`));
    assert.match(text("Job"), new RegExp(`"claimName":"${claim.metadata.name}"`));
    assert.match(text("TestRun"), /--out csv=\/results\/points\.csv/);
    assert.match(text("TestRun"), /"subPathExpr":"\$\(POD_NAME\)"/);
    assert.match(text("Job"), /load:merge/);
  });
});
