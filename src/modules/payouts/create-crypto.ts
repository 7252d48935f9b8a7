import { getAddress, isAddress, zeroAddress } from "viem";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import { isPlatformAddress, prepareCryptoTransfer } from "../crypto/service";
import { assertCanPayOut } from "../verifications/service";
import { NOT_YET_SENT, toPayout } from "./rows";
import type { CreatePayoutInput, Payout } from "./schemas";
import { type PayoutRow, payouts } from "./tables";

/** Whether a destination names a crypto wallet (an EVM address) rather than a bank account. */
export function isWalletDestination(destination: string): boolean {
  return /^0x/i.test(destination);
}

function refuse(param: string, code: "parameter_invalid" | "parameter_missing", message: string): never {
  throw new ApiError(code, { param, message });
}

/** The request's wallet fields, checked before anything is read: what a bank payout would send is refused. */
function walletRequest(input: CreatePayoutInput) {
  const address = input.destination;
  if (!isAddress(address, { strict: false }) || getAddress(address) !== address) {
    refuse(
      "destination",
      "parameter_invalid",
      "A wallet address must be an EVM address in its EIP-55 checksummed form.",
    );
  }
  if (address === zeroAddress) {
    throw new ApiError("payout_destination_unsupported", {
      param: "destination",
      message: "The zero address burns what it receives.",
    });
  }
  if (input.amount !== undefined)
    refuse("amount", "parameter_invalid", "A wallet payout names asset_amount, not amount.");
  if (input.currency !== undefined)
    refuse("currency", "parameter_invalid", "A wallet payout names asset, not currency.");
  if (input.method !== "standard")
    refuse("method", "parameter_invalid", "A wallet payout has no instant method.");
  if (input.test_clock !== undefined) {
    refuse(
      "test_clock",
      "parameter_invalid",
      "A wallet payout moves with its on-chain transfer, not with a test clock.",
    );
  }
  if (input.statement_descriptor !== undefined) {
    refuse("statement_descriptor", "parameter_invalid", "A wallet payout has no bank statement.");
  }
  const { network, asset, asset_amount: amount } = input;
  if (network === undefined)
    return refuse("network", "parameter_missing", "A wallet payout needs the network.");
  if (asset === undefined) return refuse("asset", "parameter_missing", "A wallet payout needs the asset.");
  if (amount === undefined)
    return refuse("asset_amount", "parameter_missing", "A wallet payout needs asset_amount.");
  return { address, network, asset, amount };
}

/**
 * A payout to a crypto wallet, sent by a crypto transfer (`source` the payout) that it references:
 * the transfer's row, its reservation (the only one: available → reserved, amount and network fee)
 * and `crypto.transfer.created` go in ONE batch with the payout's row, `payout.created` and the
 * stored response. Nothing is signed here: the transfer is pending without a nonce, so the payout can
 * be canceled until crypto-transfer-track takes a nonce and broadcasts it. The amount is the
 * transfer's (whole units of the asset); the payout's `amount` is its USD value, `fee` the network
 * fee reserved.
 */
export async function createCryptoPayout({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreatePayoutInput;
}): Promise<Payout> {
  const wallet = walletRequest(input);
  const [, platform] = await Promise.all([
    assertCanPayOut(ctx),
    isPlatformAddress(ctx, { network: wallet.network, address: wallet.address }),
  ]);
  if (platform) {
    throw new ApiError("payout_destination_unsupported", {
      param: "destination",
      message: "This address is one of the platform's own wallets; a payout must leave it.",
    });
  }
  const id = newId("payout");
  const prepared = await prepareCryptoTransfer({
    ctx,
    input: {
      network: wallet.network,
      asset: wallet.asset,
      to: wallet.address,
      amount: wallet.amount,
      description: `Payout ${id}`,
    },
    source: { type: "payout", id },
  });
  const sent = prepared.row;
  const now = ctx.services.clock.now();
  const createdDay = now.toISOString().slice(0, 10);
  const row: PayoutRow = {
    id,
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    amount: sent.fiatAmount,
    currency: sent.fiatCurrency,
    fee: sent.networkFeeReserved,
    method: "standard",
    rail: null,
    bankAccountId: null,
    cryptoTransferId: sent.id,
    cryptoNetwork: sent.network,
    cryptoAsset: sent.asset,
    cryptoAmount: prepared.transfer.amount_decimal,
    cryptoAddress: sent.toAddress,
    statementDescriptor: null,
    status: "pending",
    windowAt: now,
    arrivalDate: createdDay,
    returnDeadline: createdDay,
    ...NOT_YET_SENT,
    schedulePeriodEnd: null,
    testClockId: null,
    metadata: input.metadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
  const payout = toPayout(row);
  const { db } = ctx.services;
  await runBatch(
    ctx.services,
    [
      db.insert(payouts).values(row),
      ...prepared.statements,
      db.execute(changeStatement(ctx, { type: "payout.created", object: payout })),
    ],
    { response: payout },
  );
  return payout;
}
