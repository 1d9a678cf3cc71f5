// The process in which tests/hostile/invariants.ts runs `contract-scan`: `run(argv, io)` of the built CLI
// (dist/src/cli.js; `npm test` and `npm run fuzz` build first), the same call as tests/e2e/helpers.ts
// `runHere`, in a long-lived child process that the test kills when a run hangs or grows without bound.
// Each IPC message `{ id, cwd, args, env }` gets one reply `{ id, status, stdout, stderr, threw }`; a run
// that throws replies with status null and the error's stack on stderr, as the binary would print it.
import { run } from "../../dist/src/cli.js";

process.on("message", async ({ id, cwd, args, env }) => {
  let stdout = "";
  let stderr = "";
  const io = { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), isTTY: false, cwd, env };
  try {
    const status = await run(args, io);
    process.send({ id, status, stdout, stderr, threw: false });
  } catch (error) {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.send({ id, status: null, stdout, stderr: `${stderr}${text}\n`, threw: true });
  }
});
