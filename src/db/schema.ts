/** Every table, for drizzle-kit: core's and each module's. */
export * from "../core/tables";
export * from "../modules/customers/tables";
