import type { Config } from "../../core/config";
import type { Environment } from "../../core/tables";
import type { RegistryCheckColumn } from "./tables";

/**
 * Business verification goes behind its own provider interface (Veriff's product is identity):
 * a registry lookup of the company by country and registration number.
 */
export interface BusinessRegistryProvider {
  name: string;
  check(input: RegistryLookup, at: Date): Promise<RegistryCheckColumn>;
}

export interface RegistryLookup {
  country: string;
  registrationNumber: string;
  legalName: string;
}

/** Registration number formats the sandbox registry knows, by ISO 3166-1 country. */
const registrationFormats: Readonly<Record<string, { pattern: RegExp; example: string }>> = {
  GB: { pattern: /^(?:\d{8}|(?:SC|NI|OC|SO|NC)\d{6})$/, example: "12345678" },
  DE: { pattern: /^HR[AB] ?\d{1,6}$/, example: "HRB 123456" },
  FR: { pattern: /^\d{9}$/, example: "732829320" },
  NL: { pattern: /^\d{8}$/, example: "12345678" },
  EE: { pattern: /^\d{8}$/, example: "12345678" },
  IE: { pattern: /^\d{5,6}$/, example: "123456" },
  ES: { pattern: /^[A-HJNP-SUVW]\d{7}[0-9A-J]$/, example: "B12345678" },
  IT: { pattern: /^\d{11}$/, example: "12345678901" },
  US: { pattern: /^\d{2}-\d{7}$/, example: "12-3456789" },
  CA: { pattern: /^\d{9}$/, example: "123456789" },
  AU: { pattern: /^\d{11}$/, example: "51824753556" },
  IN: { pattern: /^[LU]\d{5}[A-Z]{2}\d{4}[A-Z]{3}\d{6}$/, example: "U72900KA2015PTC123456" },
  SG: { pattern: /^\d{8,9}[A-Z]$/, example: "201912345K" },
};

/** Generic fallback for countries without a known format: letters, digits, spaces, dots, dashes, slashes. */
const GENERIC_FORMAT = /^[A-Z0-9][A-Z0-9 ./-]{2,29}$/;

export function registrationNumberValid(country: string, registrationNumber: string): boolean {
  const format = registrationFormats[country]?.pattern ?? GENERIC_FORMAT;
  return format.test(registrationNumber);
}

/**
 * The sandbox registry: a number ending in 000 is not in the register (failed), a legal name with
 * "review" in it is a partial match (needs_review); anything else is found under its legal name.
 */
export const sandboxRegistry: BusinessRegistryProvider = {
  name: "sandbox_registry",
  async check(input, at) {
    const base = { provider: "sandbox_registry", checked_at: at.toISOString() };
    if (/000$/.test(input.registrationNumber)) {
      return {
        ...base,
        outcome: "failed",
        registered_name: null,
        reasons: [
          { code: "registry_not_found", description: "No company with this number in the register." },
        ],
      };
    }
    if (/review/i.test(input.legalName)) {
      return {
        ...base,
        outcome: "needs_review",
        registered_name: input.legalName,
        reasons: [
          { code: "registry_partial_match", description: "The register's name differs; an analyst checks." },
        ],
      };
    }
    return { ...base, outcome: "passed", registered_name: input.legalName, reasons: [] };
  },
};

/** Without a registry provider configured for production, every business goes to manual review. */
const manualReview: BusinessRegistryProvider = {
  name: "manual_review",
  async check(_input, at) {
    return {
      provider: "manual_review",
      outcome: "needs_review",
      registered_name: null,
      reasons: [{ code: "manual_review", description: "An analyst checks the registration." }],
      checked_at: at.toISOString(),
    };
  },
};

export function registryFor(config: Config, environment: Environment): BusinessRegistryProvider {
  if (environment === "sandbox" || config.KYB_PRODUCTION_PROVIDER === "sandbox") return sandboxRegistry;
  return manualReview;
}
