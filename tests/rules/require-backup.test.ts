/**
 * RuleTester cases for `require-backup` (SPEC §3 group D row `require-backup`, §2 `safety.backup`, §6.1
 * mutation scripts; seed 004 "Layer 4: automatic backup before deletion"). Each case names the clause it
 * proves; `// Choice:` marks behaviour the SPEC leaves open.
 */
import type { InvalidTestCase, ValidTestCase } from "@typescript-eslint/rule-tester";
import rule, { type MessageId } from "../../rules/require-backup.js";
import { contractSettings, createTester, repoFile } from "../rule-tester.js";

const CONTRACT = { version: 1, safety: { backup: ["createBackup"] } };
const ruleTester = createTester();
const SETTINGS = contractSettings(CONTRACT);
const SCRIPT = repoFile("scripts/cleanup.ts");
const IMPORT = 'import { PrismaClient } from "@prisma/client";\nconst prisma = new PrismaClient();\n';

type Valid = ValidTestCase<[]>;
type Invalid = InvalidTestCase<MessageId, []>;

function valid(code: string, extra: Partial<Valid> = {}): Valid {
  return { code: IMPORT + code, filename: SCRIPT, settings: SETTINGS, ...extra };
}

/** An invalid case; `line` is counted in `code` (the two import lines are added). */
function noBackup(code: string, what: string, line: number, column: number, extra: Partial<Invalid> = {}): Invalid {
  return { code: IMPORT + code, filename: SCRIPT, settings: SETTINGS, errors: [{ messageId: "noBackup", data: { what, backup: "createBackup()" }, line: line + 2, column }], ...extra };
}

ruleTester.run("require-backup", rule, {
  valid: [
    // Empty file.
    { code: "", filename: SCRIPT, settings: SETTINGS },
    // Clause "preceded by a safety.backup call": straight line.
    valid("await createBackup();\nawait prisma.user.deleteMany({ where: { demo: true } });"),
    // Member call of the backup name; destructive SQL after it.
    valid('await ops.createBackup();\nawait prisma.$executeRawUnsafe("TRUNCATE TABLE sessions");'),
    // Clause "on its path": a backup that ends the path when it fails (process.exit) still precedes.
    valid("const ok = await createBackup();\nif (!ok) process.exit(1);\nawait prisma.user.delete({ where: { id: 1 } });"),
    // Both branches back up.
    valid("if (process.argv.includes('--full')) { await createBackup(); } else { await createBackup(); }\nawait prisma.user.deleteMany();"),
    // Early return before the backup: the delete after it is still reached only after the backup.
    valid("async function main() {\n  if (process.argv.includes('--noop')) return;\n  await createBackup();\n  await prisma.user.deleteMany();\n}\nawait main();"),
    // Near-miss: backup in a helper of the same file called first (the helper backs up on every path).
    valid("async function prepare() {\n  console.log('backing up');\n  await createBackup();\n}\nawait prepare();\nawait prisma.user.deleteMany();"),
    // Near-miss: a delete in a function only ever called after the backup.
    valid("async function purge(id: number) {\n  await prisma.user.delete({ where: { id } });\n}\nawait createBackup();\nfor (const id of [1, 2]) await purge(id);"),
    // Loop: backup before the loop covers every iteration.
    valid("await createBackup();\nfor (const id of [1, 2, 3]) {\n  await prisma.user.delete({ where: { id } });\n}"),
    // try/finally: the backup in the try block runs before the finally's delete on the normal path; the
    // throw path skips the delete (ESLint's paths through finally).
    valid("try {\n  await createBackup();\n} catch (error) {\n  console.error(error);\n  process.exit(1);\n}\nawait prisma.user.deleteMany();"),
    // Not destructive: create/update, a SELECT, a log line that says "delete".
    valid('await prisma.user.update({ where: { id: 1 }, data: { name: "x" } });\nawait prisma.$queryRaw`SELECT 1`;\nconsole.log("delete from the list");'),
    // Dead code after process.exit is never reached.
    valid("process.exit(0);\nawait prisma.user.deleteMany();"),
    // Not a mutation script: application code, and a script that loads no database client.
    { code: IMPORT + "await prisma.user.deleteMany();", filename: repoFile("src/users.ts"), settings: SETTINGS },
    { code: "const m = new Map();\nm.delete('k');\nawait db.user.deleteMany();", filename: SCRIPT, settings: SETTINGS },
    // Layer off: a contract without safety.backup reports nothing.
    valid("await prisma.user.deleteMany();", { settings: contractSettings({ version: 1, safety: { productionCheck: ["isProduction"] } }) }),
    valid("await prisma.user.deleteMany();", { settings: contractSettings({ version: 1 }) }),
    // Choice: a backup function imported from elsewhere is taken as written, awaited or not.
    valid("createBackup();\nawait prisma.user.deleteMany();"),
  ],
  invalid: [
    // Clause "not preceded by a safety.backup call": no backup at all.
    noBackup("await prisma.user.deleteMany();", "prisma.user.deleteMany()", 1, 7),
    // Clause: destructive SQL at a sink.
    noBackup('await prisma.$executeRawUnsafe("DROP TABLE audit_log");', "DROP TABLE reaching $executeRawUnsafe", 1, 7),
    // Clause: a safety.destructive name.
    noBackup("await purgeSource(1);", "purgeSource()", 1, 7, { settings: contractSettings({ version: 1, safety: { backup: ["createBackup"], destructive: ["purgeSource"] } }) }),
    // Clause "on its path": backup after the delete.
    noBackup("await prisma.user.deleteMany();\nawait createBackup();", "prisma.user.deleteMany()", 1, 7),
    // Clause "on its path": backup only in one branch of an if.
    noBackup("if (process.argv.includes('--backup')) await createBackup();\nawait prisma.user.deleteMany();", "prisma.user.deleteMany()", 2, 7),
    // Clause "on its path": backup inside a loop that may run zero times.
    noBackup("for (const f of process.argv.slice(2)) await createBackup();\nawait prisma.user.deleteMany();", "prisma.user.deleteMany()", 2, 7),
    // Clause "on its path": backup in a try block without stopping on failure — the catch path continues.
    noBackup("try {\n  await createBackup();\n} catch {\n  console.warn('backup failed, continuing');\n}\nawait prisma.user.deleteMany();", "prisma.user.deleteMany()", 6, 7),
    // Clause "on its path": the backup in a nested callback that is never called first does not count.
    noBackup("const later = () => createBackup();\nawait prisma.user.deleteMany();\nlater();", "prisma.user.deleteMany()", 2, 7),
    // Near-miss (invalid side): a function with a delete that is also called before the backup.
    noBackup("async function purge() {\n  await prisma.user.deleteMany();\n}\nawait purge();\nawait createBackup();\nawait purge();", "prisma.user.deleteMany()", 2, 9),
    // Near-miss (invalid side): an exported function may be called from anywhere.
    noBackup("export async function purge() {\n  await prisma.user.deleteMany();\n}\nawait createBackup();\nawait purge();", "prisma.user.deleteMany()", 2, 9),
    // Near-miss (invalid side): a helper that backs up only sometimes.
    noBackup("async function prepare(full: boolean) {\n  if (full) await createBackup();\n}\nawait prepare(false);\nawait prisma.user.deleteMany();", "prisma.user.deleteMany()", 5, 7),
    // Choice: an async backup function of the same file must be awaited.
    {
      code: IMPORT + "async function createBackup() {\n  await dump();\n}\ncreateBackup();\nawait prisma.user.deleteMany();",
      filename: SCRIPT,
      settings: SETTINGS,
      errors: [{ messageId: "backupNotAwaited", data: { what: "prisma.user.deleteMany()", line: 6, name: "createBackup" }, line: 7, column: 7 }],
    },
    // An allowlisted script is a mutation script wherever it lives.
    {
      code: "await db.user.deleteMany();",
      filename: repoFile("tools/wipe.ts"),
      settings: contractSettings({ ...CONTRACT, mutationScripts: { "tools/wipe.ts": { operations: ["deleteMany"] } } }),
      errors: [{ messageId: "noBackup", data: { what: "db.user.deleteMany()", backup: "createBackup()" }, line: 1, column: 7 }],
    },
  ],
});
