// CI (.ci/run): compares the JSON reports of two `npm test` runs, one with PostgreSQL and Redis
// reachable and one without. The second must run the same tests, fail none, and skip only tests
// whose names give the reason ("skipped: ..."), so a missing service can never pass silently.
//   npx tsx scripts/compare-test-runs.ts <with-services.json> <without-services.json>
import { readFileSync } from "node:fs";

interface AssertionResult {
  fullName: string;
  status: string;
}

interface Report {
  numTotalTests: number;
  numFailedTests: number;
  testResults: Array<{ name: string; assertionResults: AssertionResult[] }>;
}

function readReport(file: string): Report {
  return JSON.parse(readFileSync(file, "utf8")) as Report;
}

/** Every test as "file > full name", with its status. */
function statuses(report: Report): Map<string, string> {
  const byTest = new Map<string, string>();
  for (const file of report.testResults) {
    for (const test of file.assertionResults) byTest.set(`${file.name} > ${test.fullName}`, test.status);
  }
  return byTest;
}

const [withServicesFile, withoutServicesFile] = process.argv.slice(2);
if (!withServicesFile || !withoutServicesFile) {
  console.error("usage: compare-test-runs <with-services.json> <without-services.json>");
  process.exit(2);
}
const withServices = readReport(withServicesFile);
const withoutServices = readReport(withoutServicesFile);
const problems: string[] = [];

if (withoutServices.numTotalTests !== withServices.numTotalTests) {
  problems.push(
    `${withoutServices.numTotalTests} tests without services, ${withServices.numTotalTests} with them`,
  );
}
if (withoutServices.numFailedTests > 0)
  problems.push(`${withoutServices.numFailedTests} failed without services`);

const before = statuses(withServices);
const skipped = [...statuses(withoutServices)].filter(
  ([, status]) => status === "skipped" || status === "pending",
);
const newlySkipped = skipped.filter(
  ([name]) => before.get(name) !== "skipped" && before.get(name) !== "pending",
);
for (const [name] of newlySkipped) {
  if (!name.includes("skipped: ")) problems.push(`skipped without a reason in its name: ${name}`);
}

console.log(
  `Without services: ${withoutServices.numTotalTests} tests (with services: ${withServices.numTotalTests}), ` +
    `${withoutServices.numFailedTests} failed, ${skipped.length} skipped:`,
);
for (const [name] of skipped) console.log(`  skipped  ${name}`);
if (problems.length > 0) {
  for (const problem of problems) console.error(`✗ ${problem}`);
  process.exit(1);
}
