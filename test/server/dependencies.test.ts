// Every package of package.json is used by something that ships or tests (scripts/checkDeps.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { dependencyUsage, type DepsInput, type Manifest } from "../../scripts/lib/checkDeps.ts";
import { ROOT } from "../helpers/localChain.ts";
import { layerViolations } from "../../scripts/lib/checkLayers.ts";

function input(over: Partial<DepsInput> & { deps: string[]; manifests?: Record<string, Manifest> }): DepsInput {
  return {
    pkg: { devDependencies: Object.fromEntries(over.deps.map((d) => [d, "1.0.0"])), scripts: over.pkg?.scripts },
    files: over.files ?? [],
    commands: over.commands ?? [],
    manifest: (name) => over.manifests?.[name],
  };
}
const unused = (i: DepsInput) =>
  dependencyUsage(i)
    .filter((u) => u.why === null)
    .map((u) => u.name);

describe("dependency check", () => {
  it("passes on this repository: every package in package.json is used", () => {
    // Fails naming the unused packages (exit 1, one line on stderr).
    execFileSync(process.execPath, [path.join(ROOT, "scripts/checkDeps.ts")], { cwd: ROOT, stdio: "pipe" });
  });

  it("names a package nothing imports, runs, types or requires", () => {
    const i = input({
      deps: ["zod", "left-pad"],
      files: [{ path: "a.ts", text: 'import { z } from "zod";\n// left-pad would be nice' }],
    });
    assert.deepEqual(unused(i), ["left-pad"]);
  });

  it("counts imports, subpath imports, requires, remappings and config strings; not a mention in a comment", () => {
    const files = [
      { path: "a.ts", text: "import x from \"a/sub.js\"; const b = require('b'); await import(`c`);" },
      { path: "remappings.txt", text: "forge-std/=node_modules/d/lib/forge-std/" },
      { path: "vite.config.ts", text: 'test: { environment: "e" }' },
      { path: "b.ts", text: "// f is great, fa too" },
    ];
    assert.deepEqual(unused(input({ deps: ["a", "b", "c", "d", "e", "f"], files })), ["f"]);
  });

  it("counts a binary run by a package.json script or a CI script, matched through the package's bin field", () => {
    const manifests: Record<string, Manifest> = {
      typescript: { bin: { tsc: "bin/tsc", tsserver: "x" } },
      solhint: { bin: "solhint.js" },
      prettier: { bin: { prettier: "p" } },
      "@scope/tool": { bin: "t.js" },
    };
    const i = input({
      deps: ["typescript", "solhint", "prettier", "@scope/tool"],
      pkg: { scripts: { lint: "solhint x && tsc -p ." } },
      commands: ["#!/bin/sh\nnpx tool --check"],
      manifests,
    });
    assert.deepEqual(unused(i), ["prettier"]);
  });

  it("counts @types packages by the package they type, and @types/node by node: imports", () => {
    const files = [{ path: "a.ts", text: 'import express from "express"; import fs from "node:fs";' }];
    const i = input({ deps: ["express", "@types/express", "@types/cors", "@types/node", "@types/babel__core"], files });
    assert.deepEqual(unused(i), ["@types/cors", "@types/babel__core"]);
  });

  it("counts a required peer of a used package, not an optional one, nor a peer of an unused one", () => {
    const manifests: Record<string, Manifest> = {
      "hardhat-mocha": { peerDependencies: { mocha: "^11" } },
      vitest: {
        peerDependencies: { jsdom: "*", "happy-dom": "*" },
        peerDependenciesMeta: { jsdom: { optional: true }, "happy-dom": { optional: true } },
      },
      unused: { peerDependencies: { chai: "^5" } },
    };
    const files = [{ path: "a.ts", text: 'import "hardhat-mocha"; import "vitest";' }];
    const i = input({ deps: ["hardhat-mocha", "mocha", "vitest", "jsdom", "unused", "chai"], files, manifests });
    assert.deepEqual(unused(i), ["jsdom", "unused", "chai"]);
  });
});

describe("import layers (dependencies point down)", () => {
  const flagged = (files: { path: string; text: string }[]) =>
    layerViolations(files).map((v) => `${v.file} → ${v.target}`);

  it("flags the server importing scripts/, door/ and sponsor/ importing http/, routers building services", () => {
    // The imports and constructs issue 18 found, as they were written.
    const files = [
      { path: "server/config.ts", text: 'import { DEMO_RELAYER_PRIVATE_KEY } from "../scripts/lib/demoKeys.ts";' },
      {
        path: "server/locks/lockSimulatorMain.ts",
        text: 'import { demoLockKey } from "../../scripts/lib/demoKeys.ts";',
      },
      {
        path: "server/door/verifyUnlockRequest.ts",
        text: 'import type { ParsedUnlockRequest } from "../http/schemas.ts";',
      },
      { path: "server/sponsor/sponsor.ts", text: 'import { RateLimiter } from "../http/policy.ts";' },
      { path: "server/http/routes/sponsor.ts", text: "return createSponsor({ client });" },
      {
        path: "server/http/routes/receipts.ts",
        text: "const service = new ReceiptsService(index, createChainClient(url, ms));",
      },
      { path: "protocol/api/read.ts", text: 'import type { ChainIndex } from "../../server/index/chainIndex.ts";' },
      { path: "web/src/lib/x.ts", text: 'const m = await import("../../../server/errors.ts");' },
    ];
    assert.deepEqual(flagged(files), [
      "server/config.ts → scripts/lib/demoKeys.ts",
      "server/locks/lockSimulatorMain.ts → scripts/lib/demoKeys.ts",
      "server/door/verifyUnlockRequest.ts → server/http/schemas.ts",
      "server/sponsor/sponsor.ts → server/http/policy.ts",
      "server/http/routes/sponsor.ts → createSponsor(",
      "server/http/routes/receipts.ts → new ReceiptsService",
      "protocol/api/read.ts → server/index/chainIndex.ts",
      "web/src/lib/x.ts → server/errors.ts",
    ]);
  });

  it("allows imports that point down: scripts → server, server → protocol, http → services, web → protocol", () => {
    const files = [
      { path: "scripts/lib/seed.ts", text: 'import { demoLockAddress } from "../../server/demoKeys.ts";' },
      { path: "server/config.ts", text: 'import { DEMO_RELAYER_PRIVATE_KEY } from "./demoKeys.ts";' },
      { path: "server/door/verifyUnlockRequest.ts", text: 'import type { P } from "../../protocol/api/door.ts";' },
      { path: "server/http/routes/sponsor.ts", text: 'import type { Sponsor } from "../../sponsor/sponsor.ts";' },
      { path: "web/src/lib/readApi.ts", text: 'import { venuesAnswer } from "../../../protocol/api/read.ts";' },
    ];
    assert.deepEqual(flagged(files), []);
  });
});
