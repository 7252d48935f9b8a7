import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const executorTypes =
  /^(Executor|Transaction|Database|InteractiveDatabase|(Service)?Context\["services"\]\["db"\]|Services\["db"\])$/;

/** Functions in `dir` whose database executor (a parameter typed Executor or Transaction) is not the last one. */
function executorNotLast(dir: string): string[] {
  const found: string[] = [];
  const visitFile = (path: string) => {
    const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && node.parameters.length > 1) {
        const index = node.parameters.findIndex((p) => executorTypes.test(p.type?.getText(source) ?? ""));
        if (index >= 0 && index !== node.parameters.length - 1) {
          const name = node.name?.getText(source) ?? "(anonymous)";
          const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
          found.push(`${relative(process.cwd(), path)}:${line + 1} ${name}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  };
  const walk = (path: string) => {
    for (const entry of readdirSync(path)) {
      const child = join(path, entry);
      if (statSync(child).isDirectory()) walk(child);
      else if (child.endsWith(".ts")) visitFile(child);
    }
  };
  walk(dir);
  return found;
}

describe("verb shape (docs/adding-a-module.md)", () => {
  it("every function that takes a database executor takes it last", () => {
    expect([...executorNotLast("src"), ...executorNotLast("functions")]).toEqual([]);
  });

  it("the check finds an executor in the first position", () => {
    expect(executorNotLast("test/fixtures/verb-shape")).toEqual([
      "test/fixtures/verb-shape/executor-first.ts:3 lockThing",
    ]);
  });
});
