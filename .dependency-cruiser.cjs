/**
 * The import rules of docs/adding-a-module.md, checked by `npm run lint` and test/imports.test.ts.
 * Type-only imports are allowed across modules (they vanish at build time).
 */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "An import cycle makes load order matter and hides a missing owner.",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "module-through-its-service",
      severity: "error",
      comment:
        "Another module is used through its service.ts (its verbs), its index.ts (its routers, for src/app.ts) or its schemas.ts (API shapes compose: a payment embeds its method).",
      from: { path: "^src/modules/([^/]+)/" },
      to: {
        path: "^src/modules/([^/]+)/",
        pathNot: ["^src/modules/$1/", "^src/modules/[^/]+/(service|index|schemas)\\.ts$"],
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "core-imports-no-module",
      severity: "error",
      comment: "core/ is shared by every module; what a module owns is handed to core, never imported by it.",
      from: { path: "^src/core/" },
      to: { path: "^src/modules/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "handlers-without-sql",
      severity: "error",
      comment: "Routes, handlers and schemas reach the database only through a verb.",
      from: { path: "^src/modules/[^/]+/(handlers|routes|schemas|index)\\.ts$" },
      to: { path: ["(^|/)node_modules/drizzle-orm/", "^src/core/db\\.ts$", "^src/core/batch\\.ts$"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "\\.test\\.ts$" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: `${__dirname}/tsconfig.json` },
    moduleSystems: ["es6"],
  },
};
