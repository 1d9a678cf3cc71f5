// The project's own lint: @eslint/js and typescript-eslint recommended, plus this plugin on its own code.
// Fixture repositories are input, not project code: they are ignored here (and by tsc and vitest).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "fixtures/**", "coverage/**", "node_modules/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // prisma-ast searches for its configuration (and require()s what it finds) when it is loaded:
    // src/facts/prisma-ast.ts is the one place that loads it, so that the search finds nothing.
    files: ["**/*.ts"],
    ignores: ["src/facts/prisma-ast.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@mrleebo/prisma-ast",
              allowTypeImports: true,
              message: "Load it with prismaAst() from src/facts/prisma-ast.ts: a plain import runs its configuration search, which require()s files of the scanned repository.",
            },
          ],
        },
      ],
    },
  },
);
