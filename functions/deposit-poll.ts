import { z } from "zod";
import { defineFunction } from "../src/core/background-functions";
import { pollableChainKeys, pollDeposits } from "../src/modules/crypto/service";

export const depositPoll = defineFunction({
  name: "deposit-poll",
  description:
    "Reads new blocks of every chain with deposit addresses: detects transfers to them, counts confirmations, credits confirmed deposits and handles reorgs.",
  payload: z.object({ chain: z.string().max(40).optional() }).strict(),
  schedule: "* * * * *",
  intervalSeconds: 60,
  schedulePayloads: pollableChainKeys.map((chain) => ({ chain })),
  handler: async (services, payload) => ({ chains: await pollDeposits(services, payload.chain) }),
});
