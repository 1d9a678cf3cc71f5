/**
 * Writes the contract's validator ahead of time (`npm run build` runs `node dist/src/contract-validator.js`
 * after tsc): Ajv's standalone validation code for `schema/production-contract.schema.json` with the
 * options `contract.ts` uses ("Standalone validation code", Ajv docs), as `dist/contract-validator.cjs`,
 * with the digest of the schema text it was built from (`schemaDigest`). `contract.ts` loads it instead of
 * compiling the schema at run time, and compiles it itself when the file is missing or was built from
 * another schema, so both give the same errors (tests/contract.test.ts compares them).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { Ajv } from "ajv";
import standalone from "ajv/dist/standalone/index.js";
import { AJV_OPTIONS, CONTRACT_SCHEMA_FILE, PREBUILT_VALIDATOR_FILE, schemaDigest } from "./contract.js";
import { packageFile } from "./package-info.js";

/**
 * The validator's CommonJS source for a schema text: Ajv's standalone code, plus `schemaDigest`.
 * @throws Ajv's error when the schema does not compile.
 */
export function prebuiltValidatorSource(schemaText: string): string {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  const validate = ajv.compile(JSON.parse(schemaText) as object);
  return `${standalone.default(ajv, validate)}\nmodule.exports.schemaDigest = ${JSON.stringify(schemaDigest(schemaText))};\n`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(packageFile(PREBUILT_VALIDATOR_FILE), prebuiltValidatorSource(readFileSync(packageFile(CONTRACT_SCHEMA_FILE), "utf8")));
}
