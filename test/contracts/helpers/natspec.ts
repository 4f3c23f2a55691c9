// Finds the errors and events of a Solidity source whose NatSpec is missing or incomplete.
import type { AstNode } from "./buildInfo.ts";

type Parameter = { name: string };

/** The NatSpec tags of a doc comment; untagged text at the start counts as `@notice`, as in solc. */
export function natspecTags(text: string): { tag: string; body: string }[] {
  const tags: { tag: string; body: string }[] = [];
  for (const [i, part] of text.split(/(?:^|\s)@(?=\w)/).entries()) {
    if (i === 0) {
      if (part.trim() !== "") tags.push({ tag: "notice", body: part.trim() });
      continue;
    }
    const m = /^(\w+)\s*([\s\S]*)$/.exec(part)!;
    tags.push({ tag: m[1], body: m[2].trim() });
  }
  return tags;
}

/**
 * Every error and event declared in `ast` needs a `@notice` or `@dev`, and a `@param` with a
 * description for each of its parameters (which must therefore be named), as in OpenZeppelin's
 * draft-IERC6093.sol. Returns one line per problem, e.g. "IX.sol: error Foo(x) lacks @param x".
 */
export function natspecProblems(file: string, ast: AstNode): string[] {
  const problems: string[] = [];
  const visit = (node: AstNode) => {
    if (node.nodeType === "ErrorDefinition" || node.nodeType === "EventDefinition") {
      const kind = node.nodeType === "ErrorDefinition" ? "error" : "event";
      const params = ((node.parameters as { parameters: Parameter[] }).parameters ?? []).map((p) => p.name);
      const where = `${file}: ${kind} ${node.name}(${params.join(", ")})`;
      const text = (node.documentation as { text?: string } | null | undefined)?.text ?? "";
      const tags = natspecTags(text);
      if (!tags.some((t) => (t.tag === "notice" || t.tag === "dev") && t.body !== "")) {
        problems.push(`${where} has no @notice or @dev`);
      }
      for (const [i, name] of params.entries()) {
        if (name === "") {
          problems.push(`${where}: parameter #${i} has no name to document`);
          continue;
        }
        const doc = tags.find((t) => t.tag === "param" && t.body.split(/\s+/)[0] === name);
        if (doc === undefined) problems.push(`${where} lacks @param ${name}`);
        else if (doc.body.slice(name.length).trim() === "") problems.push(`${where}: @param ${name} explains nothing`);
      }
    }
    for (const child of node.nodes ?? []) visit(child);
  };
  visit(ast);
  return problems;
}
