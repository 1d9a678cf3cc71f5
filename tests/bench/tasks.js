// The bench's comparison runs, one per process (`node tasks.js <task> <root> [contract]`), on the files
// contract-scan lints (its discovery; JavaScript/TypeScript only, without SQL and non-JS sources):
//   floor  read each file and parse it with @typescript-eslint/typescript-estree (the parse floor);
//   peer   plain ESLint (Linter, @typescript-eslint/parser, the scanner's CommonJS override) with only
//          `no-restricted-syntax` selectors for bypass env names and destructive SQL literals;
//   plugin import the plugin as ESLint does when a config names it, without running a rule.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [task, rootArg, contractArg] = process.argv.slice(2);
const dist = path.resolve(import.meta.dirname, "../../dist/src");

if (task === "plugin") {
  await import(pathToFileURL(path.join(dist, "index.js")).href);
  process.exit(0);
}

const { defaultContract, loadContractFile } = await import(pathToFileURL(path.join(dist, "contract.js")).href);
const { discoverFiles, nonJsSourceKind } = await import(pathToFileURL(path.join(dist, "discover.js")).href);
const root = path.resolve(rootArg);
const contract = contractArg ? loadContractFile(path.resolve(contractArg)) : defaultContract();
const files = (await discoverFiles(root, contract)).filter((f) => !f.endsWith(".sql") && nonJsSourceKind(path.relative(root, f).split(path.sep).join("/"), false) === undefined);

if (task === "floor") {
  const { parse } = await import("@typescript-eslint/typescript-estree");
  for (const file of files) {
    const text = await readFile(file, "utf8");
    try {
      parse(text, { filePath: file, loc: true, range: true, tokens: true, comment: true });
    } catch {
      // a file that does not parse costs its attempt, as in the scan
    }
  }
} else if (task === "peer") {
  const { Linter } = await import("eslint");
  const tsParser = await import("@typescript-eslint/parser");
  const linter = new Linter({ configType: "flat", cwd: root });
  const config = [
    {
      files: ["**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}"],
      languageOptions: { parser: tsParser, ecmaVersion: "latest", sourceType: "module" },
      rules: {
        "no-restricted-syntax": [
          "error",
          { selector: "MemberExpression[object.property.name='env'][property.name=/^(SKIP|BYPASS|ALLOW)_/i]", message: "bypass env" },
          { selector: "MemberExpression[object.property.name='env'][property.value=/^(SKIP|BYPASS|ALLOW)_/i]", message: "bypass env" },
          { selector: "Literal[value=/^\\s*(DROP|TRUNCATE|DELETE)\\s/i]", message: "destructive SQL" },
          { selector: "TemplateElement[value.raw=/^\\s*(DROP|TRUNCATE|DELETE)\\s/i]", message: "destructive SQL" },
        ],
      },
    },
    { files: ["**/*.cjs", "**/*.cts"], languageOptions: { sourceType: "commonjs" } },
  ];
  for (const file of files) linter.verify(await readFile(file, "utf8"), config, { filename: file });
} else {
  throw new Error(`unknown task ${task}`);
}
process.stdout.write(`${files.length}\n`);
