import { z } from "zod";
import { defineFunction } from "../src/core/background-functions";
import { pollUndecidedVerifications } from "../src/modules/verifications/service";

export const verificationPoll = defineFunction({
  name: "verification-poll",
  description:
    "Asks Veriff for the decision of identity checks submitted more than VERIFF_POLL_AFTER_SECONDS ago with no decision webhook yet.",
  payload: z.object({}).passthrough(),
  schedule: "*/5 * * * *",
  intervalSeconds: 300,
  handler: (services) => pollUndecidedVerifications(services),
});
