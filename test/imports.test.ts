import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/** dependency-cruiser with the project's rules (.dependency-cruiser.cjs); its JSON report. */
function cruise(cwd: string, ...paths: string[]) {
  let output: string;
  try {
    output = execFileSync(
      "npx",
      [
        "depcruise",
        ...paths,
        "--config",
        `${process.cwd()}/.dependency-cruiser.cjs`,
        "--output-type",
        "json",
      ],
      { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 },
    );
  } catch (error) {
    // depcruise exits non-zero when it finds violations; the report is still on stdout.
    output = (error as { stdout: string }).stdout;
  }
  const report = JSON.parse(output) as {
    summary: { violations: Array<{ from: string; to: string; rule: { name: string } }> };
  };
  return report.summary.violations.map(
    (violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`,
  );
}

describe("import rules (docs/adding-a-module.md)", () => {
  it("src/ and functions/ have no import cycle and no module reached around its service.ts", () => {
    expect(cruise(process.cwd(), "src", "functions")).toEqual([]);
  });

  it("the rules catch a cycle, a bypass, SQL in a handler and core importing a module", () => {
    const found = cruise(`${process.cwd()}/test/fixtures/imports`, "src");
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^no-cycles: src\/modules\/a\/service\.ts/),
        "module-through-its-service: src/modules/b/handlers.ts → src/modules/a/tables.ts",
        expect.stringMatching(/^handlers-without-sql: src\/modules\/b\/handlers\.ts → .*drizzle-orm/),
        "core-imports-no-module: src/core/shared.ts → src/modules/a/service.ts",
      ]),
    );
  });
});
