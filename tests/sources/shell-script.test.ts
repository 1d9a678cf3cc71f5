/**
 * Shell scripts in contract-scan (src/sources/shell-script.ts): `*.sh`, `*.bash` and extension-less files
 * with a shell shebang in script zones; export CI=true before a write (SPEC §6.6), allowlisting by path.
 */
import { afterEach, describe, expect, it } from "vitest";
import { cleanRepos, scanRepo } from "./helpers.js";

afterEach(cleanRepos);

const DEPLOY = `#!/usr/bin/env bash
set -euo pipefail
export CI=true
function main {
  if [ "\${SKIP_BACKUP:-false}" != "true" ]; then ./scripts/backup.sh; fi
  npx prisma migrate deploy | tee deploy.log
}
echo "SKIP_BACKUP is not set"
main
`;

describe("shell scripts", () => {
  it("is silent for an empty script and read-only commands", async () => {
    expect(await scanRepo({ "scripts/empty.sh": "" })).toEqual([]);
    expect(await scanRepo({ "scripts/gen.sh": "#!/bin/sh\nCI=true jest\nnpx prisma generate\nprisma migrate dev\n" })).toEqual([]);
  });

  it("reports export CI=true before a write, bypass reads, and the write", async () => {
    expect(await scanRepo({ "scripts/deploy.sh": DEPLOY })).toEqual([
      'scripts/deploy.sh:3:8 no-bypass-env Setting CI to "true" makes CI-only guards pass outside CI',
      'scripts/deploy.sh:5:9 no-bypass-env Environment variable "SKIP_BACKUP" matches the bypass pattern "SKIP_*"',
      'scripts/deploy.sh:6:3 no-direct-prisma-cli "prisma migrate deploy" writes to the database, and this file may not run it',
    ]);
  });

  it("reads extension-less files with a shell shebang in script zones, and .bash files", async () => {
    expect(await scanRepo({ "bin/reset": "#!/bin/bash\nprisma migrate reset --force\n", "bin/README": "prisma migrate reset\n", "tools/x.bash": "SKIP_X=1 make\n" })).toEqual([
      'bin/reset:2:1 no-direct-prisma-cli "prisma migrate reset" writes to the database, and this file may not run it',
      'tools/x.bash:1:1 no-bypass-env Environment variable "SKIP_X" matches the bypass pattern "SKIP_*"',
    ]);
  });

  it("reports CI=true for a command that runs a script that writes, and allowlists the script path", async () => {
    const files = { "scripts/ci.sh": "CI=true ./scripts/reset.sh\n", "scripts/reset.sh": "npx prisma migrate reset --force\n" };
    const contract = { version: 1, mutationScripts: { "scripts/reset.sh": { operations: ["prisma migrate reset"] } } };
    expect(await scanRepo(files, contract)).toEqual(['scripts/ci.sh:1:1 no-bypass-env Setting CI to "true" makes CI-only guards pass outside CI']);
  });

  it("turns a script that does not parse into a parse-error finding (an error in a script zone)", async () => {
    expect(await scanRepo({ "scripts/bad.sh": "if then\n" })).toEqual([expect.stringMatching(/^scripts\/bad\.sh:1:\d+ parse-error /) as unknown]);
  });
});

describe("shell scripts: zones", () => {
  it("skips ignored files, and bypass names in the tests zone (Prisma writes there are still reported)", async () => {
    const files = { "vendor/x.sh": "SKIP_X=1 prisma db push\n", "tests/setup.sh": "SKIP_X=1 prisma db push\n" };
    expect(await scanRepo(files, { version: 1, ignore: ["vendor/**"] })).toEqual([
      'tests/setup.sh:1:1 no-direct-prisma-cli "prisma db push" writes to the database, and this file may not run it',
    ]);
  });
});
