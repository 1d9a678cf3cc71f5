/** Validation of SARIF logs against the official SARIF 2.1.0 JSON Schema (tests/schemas/README.md). */
import { readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

// Both are CommonJS with `module.exports = <default>`; require gives the same object in Node and vitest.
const require = createRequire(import.meta.url);
const Ajv04 = require("ajv-draft-04") as typeof import("ajv-draft-04").default;
const addFormats = require("ajv-formats") as typeof import("ajv-formats").default;

const schema = JSON.parse(readFileSync(path.join(import.meta.dirname, "schemas/sarif-schema-2.1.0.json"), "utf8")) as object;
const ajv = new Ajv04({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

/** The schema violations of a SARIF log ([] when it is valid), as `<instance path> <message>` lines. */
export function sarifSchemaErrors(log: unknown): string[] {
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? ""}`);
}
