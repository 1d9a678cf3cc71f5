/**
 * The named limits of `contract-scan` and the plugin: every place where the work grows with what a
 * repository or a contract holds has a limit here, with its unit and why that value. A leaf module (it
 * imports nothing), so any module can read it. Each limit that is reached is reported: a finding that
 * names what was not read or checked, or, for the contract, exit 2 naming the key path.
 * The README lists them under "Running contract-scan" → "Limits".
 */

// ---------------------------------------------------------------------------------------------------
// Work limits: how much work one input may cause (npm run chains, SQL statements, globs).

/**
 * How deep a chain of scripts is followed: `npm run a` whose script runs `npm run b` ..., and a shell
 * script that runs another shell script (unit: nested scripts, the first one counting 1). Real chains
 * are a few levels deep: the deepest among the package.json files of four corpus repositories (umami,
 * formbricks, ConnectSA-k9, dub) is 5 scripts (formbricks' `packages/database` `db:start`); 32 leaves
 * room for any hand-written chain and keeps the walk's recursion far from the stack's limit. A script below the limit is not followed, and where that leaves a check undecided the
 * scan reports the script that was not followed.
 */
export const MAX_SCRIPT_CHAIN_DEPTH = 32;

/**
 * How many script runs and commands `deploy-pipeline-order` lines up when it checks the order of
 * `deployPipeline.script` (unit: runs of a script or command, repeats counted: a script run twice counts
 * twice). npm runs a script as often as the chain names it, so a diamond of scripts that each run the
 * next twice runs 2^depth of them; a real deploy script runs a few dozen. Past the limit the order is
 * checked on the first runs only, and one finding says so.
 */
export const MAX_PIPELINE_RUNS = 10_000;

/**
 * How many statements of one SQL text in code (`$executeRawUnsafe(...)`, `sql\`...\``, a Python
 * `execute(...)`) are checked for destructive SQL (unit: top-level statements). The largest SQL of the
 * corpus repositories is a 111-statement `.sql` file; a string in code is smaller still. 1,000 is far
 * above that and keeps one text's check well under a second, also when the text does not parse and
 * each statement is parsed on its own (about 0.1 ms a statement). The statements past it are not
 * checked, and one finding says how many there were.
 */
export const MAX_SQL_STATEMENTS_PER_TEXT = 1_000;

/**
 * How many statements of one `.sql` file are checked for destructive SQL (unit: top-level statements).
 * The largest `.sql` file of the corpus repositories outside migrations has 111 statements (a row-level
 * security script, ConnectSA-k9); a 2 MiB file (the largest read) can hold 140,000 `DELETE FROM t;`.
 * 10,000 statements take about a second to check when the file does not parse as a whole (each is then
 * parsed on its own); 100,000 that parse take 1.2 s. The statements past it are not checked, and one
 * finding says how many there were.
 */
export const MAX_SQL_STATEMENTS_PER_FILE = 10_000;

/**
 * The longest glob accepted in the contract (unit: UTF-16 code units). 4,096 is PATH_MAX on Linux: a
 * longer glob names no path a reviewer could read. picomatch's own limit (65,536) is far above what its
 * regular expressions can compile: a 60,000-character glob fails to compile.
 */
export const MAX_GLOB_LENGTH = 4_096;

/**
 * The most patterns one glob may expand to through braces (`{a,b}`, `{1..9}`, nested; unit: patterns).
 * 1,000 is braces' own `rangeLimit` default (the library's limit for a single range); file globbing
 * walks the tree once per expanded pattern, and `{a,b}` written 30 times is 2^30 patterns.
 */
export const MAX_GLOB_EXPANSIONS = 1_000;

/**
 * The most wildcards one path segment of a glob may hold (`*` runs and extglob groups such as `+(...)`;
 * a whole `**` segment does not count). picomatch matches a segment with a regular expression whose
 * backtracking grows as the file name's length to the power of its wildcards: `*a*a*a*a*a*b` took
 * 3.5 s on one 255-character name, four wildcards 89 ms, three 2 ms (measured with picomatch 4). Real
 * contract globs hold one or two (`*.test.*`).
 */
export const MAX_SEGMENT_WILDCARDS = 3;

/**
 * The deepest shell text read (`nestingEstimate` in src/analysis/shell.ts; unit: chained commands, or
 * twice the nested brackets). Measured at Node's default stack, mvdan/sh read a chain of 550 `&&` and not
 * one of 600; 200 leaves more than half the stack to the caller (ESLint, a test runner). A real command
 * line chains a few dozen commands at most.
 */
export const MAX_SHELL_NESTING = 200;
