/**
 * The Prisma schema (SPEC §2 `prismaSchema`): located by the contract, `package.json#prisma.schema`,
 * `prisma/schema.prisma`, a multi-file `prisma/schema/` folder, or every schema of a monorepo; read
 * with `@mrleebo/prisma-ast`: models to tables (`@@map`), fields to columns (`@map`), relations; a
 * schema that does not parse is recorded, never thrown.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createRepoFacts } from "../../src/facts/repo-facts.js";
import { parsePrismaSchema, prismaConfigSchema } from "../../src/facts/prisma-schema.js";
import { contractWith, factsFor, fixtureRoot } from "./helpers.js";

describe("one schema.prisma", () => {
  const { facts, at } = factsFor("schema-single");
  const schema = facts.prismaSchema;

  it("maps models to tables with @@map (positional and name:), else the model name", () => {
    expect(schema?.files).toEqual([at("prisma/schema.prisma")]);
    expect([...(schema?.models.values() ?? [])].map((m) => [m.name, m.table])).toEqual([
      ["ServiceCategory", "service_categories"],
      ["Service", "services"],
      ["AuditLog", "AuditLog"],
    ]);
  });

  it("maps fields to columns with @map (positional and name:), enums and Unsupported included, relations apart", () => {
    const category = schema?.models.get("ServiceCategory");
    expect([...(category?.columns ?? [])]).toEqual([
      ["id", "id"],
      ["name", "name"],
      ["createdAt", "created_at"],
      ["iconUrl", "icon_url"],
      ["role", "role"],
    ]);
    expect([...(category?.relations ?? [])]).toEqual(["services"]);
    const service = schema?.models.get("Service");
    expect(service?.columns.get("categoryId")).toBe("category_id");
    expect(service?.columns.get("legacy")).toBe("legacy");
    expect([...(service?.relations ?? [])]).toEqual(["category"]);
    expect(service?.file).toBe(at("prisma/schema.prisma"));
  });

  it("finds a model by its delegate, its name or its table", () => {
    expect(schema?.modelForDelegate("serviceCategory")?.name).toBe("ServiceCategory");
    expect(schema?.modelForDelegate("auditLog")?.table).toBe("AuditLog");
    expect(schema?.modelForDelegate("ServiceCategory")).toBeUndefined();
    expect(schema?.modelForDelegate("activeService")).toBeUndefined();
    expect(schema?.modelByNameOrTable("Service")?.table).toBe("services");
    expect(schema?.modelByNameOrTable("service_categories")?.name).toBe("ServiceCategory");
    expect(schema?.modelByNameOrTable("Services")).toBeUndefined();
  });

  it("records the client generator's output, not other generators'", () => {
    expect(schema?.clientOutputs).toEqual([at("src/generated/prisma")]);
    expect(facts.schemaErrors).toEqual([]);
  });
});

describe("a multi-file schema folder", () => {
  it("reads every .prisma file under prisma/schema/, subfolders included, relations across files", () => {
    const { facts, at } = factsFor("schema-folder");
    const schema = facts.prismaSchema;
    expect(schema?.files).toEqual([at("prisma/schema/billing/invoice.prisma"), at("prisma/schema/schema.prisma"), at("prisma/schema/user.prisma")]);
    expect(schema?.models.get("User")?.table).toBe("users");
    expect(schema?.models.get("User")?.columns.get("email")).toBe("email_address");
    expect([...(schema?.models.get("User")?.relations ?? [])]).toEqual(["invoices"]);
    expect([...(schema?.models.get("Invoice")?.relations ?? [])]).toEqual(["user"]);
    expect(schema?.models.get("Invoice")?.columns.has("user")).toBe(false);
    expect(schema?.models.get("Invoice")?.file).toBe(at("prisma/schema/billing/invoice.prisma"));
  });
});

describe("a main schema.prisma with model files beside it (Prisma's multi-file layout)", () => {
  it("reads every .prisma file under the prisma folder of a found prisma/schema.prisma", () => {
    const { facts, at } = factsFor("schema-models-folder");
    const schema = facts.prismaSchema;
    expect(schema?.files).toEqual([at("prisma/models/space.prisma"), at("prisma/models/user.prisma"), at("prisma/schema.prisma")]);
    expect(schema?.models.get("User")?.table).toBe("users");
    expect(schema?.models.get("User")?.columns.get("email")).toBe("email_address");
    expect([...(schema?.models.get("Space")?.relations ?? [])]).toEqual(["owner"]);
    expect(schema?.clientOutputs).toEqual([at("generated/prisma")]);
  });

  it("keeps a contract's prismaSchema file exact (only that file)", () => {
    const { facts, at } = factsFor("schema-models-folder", { prismaSchema: "prisma/schema.prisma" });
    expect(facts.prismaSchema?.files).toEqual([at("prisma/schema.prisma")]);
    expect(facts.prismaSchema?.models.size).toBe(0);
  });
});

describe("locating the schema", () => {
  it("follows package.json#prisma.schema before prisma/schema.prisma", () => {
    const { facts, at } = factsFor("schema-package-json");
    expect(facts.prismaSchema?.files).toEqual([at("db/schema.prisma")]);
    expect([...(facts.prismaSchema?.models.keys() ?? [])]).toEqual(["Order"]);
  });

  it("follows the contract's prismaSchema: a file, a folder or a glob", () => {
    expect(factsFor("schema-package-json", { prismaSchema: "prisma/schema.prisma" }).facts.prismaSchema?.models.has("Decoy")).toBe(true);
    const folder = factsFor("schema-folder", { prismaSchema: "prisma/schema/billing" });
    expect([...(folder.facts.prismaSchema?.models.keys() ?? [])]).toEqual(["Invoice"]);
    const glob = factsFor("schema-folder", { prismaSchema: "prisma/schema/*.prisma" });
    expect(glob.facts.prismaSchema?.files).toEqual([glob.at("prisma/schema/schema.prisma"), glob.at("prisma/schema/user.prisma")]);
  });

  it("reports a contract prismaSchema that matches nothing, and has no schema", () => {
    const { facts } = factsFor("schema-single", { prismaSchema: "db/missing.prisma" });
    expect(facts.prismaSchema).toBeUndefined();
    expect(facts.schemaErrors).toHaveLength(1);
    expect(facts.schemaErrors[0]?.message).toMatch(/prismaSchema "db\/missing.prisma" matches no Prisma schema file/);
    expect(facts.schemaErrors[0]?.contractKey).toBe("prismaSchema");
  });

  it("finds every schema of a monorepo's packages", () => {
    const { facts, at } = factsFor("monorepo");
    expect(facts.prismaSchema?.files).toEqual([at("packages/db/prisma/schema.prisma")]);
    expect(facts.prismaSchema?.models.get("Account")?.columns.get("email")).toBe("email_address");
  });

  it("has no schema where there is none", () => {
    const { facts } = factsFor("resolution");
    expect(facts.prismaSchema).toBeUndefined();
    expect(facts.schemaErrors).toEqual([]);
  });
});

describe("a schema that does not parse", () => {
  it("is recorded with its position and does not crash", () => {
    const { facts, at } = factsFor("schema-broken");
    expect(() => facts.prismaSchema).not.toThrow();
    expect(facts.prismaSchema?.models.size).toBe(0);
    expect(facts.schemaErrors).toEqual([{ file: at("prisma/schema.prisma"), message: 'Prisma schema does not parse: unexpected "name"', line: 8, column: 3 }]);
  });

  it("keeps the models of the files that parse", () => {
    const parsed = parsePrismaSchema([
      { file: "/r/a.prisma", text: "model A {\n  id Int @id\n  b B?\n}\n" },
      { file: "/r/b.prisma", text: 'model B {\n  id Int @id\n  name String @map(\n}\n' },
      { file: "/r/c.prisma", text: undefined },
    ]);
    expect([...parsed.schema.models.keys()]).toEqual(["A"]);
    expect(parsed.errors).toEqual([
      { file: "/r/b.prisma", message: "Prisma schema does not parse: unexpected a line break; expected ')'", line: 3, column: 20 },
      { file: "/r/c.prisma", message: "cannot read the Prisma schema file", line: 1, column: 1 },
    ]);
    // B did not parse: A's field of type B is not known to be a relation.
    expect(parsed.schema.models.get("A")?.columns.has("b")).toBe(true);
  });

  it("keeps the first declaration of a model that two files declare", () => {
    const parsed = parsePrismaSchema([
      { file: "/r/a.prisma", text: 'model A {\n  id Int @id\n  @@map("first")\n}\n' },
      { file: "/r/b.prisma", text: 'model A {\n  id Int @id\n  @@map("second")\n}\n' },
    ]);
    expect(parsed.schema.models.get("A")?.table).toBe("first");
  });
});

// Issue 13 item 2: Prisma 6.6+/7 name the schema in prisma.config.ts. Modelled on formbricks/formbricks
// `packages/database/prisma.config.ts` (`schema: "./schema"`, a multi-file folder that is not
// `prisma/schema/`), fixtures/corpus-regressions/generated-client-config.
describe("the schema named by a Prisma config file (issue 13 item 2)", () => {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  const SCHEMA = 'generator client {\n  provider = "prisma-client"\n  output   = "../generated/prisma"\n}\nmodel User {\n  id String @id\n}\n';
  function repo(files: Record<string, string>): { root: string; at: (p: string) => string } {
    const root = mkdtempSync(path.join(os.tmpdir(), "ps-prisma-config-"));
    made.push(root);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    }
    return { root, at: (p) => path.join(root, p) };
  }

  it("finds a workspace package's schema folder and its generator output (before: no schema)", () => {
    const root = path.resolve(fixtureRoot("resolution"), "../../corpus-regressions/generated-client-config");
    const facts = createRepoFacts(root, contractWith(), { snapshot: true });
    expect(facts.prismaSchema?.files).toEqual([path.join(root, "packages/database/schema/contacts.prisma"), path.join(root, "packages/database/schema/main.prisma")]);
    expect(facts.prismaSchema?.clientOutputs).toEqual([path.join(root, "packages/database/generated/prisma")]);
    expect(facts.isDbClientLoader(path.join(root, "packages/database/src/scripts/backfill-attribute-values.ts"))).toBe(true);
    expect(facts.schemaErrors).toEqual([]);
  });

  it("reads the static forms: defineConfig, satisfies, module.exports, a const, path.join(__dirname, ...)", () => {
    const forms = [
      'import { defineConfig } from "prisma/config";\nexport default defineConfig({ schema: "db/schema.prisma" });\n',
      'import type { PrismaConfig } from "prisma";\nexport default { schema: `db/schema.prisma` } satisfies PrismaConfig;\n',
      'module.exports = { schema: require("node:path").join(__dirname, "db", "schema.prisma") };\n',
      'import path from "node:path";\nconst config = { earlyAccess: true, schema: path.join(import.meta.dirname, "db/schema.prisma") };\nexport default config;\n',
    ];
    for (const [index, config] of forms.entries()) {
      const name = index === 2 ? "prisma.config.cjs" : "prisma.config.ts";
      const { root, at } = repo({ [name]: config, "db/schema.prisma": SCHEMA });
      expect(prismaConfigSchema(root), config).toEqual({ file: at(name), schema: at("db/schema.prisma") });
      const facts = createRepoFacts(root, contractWith(), { snapshot: true });
      expect(facts.prismaSchema?.files, config).toEqual([at("db/schema.prisma")]);
      expect(facts.prismaSchema?.clientOutputs, config).toEqual([at("generated/prisma")]);
    }
  });

  it("comes before package.json#prisma.schema and the default places; the contract comes first", () => {
    const files = {
      "prisma.config.ts": 'export default { schema: "./db" };\n',
      "db/main.prisma": SCHEMA,
      "package.json": '{ "prisma": { "schema": "other/schema.prisma" } }',
      "other/schema.prisma": SCHEMA,
      "prisma/schema.prisma": SCHEMA,
    };
    const { root, at } = repo(files);
    expect(createRepoFacts(root, contractWith(), { snapshot: true }).prismaSchema?.files).toEqual([at("db/main.prisma")]);
    expect(createRepoFacts(root, contractWith({ prismaSchema: "prisma/schema.prisma" }), { snapshot: true }).prismaSchema?.files).toEqual([at("prisma/schema.prisma")]);
  });

  it("near-misses: no schema key, a computed value (default places apply), a config naming nothing (a problem)", () => {
    const noKey = repo({ "prisma.config.ts": 'export default defineConfig({ datasource: { url: env("DATABASE_URL") } });\n', "prisma/schema.prisma": SCHEMA });
    expect(prismaConfigSchema(noKey.root)).toEqual({ file: noKey.at("prisma.config.ts"), schema: undefined });
    expect(createRepoFacts(noKey.root, contractWith(), { snapshot: true }).prismaSchema?.files).toEqual([noKey.at("prisma/schema.prisma")]);
    const computed = repo({ "prisma.config.ts": 'export default defineConfig({ schema: process.env.SCHEMA ?? "db" });\n', "prisma/schema.prisma": SCHEMA });
    expect(prismaConfigSchema(computed.root)?.schema).toBeUndefined();
    expect(createRepoFacts(computed.root, contractWith(), { snapshot: true }).prismaSchema?.files).toEqual([computed.at("prisma/schema.prisma")]);
    const missing = repo({ "prisma.config.ts": 'export default { schema: "./gone" };\n', "prisma/schema.prisma": SCHEMA });
    const facts = createRepoFacts(missing.root, contractWith(), { snapshot: true });
    expect(facts.prismaSchema?.files).toEqual([missing.at("prisma/schema.prisma")]);
    expect(facts.schemaErrors).toEqual([{ file: missing.at("prisma.config.ts"), message: 'prisma.config.ts names the schema "gone", which matches no Prisma schema file', line: 1, column: 1 }]);
    expect(prismaConfigSchema(repo({ "prisma.config.ts": "export default {" }).root)).toBeUndefined();
  });
});
