// ESLint flat config: typescript-eslint with type information for every TypeScript file, node
// globals for the relayer, scripts, bench, protocol and tests, browser globals and the React rules
// (hooks, accessibility, fast refresh) for the dApp. Formatting is prettier's job, not ESLint's.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import reactRefresh from "eslint-plugin-react-refresh";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  globalIgnores([
    "artifacts/",
    "cache/",
    "coverage/",
    "types/",
    "typechain-types/",
    "web/dist/",
    "agent/dist/",
    "deployments/",
    "ignition/deployments/",
    "data/",
    // Generated (unrolled Keccak-f[1600]); its generator owns its shape.
    "server/door/keccak.ts",
  ]),

  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
    languageOptions: {
      // Each file is checked against the tsconfig that owns it: tsconfig.json for the node side,
      // web/tsconfig.json for the dApp.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_`-prefixed names mark parameters a signature requires but the body does not use
      // (express handlers, callbacks).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
      // node:test's describe/it/test return promises the runner itself awaits.
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            {
              from: "package",
              package: "node:test",
              name: ["describe", "it", "test", "suite", "before", "after", "beforeEach", "afterEach"],
            },
          ],
        },
      ],
    },
  },

  {
    files: ["server/**", "scripts/**", "bench/**", "protocol/**", "test/**", "hardhat.config.ts", "eslint.config.js"],
    languageOptions: { globals: globals.node },
  },
  {
    files: ["test/contracts/**"],
    languageOptions: { globals: globals.mocha },
  },

  {
    files: ["web/**/*.{ts,tsx}"],
    languageOptions: { globals: globals.browser },
    extends: [reactHooks.configs.flat.recommended, jsxA11y.flatConfigs.recommended, reactRefresh.configs.vite],
    rules: {
      // A scrollable region is a keyboard stop (axe's scrollable-region-focusable, which the a11y test
      // runs): `tabIndex={0}` on a named role="region" is right, as it is on a tab panel.
      "jsx-a11y/no-noninteractive-tabindex": [
        "error",
        { tags: [], roles: ["tabpanel", "region"], allowExpressionValues: true },
      ],
    },
  },
  {
    // Tests and the vite config are not hot-reloaded modules.
    files: ["web/**/*.test.{ts,tsx}", "web/src/test/**", "web/vite.config.ts"],
    rules: { "react-refresh/only-export-components": "off" },
  },
  {
    // `await act(async () => …)` is React Testing Library's way to let the promises a state update
    // schedules settle; the `async` is the point even with nothing to await inside.
    files: ["web/**/*.test.tsx"],
    rules: { "@typescript-eslint/require-await": "off" },
  },

  {
    // Plain JavaScript (this file) is in no tsconfig: lint it without type information.
    files: ["**/*.js"],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // CommonJS (a `node --require` preload in the server tests): `require` is how such a file loads
    // modules, and it is in no tsconfig either.
    files: ["**/*.cjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: "commonjs", globals: globals.node },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
