import { z } from "zod";
import { defineFunction } from "../src/core/background-functions";
import { trackCryptoTransfers } from "../src/modules/crypto/service";

export const cryptoTransferTrack = defineFunction({
  name: "crypto-transfer-track",
  description:
    "Follows open crypto transfers: broadcasts pending ones, records receipts once confirmed (settling with the network fee charged, or releasing the reservation), replaces stuck ones with higher fees, and watches confirmed ones until final (a reorg undoes the confirmation and sends again).",
  payload: z.object({ chain: z.string().max(40).optional() }).strict(),
  schedule: "* * * * *",
  intervalSeconds: 60,
  handler: async (services, payload) => ({ transfers: await trackCryptoTransfers(services, payload.chain) }),
});
