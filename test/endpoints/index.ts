/**
 * Every endpoint of the API for the shared security suite (test/security.test.ts) and the response
 * validation (test/openapi-responses.test.ts), one file per area. A new module adds its endpoints to
 * its area. The lists are checked against the OpenAPI document in test/security.test.ts: an
 * authenticated operation that no entry matches fails the suite unless it is excluded there with
 * its reason.
 */

import { accountCollectionEndpoints, accountObjectEndpoints } from "./account";
import { bankingCollectionEndpoints, bankingObjectEndpoints } from "./banking";
import { billingCollectionEndpoints, billingObjectEndpoints } from "./billing";
import { cryptoCollectionEndpoints, cryptoObjectEndpoints } from "./crypto";
import { issuingCollectionEndpoints, issuingObjectEndpoints } from "./issuing";
import { paymentsCollectionEndpoints, paymentsObjectEndpoints } from "./payments";
import type { CollectionEndpoint, ObjectEndpoint } from "./types";

export type { CollectionEndpoint, ObjectEndpoint };

export const objectEndpoints: ObjectEndpoint[] = [
  ...paymentsObjectEndpoints,
  ...billingObjectEndpoints,
  ...bankingObjectEndpoints,
  ...issuingObjectEndpoints,
  ...accountObjectEndpoints,
  ...cryptoObjectEndpoints,
];

export const collectionEndpoints: CollectionEndpoint[] = [
  ...paymentsCollectionEndpoints,
  ...billingCollectionEndpoints,
  ...bankingCollectionEndpoints,
  ...issuingCollectionEndpoints,
  ...accountCollectionEndpoints,
  ...cryptoCollectionEndpoints,
];
