// The interfaces are the protocol's documentation: every custom error and event in
// contracts/interfaces/ explains itself and each of its arguments, as OpenZeppelin's
// draft-IERC6093.sol does. Reads the ASTs solc produced for the compiled sources.
import { readdir } from "node:fs/promises";
import { expect } from "chai";
import { artifacts } from "hardhat";
import { buildOutputOf, type AstNode } from "./helpers/buildInfo.ts";
import { natspecProblems, natspecTags } from "./helpers/natspec.ts";

const DIR = "contracts/interfaces";

describe("NatSpec of the interfaces", function () {
  it("documents every error and event of contracts/interfaces, with each of their parameters", async function () {
    const files = (await readdir(DIR)).filter((f) => f.endsWith(".sol")).sort();
    const fqns = [...(await artifacts.getAllFullyQualifiedNames())].filter((n) => n.startsWith(`${DIR}/`));
    const problems: string[] = [];
    let declarations = 0;
    for (const file of files) {
      // Any contract of the file leads to the build that compiled it, and so to its AST.
      const fqn = fqns.find((n) => n.startsWith(`${DIR}/${file}:`));
      expect(fqn, `${file} has no compiled contract: run \`hardhat compile\``).to.not.equal(undefined);
      const { output, inputSourceName } = await buildOutputOf(fqn!);
      const ast = output.sources[inputSourceName].ast;
      declarations += count(ast);
      problems.push(...natspecProblems(file, ast));
    }
    expect(problems).to.deep.equal([]);
    // The walk really reached the declarations (81 when written).
    expect(declarations, "errors and events checked").to.be.greaterThan(50);
  });

  describe("when a declaration lacks NatSpec", function () {
    const param = (name: string) => ({ name });
    const node = (nodeType: string, name: string, params: string[], text?: string): AstNode => ({
      nodeType: "SourceUnit",
      nodes: [
        {
          nodeType: "ContractDefinition",
          nodes: [
            {
              nodeType,
              name,
              parameters: { parameters: params.map(param) },
              documentation: text === undefined ? null : { text },
            },
          ],
        },
      ],
    });

    it("reports an error without any doc comment, and each of its parameters", function () {
      expect(natspecProblems("I.sol", node("ErrorDefinition", "Bad", ["a", "b"]))).to.deep.equal([
        "I.sol: error Bad(a, b) has no @notice or @dev",
        "I.sol: error Bad(a, b) lacks @param a",
        "I.sol: error Bad(a, b) lacks @param b",
      ]);
    });

    it("reports an event whose doc comment skips a parameter or leaves one unexplained", function () {
      const text = "@notice Something happened.\n @param a The first.\n @param b";
      expect(natspecProblems("I.sol", node("EventDefinition", "Done", ["a", "b", "c"], text))).to.deep.equal([
        "I.sol: event Done(a, b, c): @param b explains nothing",
        "I.sol: event Done(a, b, c) lacks @param c",
      ]);
    });

    it("reports a doc comment with parameters but no @notice or @dev", function () {
      expect(natspecProblems("I.sol", node("ErrorDefinition", "Bad", ["a"], "@param a The only one."))).to.deep.equal([
        "I.sol: error Bad(a) has no @notice or @dev",
      ]);
    });

    it("reports an unnamed parameter, which no @param can explain", function () {
      expect(
        natspecProblems("I.sol", node("EventDefinition", "Done", [""], "@notice Something happened.")),
      ).to.deep.equal(["I.sol: event Done(): parameter #0 has no name to document"]);
    });

    it("accepts @dev alone, untagged text as @notice, and errors without parameters", function () {
      expect(natspecProblems("I.sol", node("ErrorDefinition", "A", ["x"], "@dev Why.\n @param x What."))).to.deep.equal(
        [],
      );
      expect(natspecProblems("I.sol", node("ErrorDefinition", "B", [], "Untagged, hence a notice."))).to.deep.equal([]);
      expect(natspecTags("Text {I-f} and address(0).\n @param x The x.")).to.deep.equal([
        { tag: "notice", body: "Text {I-f} and address(0)." },
        { tag: "param", body: "x The x." },
      ]);
    });
  });
});

function count(ast: AstNode): number {
  const self = ast.nodeType === "ErrorDefinition" || ast.nodeType === "EventDefinition" ? 1 : 0;
  return self + (ast.nodes ?? []).reduce((n, child) => n + count(child), 0);
}
